"""Delivery that outlives outages: backoff with jitter while an email is useful, then
expired; the reason kept; staff told (seminar home banner, admin, /healthz)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.delivery import (
    RETRY_BASE,
    RETRY_CAP,
    failure_kind,
    next_attempt_at,
    retry_delay,
)
from notifications.models import OutboxEmail, claim_stale_after
from notifications.outbox import enqueue, sweep
from notifications.status import delivery_status
from pages.health import health_report

pytestmark = pytest.mark.django_db

Status = OutboxEmail.Status
SMTP_DOWN = "django.core.mail.EmailMultiAlternatives.send"


def put(user, kind=OutboxEmail.Kind.REMINDER, **extra) -> OutboxEmail:
    enqueue(kind, user, "week:1", subject="Due soon", text="t", html="", offset="48h", **extra)
    return OutboxEmail.objects.get(kind=kind, recipient=user)


@pytest.fixture
def smtp_down():
    """Every send fails as if the server refused the connection; so does the probe."""
    with (
        mock.patch(SMTP_DOWN, side_effect=ConnectionRefusedError(111, "Connection refused")),
        mock.patch("notifications.delivery.Connection.probe", return_value=False),
    ):
        yield


def test_the_backoff_doubles_from_30_seconds_up_to_15_minutes():
    assert [retry_delay(n, rand=1.0) for n in range(1, 8)] == [
        dt.timedelta(seconds=30),
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(minutes=8),
        RETRY_CAP,
        RETRY_CAP,
    ]
    assert retry_delay(10_000, rand=1.0) == RETRY_CAP  # no overflow after days of failures


def test_the_jitter_keeps_between_half_and_all_of_the_step():
    assert retry_delay(3, rand=0.0) == dt.timedelta(minutes=1)
    delays = {retry_delay(3) for _ in range(50)}
    assert len(delays) > 1
    assert all(dt.timedelta(minutes=1) <= d <= dt.timedelta(minutes=2) for d in delays)


def test_near_the_end_of_its_life_an_email_is_tried_in_the_half_that_is_left():
    now = timezone.now()
    soon = now + dt.timedelta(minutes=10)
    assert next_attempt_at(9, now, soon, rand=1.0) == now + dt.timedelta(minutes=5)
    # never more often than every 15 s
    assert next_attempt_at(9, now, now + dt.timedelta(seconds=4), rand=1.0) == now + RETRY_BASE / 2


def test_failures_are_told_apart():
    import smtplib

    assert failure_kind(ConnectionRefusedError(111, "refused")) == "server"
    assert failure_kind(smtplib.SMTPServerDisconnected("gone")) == "server"
    assert failure_kind(smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")})) == (
        "refused"
    )
    assert failure_kind(smtplib.SMTPRecipientsRefused({"a@x": (451, b"later")})) == "message"


def test_an_outage_is_retried_on_the_backoff_schedule_never_given_up_by_count(student, smtp_down):
    start = timezone.now()
    row = put(student, expires_at=start + dt.timedelta(hours=40))
    seen: list[dt.datetime] = []
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(24 * 60):  # a day of the sweep running every minute
            traveller.shift(dt.timedelta(minutes=1))
            sweep()
            row.refresh_from_db()
            if row.attempts > len(seen):
                seen.append(timezone.now())
    assert row.status == Status.PENDING  # still useful: still waiting, not failed
    assert "Connection refused" in row.last_error and row.last_error.startswith("server:")
    gaps = [b - a for a, b in zip(seen, seen[1:], strict=False)]
    assert gaps[0] <= dt.timedelta(minutes=1)
    assert max(gaps) <= RETRY_CAP + dt.timedelta(minutes=1)
    assert 96 <= len(seen) <= 24 * 60 / 7  # about every 7½–15 minutes, not every minute


def test_an_email_past_its_useful_life_is_marked_expired_with_its_last_failure_kept(
    student, smtp_down
):
    start = timezone.now()
    row = put(student, expires_at=start + dt.timedelta(minutes=30))
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(31):
            sweep()
            traveller.shift(dt.timedelta(minutes=1))
    row.refresh_from_db()
    assert row.status == Status.EXPIRED
    assert row.attempts >= 5 and "Connection refused" in row.last_error
    assert mail.outbox == []


def test_each_kind_has_a_lifetime_when_no_expiry_is_given(student, smtp_down):
    invitation_like = put(student, kind=OutboxEmail.Kind.ANNOUNCEMENT)
    notice = put(student, kind=OutboxEmail.Kind.NOTICE)
    assert invitation_like.useful_until == invitation_like.created_at + dt.timedelta(days=3)
    with time_machine.travel(notice.created_at + dt.timedelta(days=2, minutes=1), tick=False):
        sweep()
    notice.refresh_from_db()
    invitation_like.refresh_from_db()
    assert notice.status == Status.EXPIRED
    assert invitation_like.status == Status.PENDING


def test_when_the_server_answers_again_every_waiting_email_goes_out_once(student, other_student):
    rows = [put(student), put(other_student)]
    with (
        mock.patch(SMTP_DOWN, side_effect=OSError("down")),
        mock.patch("notifications.delivery.Connection.probe", return_value=False),
    ):
        for _ in range(3):
            sweep()
    assert {r.pk for r in OutboxEmail.objects.filter(next_attempt_at__gt=timezone.now())} == {
        r.pk for r in rows
    }
    # Nothing is due yet, but the server accepts connections again: both go out now.
    assert sweep() == 2
    assert sweep() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([student.email, other_student.email])
    for row in OutboxEmail.objects.all():
        assert row.status == Status.SENT and row.message_id.startswith("<outbox-")
        assert "down" in row.last_error  # the last failure's reason is kept


def test_a_recipient_refused_for_good_is_marked_failed_at_once(student):
    import smtplib

    put(student)
    refused = smtplib.SMTPRecipientsRefused({student.email: (550, b"no such user")})
    with mock.patch(SMTP_DOWN, side_effect=refused):
        assert sweep() == 0
    row = OutboxEmail.objects.get()
    assert row.status == Status.FAILED and row.last_error.startswith("refused:")


def test_a_claim_goes_stale_after_a_few_send_timeouts(settings):
    settings.EMAIL_TIMEOUT = 10
    assert claim_stale_after() == dt.timedelta(minutes=1)
    settings.EMAIL_TIMEOUT = 30
    assert claim_stale_after() == dt.timedelta(minutes=3)


def test_staff_see_failing_delivery_on_the_seminar_home_and_in_the_admin(
    client, admin_client, seminar, staff, student, smtp_down
):
    put(student)
    sweep()
    status = delivery_status()
    assert status.is_failing and status.pending == 1 and status.failing == 1
    client.force_login(staff)
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "Email delivery is failing." in page and "1 email(s) waiting" in page
    assert "Connection refused" not in page  # the reason is for the admin
    changelist = reverse("admin:notifications_outboxemail_changelist")
    admin_page = admin_client.get(changelist).content.decode()
    assert "Email delivery is failing" in admin_page and "Connection refused" in admin_page


def test_students_never_see_the_banner_and_staff_see_none_when_all_is_well(
    client, seminar, staff, student
):
    put(student)  # sent at once (in-process, locmem)
    client.force_login(staff)
    assert (
        "Email delivery is failing" not in client.get(seminar.get_absolute_url()).content.decode()
    )
    OutboxEmail.objects.update(status=Status.PENDING, next_attempt_at=timezone.now())
    client.force_login(student)
    assert (
        "Email delivery is failing" not in client.get(seminar.get_absolute_url()).content.decode()
    )


def test_healthz_reports_the_backlog_and_the_oldest_pending_age(student, smtp_down):
    assert health_report()["email"] == {
        "state": "ok",
        "pending": 0,
        "failing": 0,
        "oldest_pending_seconds": None,
    }
    written = timezone.now()
    put(student)
    with time_machine.travel(written + dt.timedelta(minutes=3), tick=False):
        sweep()
        email = health_report()["email"]
    assert email["state"] == "failing" and email["pending"] == 1 and email["failing"] == 1
    assert 179 <= email["oldest_pending_seconds"] <= 181
