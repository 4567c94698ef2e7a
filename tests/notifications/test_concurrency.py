"""Never twice, none missed: concurrent jobs, and a worker that dies mid-batch."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from notifications.models import OutboxEmail, claim_stale_after
from notifications.outbox import claim, send_one, sweep
from notifications.reminders import reminders_send_due
from notifications.tasks import outbox_send
from tests.conftest import make_week
from tests.notifications.conftest import due_in, make_class


def run_together(job: Callable[[], object], threads: int = 3) -> list[object]:
    """Run `job` in several threads at once, each with its own database connection."""
    barrier = threading.Barrier(threads)
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(job())
        except BaseException as exc:  # noqa: BLE001 — reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_reminder_jobs_running_at_once_write_and_send_each_reminder_once(seminar):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent writers need PostgreSQL (SQLite's in-memory test database "
            "locks whole tables); CI runs this on PostgreSQL"
        )
    make_week(seminar, deadline=due_in(40))
    students = make_class(seminar, 12)

    created = run_together(reminders_send_due)
    run_together(sweep)

    assert sum(created) == len(students)  # type: ignore[arg-type]
    counts = Counter(address for message in mail.outbox for address in message.to)
    assert counts == Counter(user.email for user in students)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_a_worker_killed_mid_batch_leaves_nobody_missed_or_doubled(
    seminar, django_capture_on_commit_callbacks
):
    make_week(seminar, deadline=due_in(40))
    students = make_class(seminar, 6)
    # The scan writes the batch; its send task is what the dying worker picked up.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert reminders_send_due() == 6
    assert len(callbacks) == 1
    ids = list(OutboxEmail.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()

    # The worker sent two emails, had claimed two more when it was killed (SIGKILL: no
    # chance to mark them or let go), and never reached the last two.
    assert send_one(ids[0]) and send_one(ids[1])
    assert claim(ids[2], now) and claim(ids[3], now)

    # acks_late: the broker redelivers the task to another worker. It sends the two
    # never claimed and leaves the claimed ones alone (their worker might be alive).
    assert outbox_send(ids) == 2
    assert sweep() == 0
    # Once the dead worker's claims are stale the sweep sends those two.
    with time_machine.travel(now + claim_stale_after() + dt.timedelta(seconds=1), tick=False):
        assert sweep() == 2
        assert sweep() == 0
        assert reminders_send_due() == 0

    counts = Counter(address for message in mail.outbox for address in message.to)
    assert counts == Counter(user.email for user in students)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}
