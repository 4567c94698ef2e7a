"""Journey: a student pastes a near-copy of a classmate's answer, is warned while typing
(with a link to that answer and the answers to read first), then posts anyway — with
htmx in place, and with JavaScript off through the answer page."""

from __future__ import annotations

import pytest

from discussions.models import Comment
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.discussions.test_duplicates import ANSWER, NEAR_COPY
from tests.e2e.conftest import axe_violations, describe, login, open_answer_form

pytestmark = pytest.mark.e2e


@pytest.fixture
def existing(week, other_student) -> Comment:
    return add_comment(week, other_student, ANSWER, question=first_question(week))


def test_student_is_warned_while_typing_a_near_copy_then_posts_anyway(
    page, live_server, week, student, existing
):
    question = first_question(week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.evaluate("window.__noReload = true")
    form = open_answer_form(page, question)

    # The answers to read first, collapsed; they load when opened.
    form.locator("summary", has_text="Read the answers already posted").click()
    form.locator(".existing-answers-list", has_text="sound confident").wait_for()

    form.locator("textarea").fill(NEAR_COPY)
    warning = form.locator(".similar-warning")
    warning.wait_for()
    assert "very similar to an answer already posted" in warning.inner_text()
    link = warning.get_by_role("link", name="Olive's answer")
    assert link.get_attribute("href").endswith(f"#c{existing.pk}")
    violations = axe_violations(page)  # the open list and the warning included
    assert not violations, describe(violations)

    warning.get_by_role("button", name="Post anyway").click()
    page.locator(f"#comments-q{question.pk}", has_text="made-up sources").wait_for()
    posted = Comment.objects.get(author=student)
    assert posted.body == NEAR_COPY
    assert page.locator(f"#form-q{question.pk} textarea").input_value() == ""
    assert page.evaluate("window.__noReload") is True


def test_submitting_a_near_copy_without_javascript_warns_then_posts_anyway(
    nojs_page, live_server, week, student, existing
):
    page = nojs_page
    question = first_question(week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    form = open_answer_form(page, question)
    form.locator("textarea").fill(NEAR_COPY)
    form.get_by_role("button", name="Post answer").click()
    page.wait_for_load_state()

    # The answer page: the warning, the text kept, the answers to read first.
    assert "very similar to an answer already posted" in page.locator("main").inner_text()
    assert page.locator("textarea[name=body]").input_value() == NEAR_COPY
    assert page.locator("details.existing-answers").count() == 1
    assert not Comment.objects.filter(author=student).exists()

    page.get_by_role("button", name="Post anyway").click()
    page.wait_for_load_state()
    posted = Comment.objects.get(author=student)
    assert page.url.endswith(f"#c{posted.pk}")
