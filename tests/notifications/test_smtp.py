"""Email for real: reminders and announcements leave through a local SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Week
from core.services import publish_week
from notifications.outbox import sweep
from notifications.reminders import reminders_send_due
from tests.conftest import make_week

pytestmark = pytest.mark.django_db


def test_a_reminder_arrives_by_smtp_as_text_and_html_with_unsubscribe_headers(
    seminar, student, smtp_inbox
):
    make_week(seminar, deadline=timezone.now() + dt.timedelta(hours=47))
    assert reminders_send_due() == 1
    assert sweep() == 1
    smtp_inbox.wait_for(1)
    (recipients, message), *_ = smtp_inbox.messages
    assert recipients == [student.email]
    assert message["Subject"].startswith("[LLM Risks] Reminder: your post for Week 1 is due")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message["List-Unsubscribe"]
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Still owed:" in text and "LLM Risks" in text
    assert "<li>an answer in" in html and "Unsubscribe from deadline and duty reminders" in html


def test_an_announcement_arrives_by_smtp(
    seminar, student, smtp_inbox, django_capture_on_commit_callbacks
):
    week = make_week(seminar, status=Week.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        publish_week(week=week)
    smtp_inbox.wait_for(1)
    assert smtp_inbox.recipients() == [student.email]
    _, message = smtp_inbox.messages[0]
    assert message["Subject"] == "[LLM Risks] New week: Week 1"
