"""The discussion in a real browser: htmx posts, replies and edits in place (no reload),
drafts follow the student to another device, and everything works with JavaScript off."""

from __future__ import annotations

import pytest

from discussions.models import Comment
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import (  # noqa: F401 - fixtures
    _new_page,
    browser,
    login,
    open_answer_form,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser, request, live_server):  # noqa: F811
    yield from _new_page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def other_device(browser, request, live_server):  # noqa: F811
    yield from _new_page(browser, request, viewport={"width": 390, "height": 844})


@pytest.fixture
def nojs_page(browser, request, live_server):  # noqa: F811
    yield from _new_page(browser, request, java_script_enabled=False)


def open_week(page, live_server, user, week) -> None:
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.evaluate("window.__noReload = true")


def test_post_reply_and_edit_in_place_without_reloading(page, live_server, week, student):
    question = first_question(week)
    open_week(page, live_server, student, week)
    form = open_answer_form(page, question)
    form.locator("textarea").fill("My *browser* answer")
    form.get_by_role("button", name="Post answer").click()
    comments = page.locator(f"#comments-q{question.pk}")
    comments.locator("em", has_text="browser").wait_for()
    assert page.locator(f"#form-q{question.pk} textarea").input_value() == ""
    answer = Comment.objects.get()

    page.locator(f"#main-c{answer.pk}").get_by_role("link", name="Reply").click()
    reply_form = page.locator(f"#form-r{answer.pk}")
    reply_form.locator("textarea").fill("Replying to myself")
    reply_form.get_by_role("button", name="Post reply").click()
    page.locator(f"#replies-c{answer.pk}", has_text="Replying to myself").wait_for()
    assert reply_form.count() == 0

    page.locator(f"#main-c{answer.pk}").get_by_role("link", name="Edit").click()
    edit_form = page.locator(f"#form-e{answer.pk}")
    edit_form.locator("textarea").fill("My edited answer")
    edit_form.get_by_role("button", name="Save changes").click()
    page.locator(f"#main-c{answer.pk} .badge-edited").wait_for()
    assert "My edited answer" in page.locator(f"#main-c{answer.pk}").inner_text()
    assert page.evaluate("window.__noReload") is True


def test_errors_show_in_place_and_keep_the_text(page, live_server, week, student):
    question = first_question(week)
    open_week(page, live_server, student, week)
    form = open_answer_form(page, question)
    long_text = "Too long but precious. " + "x" * 20_000
    form.locator("textarea").fill(long_text)
    form.get_by_role("button", name="Post answer").click()
    alert = page.locator(f"#errors-q{question.pk}")
    alert.get_by_text("at most 20,000 characters").wait_for()
    assert page.locator(f"#form-q{question.pk} textarea").input_value() == long_text
    assert not Comment.objects.exists()
    assert page.evaluate("window.__noReload") is True


def test_a_draft_follows_the_student_to_another_device(
    page, other_device, live_server, week, student
):
    question = first_question(week)
    open_week(page, live_server, student, week)
    open_answer_form(page, question).locator("textarea").type("Half-written thought")
    page.locator(f"#draft-q{question.pk}", has_text="Draft saved").wait_for()
    open_week(other_device, live_server, student, week)
    textarea = other_device.locator(f"#form-q{question.pk} textarea")
    assert textarea.input_value().strip() == "Half-written thought"


def test_with_javascript_off_posting_and_replying_work(
    nojs_page, live_server, week, student, other_student
):
    question = first_question(week)
    theirs = add_comment(week, other_student, "Olive says hi", question=question)
    open_week_nojs(nojs_page, live_server, student, week)
    form = open_answer_form(nojs_page, question)
    form.locator("textarea").fill("Answer without JavaScript")
    form.get_by_role("button", name="Post answer").click()
    nojs_page.wait_for_load_state()
    mine = Comment.objects.get(body="Answer without JavaScript")
    assert nojs_page.url.endswith(f"#c{mine.pk}")
    assert "Answer without JavaScript" in nojs_page.locator(f"#c{mine.pk}").inner_text()

    nojs_page.locator(f"#main-c{theirs.pk}").get_by_role("link", name="Reply").click()
    nojs_page.locator("textarea[name=body]").fill("")
    nojs_page.get_by_role("button", name="Post reply").click()
    nojs_page.get_by_text("Your comment is empty").wait_for()
    nojs_page.locator("textarea[name=body]").fill("A reply, no JS")
    nojs_page.get_by_role("button", name="Post reply").click()
    nojs_page.wait_for_load_state()
    assert "A reply, no JS" in nojs_page.locator(f"#replies-c{theirs.pk}").inner_text()


def open_week_nojs(page, live_server, user, week) -> None:
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")


def test_math_in_a_new_comment_is_typeset_after_the_swap(page, live_server, week, student):
    question = first_question(week)
    open_week(page, live_server, student, week)
    form = open_answer_form(page, question)
    form.locator("textarea").fill("Energy: $E = mc^2$")
    form.get_by_role("button", name="Post answer").click()
    page.locator(f"#comments-q{question.pk} .katex").first.wait_for()


def test_leaving_the_page_saves_the_draft_with_sendbeacon(page, live_server, week, student):
    from discussions.models import Draft

    question = first_question(week)
    open_week(page, live_server, student, week)
    open_answer_form(page, question).locator("textarea").fill("Typed, then left at once")
    page.goto(f"{live_server.url}/")  # before the 1.5 s typing debounce fires
    page.wait_for_timeout(500)
    assert Draft.objects.get(question=question).body == "Typed, then left at once"


def test_a_week_page_with_threads_and_forms_passes_the_accessibility_audit(
    page, live_server, week, student, other_student, lead
):
    from tests.e2e.conftest import axe_violations, describe

    question = first_question(week)
    answer = add_comment(week, other_student, "An answer with `code`", question=question)
    reply = add_comment(week, lead, "A reply", parent=answer)
    add_comment(week, student, "Deeper", parent=reply)
    open_week(page, live_server, student, week)
    page.locator(f"#main-c{answer.pk}").get_by_role("link", name="Reply").click()
    page.locator(f"#form-r{answer.pk}").wait_for()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
