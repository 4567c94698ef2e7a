"""Moderation in a real browser: a lead hides a comment with a reason (htmx in place, and
with JavaScript off); its author sees the reason, a classmate sees only a notice; the
controls are reachable with the keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from discussions.models import Comment, ModerationAction
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

ANSWER = "My answer about reward hacking 3b7d"
REASON = "Please cite the reading you quote"


@pytest.fixture
def answer(week, student) -> Comment:
    return add_comment(week, student, ANSWER, question=first_question(week))


@pytest.fixture
def open_as(browser, live_server) -> Iterator:
    """open_as(user, js=True): a fresh browser context logged in as user, on the week page."""
    contexts = []

    def open_page(user, week, *, js: bool = True):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=js
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        login(page, live_server, user.email, PASSWORD)
        page.goto(f"{live_server.url}{week.get_absolute_url()}")
        return page

    yield open_page
    for context in contexts:
        context.close()


def hide_with_reason(page, comment: Comment, reason: str) -> None:
    main = page.locator(f"#main-c{comment.pk}")
    main.locator("summary", has_text="Moderate").click()
    main.get_by_label("Reason for hiding").fill(reason)
    main.get_by_role("button", name="Hide comment", exact=True).click()


def test_a_lead_hides_in_place_the_author_sees_why_a_classmate_does_not(
    open_as, week, answer, lead, student, other_student
):
    lead_page = open_as(lead, week)
    lead_page.evaluate("window.__noReload = true")
    main = lead_page.locator(f"#main-c{answer.pk}")
    main.locator("summary", has_text="Moderate").click()
    main.get_by_role("button", name="Hide comment", exact=True).click()  # no reason yet
    lead_page.locator(f"#mod-errors-c{answer.pk}").get_by_text("Give a reason").wait_for()
    # The controls came back open, with the message: the reason goes in the same place.
    main.get_by_label("Reason for hiding").fill(REASON)
    main.get_by_role("button", name="Hide comment", exact=True).click()
    lead_page.locator(f"#main-c{answer.pk} .badge-hidden", has_text=REASON).wait_for()
    assert lead_page.evaluate("window.__noReload") is True  # swapped in place
    assert ModerationAction.objects.get().reason == REASON

    author_page = open_as(student, week)
    author_main = author_page.locator(f"#main-c{answer.pk}")
    assert REASON in author_main.inner_text() and ANSWER in author_main.inner_text()

    classmate_page = open_as(other_student, week)
    assert "Hidden by a moderator." in classmate_page.locator(f"#main-c{answer.pk}").inner_text()
    html = classmate_page.content()
    assert ANSWER not in html and REASON not in html


def test_the_same_journey_with_javascript_off(open_as, week, answer, lead, student, other_student):
    lead_page = open_as(lead, week, js=False)
    hide_with_reason(lead_page, answer, REASON)
    lead_page.wait_for_load_state()
    assert lead_page.url.endswith(f"#c{answer.pk}")
    assert "Comment hidden" in lead_page.locator(".messages").inner_text()
    answer.refresh_from_db()
    assert answer.is_hidden and answer.hidden_reason == REASON

    author_page = open_as(student, week, js=False)
    assert REASON in author_page.locator(f"#main-c{answer.pk}").inner_text()
    classmate_page = open_as(other_student, week, js=False)
    assert ANSWER not in classmate_page.content() and REASON not in classmate_page.content()

    # A classmate flags another comment without JavaScript; the lead sees it queued.
    other = add_comment(week, lead, "A lead's aside 9e1c", question=first_question(week))
    classmate_page.goto(classmate_page.url)
    classmate_page.locator(f"#main-c{other.pk}").get_by_role("link", name="Flag").click()
    classmate_page.get_by_label("Why should the moderators").fill("Off topic")
    classmate_page.get_by_role("button", name="Send flag").click()
    classmate_page.wait_for_load_state()
    assert "moderators will look" in classmate_page.locator(".messages").inner_text()
    lead_page.goto(f"{lead_page.url.split('#')[0]}flags/")
    assert "Off topic" in lead_page.locator(".flag-queue").inner_text()


def test_moderation_controls_are_reachable_with_the_keyboard(open_as, week, answer, lead):
    page = open_as(lead, week)
    summary = page.locator(f"#mod-c{answer.pk} > summary")
    summary.focus()
    page.keyboard.press("Enter")  # opens the details
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"mod-pin-c{answer.pk}"
    page.keyboard.press("Enter")
    page.locator(f"#main-c{answer.pk} .badge-pinned").wait_for()
    # The swapped-in controls stay open and the focus stays on the same control.
    page.wait_for_function(f"document.activeElement.id === 'mod-pin-c{answer.pk}'")
    assert page.locator(f"#mod-pin-c{answer.pk}").inner_text() == "Unpin"
    answer.refresh_from_db()
    assert answer.is_pinned
    # Tabbing from the page start reaches the week bar's lock control.
    page.locator("#lock-week-reason").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "lock-week"


def test_the_moderators_week_page_passes_the_accessibility_audit(open_as, week, answer, lead):
    from tests.e2e.conftest import axe_violations, describe

    page = open_as(lead, week)
    page.locator(f"#mod-c{answer.pk} > summary").click()  # controls open
    violations = axe_violations(page)
    assert not violations, describe(violations)
