"""The outbox: one row per key, sent after commit, claimed once, retried, never blocking."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboxEmail, claim_stale_after
from notifications.outbox import claim, enqueue, send_one, sweep
from notifications.tasks import outbox_send
from seminar.celery import app

pytestmark = pytest.mark.django_db

Status = OutboxEmail.Status


def put(user, key: str = "week:1", offset: str = "48h", **extra) -> bool:
    return enqueue(
        OutboxEmail.Kind.REMINDER,
        user,
        key,
        subject="Subject",
        text="Plain text",
        html="<p>HTML</p>",
        offset=offset,
        headers={"List-Unsubscribe": "<https://seminar.example.edu/u/>"},
        **extra,
    )


def test_enqueue_writes_one_row_per_key(student):
    assert put(student) is True
    assert put(student) is False
    assert put(student, offset="3h") is True
    assert OutboxEmail.objects.count() == 2


def test_a_duplicate_key_leaves_the_callers_transaction_usable(student):
    with transaction.atomic():
        put(student)
        assert put(student) is False
        student.first_name = "Still works"
        student.save()
    student.refresh_from_db()
    assert student.first_name == "Still works"


def test_the_email_is_sent_after_commit_with_text_html_and_headers(
    student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        put(student)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [student.email]
    assert message.body == "Plain text"
    assert message.alternatives[0].content == "<p>HTML</p>"
    assert message.extra_headers["List-Unsubscribe"] == "<https://seminar.example.edu/u/>"
    assert message.extra_headers["Message-ID"].startswith("<outbox-")
    row = OutboxEmail.objects.get()
    assert row.status == Status.SENT and row.sent_at is not None and row.attempts == 1


def test_a_rolled_back_change_sends_nothing(student, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        put(student)
        raise RuntimeError("the change failed")
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_row_is_sent_once_however_often_the_task_runs(student):
    put(student)
    pk = OutboxEmail.objects.get().pk
    assert outbox_send([pk]) == 1
    assert outbox_send([pk]) == 0
    assert sweep() == 0
    assert len(mail.outbox) == 1


def test_a_claimed_row_is_left_alone_until_its_claim_is_stale(student):
    put(student)
    row = OutboxEmail.objects.get()
    now = timezone.now()
    assert claim(row.pk, now) is True
    assert claim(row.pk, now) is False
    assert send_one(row.pk) is False
    with time_machine.travel(now + claim_stale_after() + dt.timedelta(seconds=1), tick=False):
        assert sweep() == 1
    assert len(mail.outbox) == 1


def test_a_failed_send_keeps_its_reason_and_waits_out_its_backoff(student):
    put(student)
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
        ),
        mock.patch("notifications.delivery.Connection.probe", return_value=False),
    ):
        assert sweep() == 0
        row = OutboxEmail.objects.get()
        assert row.status == Status.PENDING and row.attempts == 1
        assert row.last_error.startswith("server: ") and "SMTP down" in row.last_error
        assert row.next_attempt_at > timezone.now()
        assert sweep() == 0  # not due yet: not tried again
    assert OutboxEmail.objects.get().attempts == 1


def test_a_transient_failure_is_sent_on_the_next_sweep(student):
    put(student)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("x")):
        assert sweep() == 0
    assert OutboxEmail.objects.get().status == Status.PENDING
    assert sweep() == 1
    assert len(mail.outbox) == 1


def test_unsubscribed_since_writing_means_not_sent(student):
    put(student)
    student.email_reminders = False
    student.save()
    assert sweep() == 0
    row = OutboxEmail.objects.get()
    assert row.status == Status.SKIPPED and row.last_error == "recipient unsubscribed"
    assert mail.outbox == []


@pytest.fixture
def broker_down():
    """A broker that refuses connections, with tasks no longer run in-process."""
    conf = app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:9/0"  # the discard port: connection refused
    # Drop connections (and producers) made for the real broker, so none is reused.
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None


def test_enqueueing_with_the_broker_down_neither_fails_nor_blocks(
    student, broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        assert put(student) is True
    assert time.monotonic() - started < 2.5
    row = OutboxEmail.objects.get()
    assert row.status == Status.PENDING and row.attempts == 0
    assert mail.outbox == []


def test_the_sweep_sends_what_the_broker_outage_left_pending(student, broker_down):
    with mock.patch("notifications.outbox.transaction.on_commit"):
        put(student)
    app.conf.task_always_eager = True
    assert sweep() == 1
    assert OutboxEmail.objects.get().status == Status.SENT
