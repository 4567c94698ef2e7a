"""Fault tests from "Nothing lost, nothing doubled".

- SMTP down across a reminder deadline: the sweep runs every minute while nothing listens
  on the SMTP port; then a real aiosmtpd server starts on it. The reminders still due go
  out once; the one whose deadline passed during the outage is marked expired, unsent,
  its last failure kept. (Before: 5 attempts a minute apart, then "failed" for good.)
- A worker killed (SIGKILL) mid-batch: a real `celery worker` process on Redis and
  PostgreSQL sends a batch through a real SMTP server and is killed halfway; a new worker
  and the sweep finish it. Nothing is missed; at most the one message in flight is doubled.
  Needs PostgreSQL (two processes share the database) and Redis: skipped otherwise, with
  the reason; CI sets DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection
from django.db.models import F
from django.utils import timezone

from notifications.models import OutboxEmail, claim_stale_after
from notifications.outbox import insert, sweep
from notifications.reminders import reminders_send_due
from tests.conftest import make_week
from tests.notifications.conftest import Inbox, free_port, make_class
from tests.notifications.test_real_worker import queue_drained, worker  # noqa: F401 — fixture

Status = OutboxEmail.Status
# Worker tests use Redis database 14 locally (CI: its REDIS_URL).
BROKER_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


@pytest.mark.django_db
def test_smtp_down_across_a_deadline_sends_what_is_still_due_once_and_expires_the_rest(
    seminar, settings
):
    port = free_port()  # nothing listens here until the server "comes back"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    start = timezone.now()
    soon = make_week(seminar, number=1, deadline=start + dt.timedelta(minutes=2))
    later = make_week(seminar, number=2, deadline=start + dt.timedelta(hours=47))
    students = make_class(seminar, 21)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    try:
        with time_machine.travel(start, tick=False) as traveller:
            assert reminders_send_due() == 2 * len(students)  # 3 h before one, 48 h the other
            for _ in range(4):  # 3½ minutes of outage, the sweep every minute
                assert sweep() == 0
                traveller.shift(dt.timedelta(minutes=1))
            traveller.shift(dt.timedelta(seconds=30))
            # Week 1's deadline passed during the outage: its reminders expired unsent.
            waiting = OutboxEmail.objects.filter(status=Status.PENDING)
            assert set(waiting.values_list("subject_key", flat=True)) == {f"week:{later.pk}"}
            assert waiting.count() == len(students)
            assert waiting.filter(last_error__contains="Connection refused").exists()

            controller.start()  # SMTP is back
            sent = sweep()
            assert sweep() == 0
            assert reminders_send_due() == 0
    finally:
        controller.stop(no_assert=True)

    assert sent == len(students)
    inbox.wait_for(len(students))
    assert inbox.recipients() == sorted(s.email for s in students)
    assert {m["Subject"].split("Week ")[1][:1] for _, m in inbox.messages} == {"2"}
    rows = OutboxEmail.objects.all()
    assert {r.status for r in rows if r.subject_key == f"week:{later.pk}"} == {Status.SENT}
    expired = [r for r in rows if r.subject_key == f"week:{soon.pk}"]
    assert {r.status for r in expired} == {Status.EXPIRED}
    assert any("Connection refused" in r.last_error for r in expired)


# --- A worker killed mid-batch ---------------------------------------------------------------


class SlowInbox(Inbox):
    """Takes a few milliseconds a message, so a batch lasts long enough to be killed in."""

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 — aiosmtpd API
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(str(message["Message-ID"]) for _, message in self.messages)


@pytest.fixture
def broker() -> str:
    """Overrides test_real_worker's: Redis database 14 unless REDIS_URL says otherwise."""
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {BROKER_URL} is required in CI: {exc}")
        pytest.skip(f"Redis at {BROKER_URL} is unreachable (and CI is unset): {exc}")
    return BROKER_URL


@pytest.fixture
def smtp_server() -> Iterator[tuple[SlowInbox, int]]:
    """Overrides conftest's: the slow inbox, for the worker fixture to send to."""
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def forget_unacked(broker: str, queue: str) -> None:
    """Drop the killed worker's unacknowledged message of our queue from Redis, so no later
    consumer of this database restores it into a queue that no longer exists."""
    client = redis.Redis.from_url(broker)
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_misses_nobody_and_doubles_at_most_the_one_in_flight(
    worker,  # noqa: F811 — the fixture imported above
    smtp_server,
    broker,
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "a worker process and the test share the database: needs PostgreSQL "
            "(DATABASE_URL=postgres://…); CI runs it there"
        )
    sender, queue, start = worker
    inbox, _ = smtp_server
    total = 300
    ids = [
        insert(
            OutboxEmail.Kind.INVITATION,
            None,
            f"batch:{n}",
            subject=f"Invitation {n}",
            text="Join the seminar.",
            to_email=f"p{n:04d}@example.edu",
        ).pk  # type: ignore[union-attr]
        for n in range(total)
    ]
    try:
        first = start()
        sender.send_task("notifications.tasks.outbox_send", args=[ids], queue=queue)
        inbox.wait_for(total // 3, timeout=60)
        os.kill(first.pid, signal.SIGKILL)  # mid-batch: no chance to mark or let go
        first.wait(timeout=10)
        killed_at = len(inbox.messages)
        assert killed_at < total, "the batch finished before the kill"

        # The killed worker's claim (at most one row) is stale after claim_stale_after():
        # age it instead of waiting a minute. Then a new worker and the beat's sweep.
        OutboxEmail.objects.filter(status=Status.PENDING, claimed_at__isnull=False).update(
            claimed_at=F("claimed_at") - claim_stale_after()
        )
        second = start()
        deadline = time.monotonic() + 120
        while OutboxEmail.objects.filter(status=Status.PENDING).exists():
            assert time.monotonic() < deadline, "the batch never drained"
            sender.send_task("notifications.tasks.outbox_sweep", queue=queue)
            assert queue_drained(broker, queue, timeout=60)
            time.sleep(0.5)
        assert second.poll() is None, "the second worker died"
    finally:
        forget_unacked(broker, queue)

    rows = list(OutboxEmail.objects.all())
    assert {row.status for row in rows} == {Status.SENT}
    received = inbox.message_ids()
    expected = {row.message_id for row in rows}
    assert set(received) == expected  # nobody missed
    doubled = sum(count - 1 for count in received.values())
    assert doubled <= 1, received.most_common(3)  # only the message in flight, if any
