"""What's new, in a browser: a returning student sees what is new, jumps to it, and the
markers are gone on the next visit (marked by a POST after load, or by the button
without JavaScript). axe and a phone screen on the page with its markers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from discussions.models import WeekRead
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import axe_violations, describe, login


@pytest.fixture
def busy_week(week, other_student, student):
    question = first_question(week)
    for i in range(6):
        answer = add_comment(week, other_student, f"Answer number {i} by Olive", question=question)
        add_comment(week, other_student, f"A reply {i}", parent=answer)
    add_comment(week, student, "My own answer", question=question)
    return week


def test_a_returning_student_sees_the_new_jumps_to_it_and_the_markers_go(
    page, live_server, student, busy_week
):
    login(page, live_server, student.email, PASSWORD)
    url = live_server.url + busy_week.get_absolute_url()
    page.goto(url)
    expect(page.locator(".whats-new .new-count")).to_have_text("12 new")
    assert page.locator(".comment .badge-new").count() == 12
    expect(page.locator(".seen-status")).to_be_visible()  # the POST after load answered
    page.get_by_role("link", name="Jump to the first new", exact=True).click()
    page.wait_for_url("**#c*")
    first_new = page.locator(".comment.unread-new").first
    expect(first_new).to_be_in_viewport()

    # Someone answers meanwhile: on the next visit only that one is new.
    add_comment(busy_week, busy_week.seminar.enrollments.exclude(user=student).first().user,
                "A late answer", question=first_question(busy_week))  # fmt: skip
    page.goto(url)
    expect(page.locator(".whats-new .new-count")).to_have_text("1 new")
    expect(page.locator(".comment .badge-new")).to_have_count(1)
    expect(page.locator(".whats-new")).to_contain_text("since your last visit")


def test_without_javascript_the_button_marks_all_as_read(
    nojs_page, live_server, student, busy_week
):
    login(nojs_page, live_server, student.email, PASSWORD)
    url = live_server.url + busy_week.get_absolute_url()
    nojs_page.goto(url)
    expect(nojs_page.locator(".whats-new .new-count")).to_have_text("12 new")
    nojs_page.goto(url)  # a GET writes nothing
    expect(nojs_page.locator(".whats-new .new-count")).to_have_text("12 new")
    assert not WeekRead.objects.exists()
    nojs_page.get_by_role("button", name="Mark all as read").click()
    nojs_page.wait_for_url(url)
    expect(nojs_page.locator(".whats-new")).to_contain_text("Nothing new")
    expect(nojs_page.locator(".comment .badge-new")).to_have_count(0)


def test_the_seminar_home_shows_each_weeks_new_count(page, live_server, student, busy_week):
    login(page, live_server, student.email, PASSWORD)
    page.goto(live_server.url + busy_week.seminar.get_absolute_url())
    badge = page.locator(".week-row .badge-new")
    expect(badge).to_contain_text("12 new")
    badge.click()
    page.wait_for_url("**#whats-new")
    expect(page.locator(".whats-new .new-count")).to_have_text("12 new")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_markers_pass_axe(page, live_server, student, busy_week, scheme):
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, student.email, PASSWORD)
    page.goto(live_server.url + busy_week.get_absolute_url())
    expect(page.locator(".whats-new .new-count")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.goto(live_server.url + busy_week.seminar.get_absolute_url())
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_markers_fit_a_phone(phone_page, live_server, student, busy_week):
    login(phone_page, live_server, student.email, PASSWORD)
    phone_page.goto(live_server.url + busy_week.get_absolute_url())
    expect(phone_page.locator(".whats-new .new-count")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
