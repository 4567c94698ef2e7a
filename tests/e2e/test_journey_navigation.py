"""Finding one's way in a long week, in a browser, with and without JavaScript: the
question index, folding a thread, a question's own page (also where a post without
JavaScript comes back to), sorting and search; axe and a phone screen on the new pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from discussions.models import Comment
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import axe_violations, describe, login, open_answer_form


@pytest.fixture
def long_week(week, other_student):
    question = first_question(week)
    for i in range(4):
        answer = add_comment(
            week, other_student, f"Answer {i} about reward gaming", question=question
        )
        for j in range(i):
            add_comment(week, other_student, f"Reply {j} to answer {i}", parent=answer)
    return week


def test_the_index_leads_to_a_question_and_its_thread_folds(page, live_server, student, long_week):
    question = first_question(long_week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(live_server.url + long_week.get_absolute_url())
    index = page.locator(".question-index")
    expect(index).to_contain_text("4 answers")
    index.get_by_role("link", name=f"Q{question.number}").first.click()
    page.wait_for_url(f"**#question-{question.pk}")
    thread = page.locator(f"#question-{question.pk} details.thread-details")
    first_answer = page.locator(f"#comments-q{question.pk} .comment").first
    expect(first_answer).to_be_visible()
    thread.locator("> summary").click()  # fold it away
    expect(first_answer).to_be_hidden()
    thread.locator("> summary").click()
    expect(first_answer).to_be_visible()


def test_sort_and_search_work_without_javascript(nojs_page, live_server, student, long_week):
    question = first_question(long_week)
    login(nojs_page, live_server, student.email, PASSWORD)
    nojs_page.goto(live_server.url + long_week.get_absolute_url())
    nojs_page.get_by_role("link", name="Most replied").first.click()
    nojs_page.wait_for_url("**?sort=replies")
    first = nojs_page.locator(f"#comments-q{question.pk} > .comment").first
    expect(first).to_contain_text("Answer 3 about reward gaming")

    nojs_page.get_by_label("Search this week's discussion").fill("gaming")
    nojs_page.get_by_role("button", name="Search").click()
    nojs_page.wait_for_url("**/search/?q=gaming")
    expect(nojs_page.locator(".search-count")).to_contain_text("4 comments found")
    target = Comment.objects.get(body="Answer 2 about reward gaming")
    nojs_page.locator(f'a[href$="#c{target.pk}"]').click()
    nojs_page.wait_for_url(f"**/q/{question.pk}/#c{target.pk}")
    expect(nojs_page.locator(f"#c{target.pk}")).to_be_visible()


def test_without_javascript_an_answer_comes_back_to_its_questions_page(
    nojs_page, live_server, student, long_week
):
    question = first_question(long_week)
    login(nojs_page, live_server, student.email, PASSWORD)
    nojs_page.goto(live_server.url + long_week.get_absolute_url())
    form = open_answer_form(nojs_page, question)
    form.locator("textarea").fill("My answer, posted without JavaScript")
    form.get_by_role("button", name="Post answer").click()
    mine = Comment.objects.get(author=student)
    nojs_page.wait_for_url(f"**/q/{question.pk}/#c{mine.pk}")
    expect(nojs_page.locator("h1")).to_have_text(f"Question {question.number}")
    expect(nojs_page.locator(f"#c{mine.pk}")).to_contain_text("posted without JavaScript")
    expect(nojs_page.locator(".comment")).to_have_count(Comment.objects.count())


def test_on_a_questions_page_an_answer_posts_in_place(page, live_server, student, long_week):
    question = first_question(long_week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{long_week.get_absolute_url()}q/{question.pk}/")
    expect(page.locator(".whats-new .new-count")).to_have_text("10 new")
    form = open_answer_form(page, question)
    form.locator("textarea").fill("Answered on the question's page")
    form.get_by_role("button", name="Post answer").click()
    expect(page.locator(f"#comments-q{question.pk}")).to_contain_text("Answered on the question")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_pages_pass_axe(page, live_server, student, long_week, scheme):
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, student.email, PASSWORD)
    base = live_server.url + long_week.get_absolute_url()
    for path in (f"q/{first_question(long_week).pk}/", "search/?q=gaming", "?sort=newest"):
        page.goto(base + path)
        violations = axe_violations(page)
        assert not violations, f"{path}: {describe(violations)}"


def test_the_new_pages_fit_a_phone(phone_page, live_server, student, long_week):
    login(phone_page, live_server, student.email, PASSWORD)
    base = live_server.url + long_week.get_absolute_url()
    for path in (f"q/{first_question(long_week).pk}/", "search/?q=gaming", ""):
        phone_page.goto(base + path)
        phone_page.wait_for_load_state("networkidle")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, path
        for control in phone_page.locator(".sort-links a, .compose-details > summary").all():
            box = control.bounding_box()
            assert box is None or box["height"] >= 44, path
