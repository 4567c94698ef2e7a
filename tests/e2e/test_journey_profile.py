"""The profile in a browser: a student opens it from the header, changes their name,
pronouns and email preferences, copies their calendar address and a calendar app (a
client with no session) fetches it; with JavaScript off, a student deletes their account."""

from __future__ import annotations

from icalendar import Calendar

from accounts.models import User
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import axe_violations, describe, login


def test_student_edits_profile_and_subscribes_to_the_calendar(
    browser, page, live_server, student, week
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server, student.email, PASSWORD)

    page.get_by_role("link", name="Profile").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your profile").is_visible()
    assert axe_violations(page) == [], describe(axe_violations(page))

    page.get_by_label("Display name").fill("Sam the Student")
    page.get_by_label("Pronouns (optional)").fill("they/them")
    page.get_by_label("A daily digest").check()
    page.get_by_label("Email me reminders before deadlines and team duties").uncheck()
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()

    assert "Your profile is saved." in page.locator(".messages").inner_text()
    assert page.locator(".profile-name").inner_text() == "Sam the Student"
    assert "(they/them)" in page.locator(".profile-pronouns").inner_text()
    student.refresh_from_db()
    assert student.display_name == "Sam the Student"
    assert student.email_reply_notices == User.ReplyNotices.DAILY
    assert student.email_reminders is False
    assert student.email_announcements is True

    page.get_by_role("button", name="Copy address").click()
    page.get_by_role("button", name="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.get_by_label("Calendar address").input_value()
    assert copied.endswith(f"/calendar/{student.calendar_token}.ics")

    # A calendar app subscribes with the address alone: no cookies, no login.
    calendar_app = browser.new_context()
    try:
        response = calendar_app.request.get(copied)
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.body())
    finally:
        calendar_app.close()
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert "Posts due: LLM Risks, Week 1" in summaries

    # Resetting gives a new address; the copied one stops working.
    page.get_by_role("button", name="Make a new calendar address").click()
    page.wait_for_load_state()
    assert "no longer works" in page.locator(".messages").inner_text()
    assert page.get_by_label("Calendar address").input_value() != copied
    assert page.request.get(copied).status == 404


def test_student_without_javascript_downloads_their_writing_then_deletes_the_account(
    nojs_page, live_server, student, staff, week
):
    page = nojs_page
    add_comment(week, student, "A thought worth keeping", question=first_question(week))
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/profile/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my writing").click()
    assert download.value.suggested_filename.endswith(".zip")

    page.get_by_role("link", name="Delete my account…").click()
    page.wait_for_load_state()
    page.get_by_label("Type your email address to confirm").fill("wrong@example.edu")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_load_state()
    assert "This is not the email address of your account." in page.content()
    assert page.get_by_label("Type your email address to confirm").input_value() == (
        "wrong@example.edu"
    )

    page.get_by_label("Type your email address to confirm").fill(student.email)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your account is deleted").is_visible()
    assert page.get_by_role("link", name="Log in").is_visible()

    page.context.clear_cookies()
    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    comment = page.locator(".comment", has_text="A thought worth keeping").first
    assert "Former member" in comment.inner_text()
