"""Email in a browser: a student who got a deadline reminder follows its unsubscribe link
with JavaScript off and no session, confirms, and gets no more reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications.outbox import sweep
from notifications.reminders import reminders_send_due
from tests.e2e.conftest import axe_violations, describe

pytestmark = pytest.mark.e2e


def test_student_unsubscribes_from_reminders_with_the_emails_link(
    page, nojs_page, live_server, settings, student, week
):
    week.deadline = timezone.now() + dt.timedelta(hours=30)
    week.save()
    reminders_send_due()
    sweep()
    (reminder,) = mail.outbox
    link = reminder.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in reminder.body

    url = live_server.url + link.removeprefix(settings.SITE_URL)

    page.goto(url)  # with JavaScript, for the accessibility audit only
    assert axe_violations(page) == [], describe(axe_violations(page))

    page = nojs_page
    page.goto(url)
    assert page.get_by_role("heading", name="Unsubscribe").is_visible()
    assert "student@example.edu" in page.locator("main").inner_text()
    student.refresh_from_db()
    assert student.email_reminders is True  # opening the link changes nothing

    page.get_by_role("button", name="Unsubscribe from deadline and duty reminders").click()
    page.wait_for_load_state()
    assert "gets no more deadline and duty reminders" in page.locator("main").inner_text()
    student.refresh_from_db()
    assert student.email_reminders is False
    assert student.email_announcements is True
