"""Finding one's way in a long week: the question index, a question's own page, folding
threads, closed answer forms, sorting and search (discussions/navigation.py, search.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from core.models import Question, RevealPolicy
from discussions.models import Draft
from tests.conftest import make_week
from tests.discussions.helpers import add_comment, client_for, first_question
from tests.discussions.test_queries import week_page_queries


def question_url(week, question) -> str:
    return f"{week.get_absolute_url()}q/{question.pk}/"


def search(user, week, text: str) -> str:
    response = client_for(user).get(f"{week.get_absolute_url()}search/", {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def second_question(week) -> Question:
    return Question.objects.filter(section__week=week).order_by("section__position", "position")[1]


def test_the_index_lists_each_question_with_answers_new_and_answered_by_me(
    week, student, other_student
):
    q1, q2 = first_question(week), second_question(week)
    add_comment(week, other_student, "theirs", question=q1)
    add_comment(week, other_student, "theirs too", question=q1)
    add_comment(week, student, "mine", question=q2)
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    start = page.index('class="question-index"')
    index = page[start : page.index("</nav>", start)]
    first, second = index.split("<li>")[1:3]
    assert "Q1" in first and "2 answers" in first and "2 new" in first
    assert "answered by me" not in first
    assert "1 answer" in second and "answered by me" in second and "new" not in second
    assert f'href="{question_url(week, q1)}"' in first


def test_a_questions_page_shows_that_thread_only(week, student, other_student):
    q1, q2 = first_question(week), second_question(week)
    add_comment(week, other_student, "answer to one", question=q1)
    add_comment(week, other_student, "answer to two", question=q2)
    add_comment(week, other_student, "a general comment")
    response = client_for(student).get(question_url(week, q1))
    page = response.content.decode()
    assert response.status_code == 200
    assert "answer to one" in page and "answer to two" not in page
    assert "a general comment" not in page
    assert "1 new" in page  # what's new counts this thread only


def test_a_question_of_another_week_is_not_found(week, seminar, student):
    other = make_week(seminar, number=2)
    assert client_for(student).get(question_url(week, first_question(other))).status_code == 404


@pytest.mark.usefixtures("same_minute")
def test_a_questions_page_costs_the_same_queries_for_few_and_many_comments(
    week, student, other_student
):
    client, url = client_for(student), question_url(week, first_question(week))
    week_page_queries(client, url)  # sets the CSRF cookie
    week_page_queries(client, url)
    add_comment(week, other_student, "one", question=first_question(week))
    # Assembled again after the change (the changed comments read once, page_cache.py),
    # then the stored page (core/lib/page_store.py).
    few = [week_page_queries(client, url) for _ in range(2)]
    for i in range(30):
        answer = add_comment(week, other_student, f"a{i}", question=first_question(week))
        add_comment(week, student, f"r{i}", parent=answer)
    assert [week_page_queries(client, url) for _ in range(2)] == few


def test_threads_fold_and_answer_forms_stay_closed_until_asked_for(week, student):
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    question = first_question(week)
    assert '<details class="thread-details" open>' in page
    assert f'<details class="compose-details" id="compose-q{question.pk}">' in page
    assert "<summary>Answer this question</summary>" in page


def test_an_answer_form_with_a_draft_is_open(week, student):
    question = first_question(week)
    Draft.objects.create(user=student, week=week, question=question, body="half written")
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert f'<details class="compose-details" id="compose-q{question.pk}" open>' in page


def order(page: str, texts: list[str]) -> list[str]:
    return sorted(texts, key=page.index)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("oldest", ["first", "second", "third"]),
        ("newest", ["third", "second", "first"]),
        ("replies", ["second", "third", "first"]),
    ],
)
def test_a_thread_sorts_by_oldest_newest_or_most_replied(
    week, student, other_student, sort, expected
):
    question = first_question(week)
    answers = {
        name: add_comment(week, other_student, f"answer {name}", question=question)
        for name in ("first", "second", "third")
    }
    for _ in range(2):
        add_comment(week, student, "re", parent=answers["second"])
    add_comment(week, student, "re", parent=answers["third"])
    for url in (week.get_absolute_url(), question_url(week, question)):
        page = client_for(student).get(url, {"sort": sort}).content.decode()
        texts = [f"answer {name}" for name in ("first", "second", "third")]
        assert order(page, texts) == [f"answer {name}" for name in expected]
        assert re.search(rf'href="[^"]*\?sort={sort}" aria-current="true"', page)


def test_pinned_answers_stay_on_top_whatever_the_order(week, student, other_student):
    question = first_question(week)
    add_comment(week, other_student, "answer old pinned", question=question, is_pinned=True)
    add_comment(week, other_student, "answer new", question=question)
    page = client_for(student).get(week.get_absolute_url(), {"sort": "newest"}).content.decode()
    assert order(page, ["answer new", "answer old pinned"])[0] == "answer old pinned"


def test_search_finds_comments_and_links_to_them(week, student, other_student):
    question = first_question(week)
    found = add_comment(
        week, other_student, "Reward hacking is specification gaming.", question=question
    )  # noqa: E501
    add_comment(week, other_student, "Something else entirely.", question=question)
    general = add_comment(week, other_student, "Gaming the reward, again.")
    page = search(student, week, "gaming")
    assert "2 comments found" in page
    assert f'href="{question_url(week, question)}#c{found.pk}"' in page
    assert f'href="{week.get_absolute_url()}#c{general.pk}"' in page
    assert "<mark>gaming</mark>" in page.lower() or "<mark>Gaming</mark>" in page


def test_search_escapes_what_it_quotes(week, student, other_student):
    add_comment(
        week, other_student, "<script>alert(1)</script> gaming", question=first_question(week)
    )  # noqa: E501
    page = search(student, week, "gaming")
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_search_never_finds_what_the_viewer_cannot_see(week, student, other_student, lead):
    question = first_question(week)
    add_comment(
        week, other_student, "hidden needle", question=question, is_hidden=True,
        hidden_at=timezone.now(),
    )  # fmt: skip
    add_comment(week, other_student, "deleted needle", question=question, deleted_at=timezone.now())
    withheld_q = Question.objects.filter(section__week=week).exclude(section=question.section)[0]
    section = withheld_q.section  # the second section withholds until one answers there
    section.reveal_policy = RevealPolicy.AFTER_OWN
    section.save()
    add_comment(week, other_student, "withheld needle", question=withheld_q)
    assert "Nothing found" in search(student, week, "needle")
    as_lead = search(lead, week, "needle")
    assert "hidden <mark>needle</mark>" in as_lead  # moderators read hidden ones
    assert "withheld <mark>needle</mark>" in as_lead
    assert "deleted <mark>needle</mark>" not in as_lead and "2 comments found" in as_lead


def test_an_empty_search_asks_for_words(week, student):
    page = search(student, week, "   ")
    assert "This field is required" in page
