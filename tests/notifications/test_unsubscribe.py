"""One-click unsubscribe: a signed link per kind of email, no login, GET never changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from notifications.emails import unsubscribe_token
from notifications.models import OutboxEmail
from notifications.reminders import reminders_send_due

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return f"/notifications/unsubscribe/{token}/"


@pytest.fixture
def anonymous() -> Client:
    return Client(enforce_csrf_checks=True)


def test_get_shows_a_confirm_button_and_changes_nothing(anonymous, student):
    response = anonymous.get(url(unsubscribe_token(student, "reminders")))
    assert response.status_code == 200
    content = response.content.decode()
    assert "deadline and duty reminders" in content and student.email in content
    assert 'method="post"' in content
    student.refresh_from_db()
    assert student.email_reminders is True


@pytest.mark.parametrize(
    ("category", "field", "off"),
    [
        ("reminders", "email_reminders", False),
        ("announcements", "email_announcements", False),
        ("replies", "email_reply_notices", "off"),
    ],
)
def test_post_unsubscribes_from_that_kind_only(anonymous, student, category, field, off):
    response = anonymous.post(url(unsubscribe_token(student, category)))
    assert response.status_code == 200
    assert "gets no more" in response.content.decode()
    student.refresh_from_db()
    assert getattr(student, field) == off
    others = {"email_reminders", "email_announcements"} - {field}
    assert all(getattr(student, name) is True for name in others)


def test_rfc8058_one_click_post_from_a_mail_client(anonymous, student):
    response = anonymous.post(
        url(unsubscribe_token(student, "announcements")),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.email_announcements is False


def test_a_forged_or_garbled_token_is_not_found(anonymous, student):
    token = unsubscribe_token(student, "reminders")
    assert anonymous.post(url(token[:-3] + "abc")).status_code == 404
    assert anonymous.get(url("not-a-token")).status_code == 404
    student.refresh_from_db()
    assert student.email_reminders is True


def test_other_methods_are_refused(anonymous, student):
    assert anonymous.put(url(unsubscribe_token(student, "reminders"))).status_code == 405


def test_every_reminder_carries_its_unsubscribe_link_and_headers(
    week, student, anonymous, settings
):
    week.deadline -= dt.timedelta(hours=40)  # 32 hours away: in the 48-hour window
    week.save()
    reminders_send_due()
    row = OutboxEmail.objects.get()
    link = row.headers["List-Unsubscribe"].strip("<>")
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in row.text and link in row.html
    path = link.removeprefix(settings.SITE_URL)
    anonymous.post(path)
    student.refresh_from_db()
    assert student.email_reminders is False
