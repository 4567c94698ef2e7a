""" "For you" in a browser: a student is replied to and mentioned, sees the count in the
header, opens For you, follows a notice to the comment, and the count drops; with and
without JavaScript, on a phone, and checked by axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.access import seminar_access, week_access
from discussions.models import Comment
from discussions.services import post_comment
from tests.conftest import PASSWORD
from tests.discussions.helpers import first_question
from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, login, open_answer_form

pytestmark = pytest.mark.e2e


def post(user, week, body: str, parent: Comment | None = None) -> Comment:
    access = week_access(seminar_access(user, week.seminar), week)
    question = None if parent else first_question(week)
    return post_comment(access, question, parent, body)


@pytest.fixture
def replied(week, student, other_student, lead):
    """Sam's answer, Olive's reply to it, and the lead's reply to Olive (in Sam's thread),
    which mentions Sam."""
    answer = post(student, week, "Sam's answer to question 1.")
    reply = post(other_student, week, "Olive disagrees with Sam.", parent=answer)
    post(lead, week, "The lead answers Olive, cc @SamStudent.", parent=reply)
    return answer, reply


def count_badge(page):
    return page.locator(".nav-for-you .badge-count")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_a_student_opens_a_reply_from_for_you_and_the_count_drops(
    page, nojs_page, live_server, week, student, replied, js
):
    page = page if js else nojs_page
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/profile/")
    expect(count_badge(page)).to_have_text("2 unread")
    page.locator(".nav-for-you").click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    expect(page.get_by_role("heading", name="For you")).to_be_visible()
    expect(page.locator(".notice-unread")).to_have_count(2)
    page.get_by_role("button", name=re.compile("Olive replied to your comment")).click()
    page.wait_for_url(re.compile(rf"{week.get_absolute_url()}#c{replied[1].pk}$"))
    expect(page.locator(f"#c{replied[1].pk}")).to_be_visible()
    expect(count_badge(page)).to_have_text("1 unread")
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_load_state()
    expect(page.locator(".notice-unread")).to_have_count(0)
    expect(count_badge(page)).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_for_you_page_has_no_serious_accessibility_violations(
    page, live_server, student, replied, scheme
):
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator(".notice")).to_have_count(2)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_for_you_page_fits_a_phone(phone_page, live_server, student, replied):
    login(phone_page, live_server, student.email, PASSWORD)
    phone_page.goto(f"{live_server.url}/notifications/")
    expect(phone_page.locator(".notice")).to_have_count(2)
    widths = phone_page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "phone-for-you.png"), full_page=True)
    assert widths[0] == widths[1], f"document {widths[0]}px, viewport {widths[1]}px"
    buttons = phone_page.locator(".notice button").all()
    assert all(b.bounding_box()["height"] >= 44 for b in buttons)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_a_student_follows_and_unfollows_a_classmates_thread(
    page, nojs_page, live_server, week, student, other_student, js
):
    from discussions.follow_models import Follow

    page = page if js else nojs_page
    theirs = post(other_student, week, "Olive's answer.")
    login(page, live_server, student.email, PASSWORD)
    page.goto(live_server.url + week.get_absolute_url())
    thread = page.locator(f"#c{theirs.pk}")
    thread.get_by_role("button", name="Follow thread", exact=True).click()
    expect(thread.get_by_role("button", name="Unfollow thread", exact=True)).to_be_visible()
    assert Follow.objects.get(user=student, comment=theirs).following
    if not js:
        assert page.url.endswith(f"#c{theirs.pk}")
    thread.get_by_role("button", name="Unfollow thread", exact=True).click()
    expect(thread.get_by_role("button", name="Follow thread", exact=True)).to_be_visible()
    assert not Follow.objects.get(user=student, comment=theirs).following


def test_a_student_mentions_a_classmate_with_the_autocomplete(
    page, live_server, week, student, other_student
):
    login(page, live_server, student.email, PASSWORD)
    page.goto(live_server.url + week.get_absolute_url())
    question = first_question(week)
    box = open_answer_form(page, question).locator("textarea[name=body]")
    box.click()
    box.press_sequentially("I agree with @Ol")
    option = page.get_by_role("option", name="Olive (@Olive)")
    expect(option).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("I agree with @Olive ")
    page.locator(f"#form-q{question.pk}").get_by_role("button", name="Post answer").click()
    mention = page.locator("a.mention", has_text="@Olive")
    expect(mention).to_be_visible()
    page.context.clear_cookies()  # Olive, on the same browser
    login(page, live_server, other_student.email, PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("button", name=re.compile("Sam Student mentioned you"))).to_be_visible()
