"""Every POST the discussion accepts is read through a form: bad input gets a clear message
(never a 500, never a silent ignore) and the text the writer typed comes back with it."""

from __future__ import annotations

import html

import pytest

from core.models import Question, Seminar
from discussions import moderation, services
from discussions.forms import REASON_TOO_LONG, UNKNOWN_ACTION
from discussions.models import Comment, Draft, Flag, ModerationAction, ThreadLock
from tests.conftest import make_week
from tests.discussions.helpers import (
    HTMX,
    add_comment,
    answer_url,
    client_for,
    comment_url,
    first_question,
    general_url,
)

MARK = "Typed text 51c0: what I think the paper gets wrong"
NUL_REFUSED = "Null characters are not allowed."


@pytest.fixture(params=[False, True], ids=["js-off", "htmx"])
def htmx(request) -> bool:
    return request.param


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def assert_form_again(response, message: str, *, htmx: bool, text: str = MARK) -> None:
    """The form came back (htmx: the fragment with 200 so htmx swaps it; JS off: a page with
    400) with the message in its alert region and the text as typed."""
    assert response.status_code == (200 if htmx else 400)
    page = page_of(response)
    alert = page.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert message in alert
    assert text in page, "the text the writer typed must come back in the form"
    assert page.lstrip().startswith("<form") if htmx else "<html" in page


@pytest.fixture
def answer(week, student) -> Comment:
    return add_comment(week, student, "A student's answer 3d1e", question=first_question(week))


# --- Answers, comments, replies, edits ------------------------------------------------------


def test_an_answer_posted_without_a_body_field_says_it_is_empty(week, student, htmx):
    url = answer_url(week, first_question(week))
    response = client_for(student).post(url, {}, **(HTMX if htmx else {}))
    assert_form_again(response, services.EMPTY, htmx=htmx, text="")
    assert not Comment.objects.exists()


def test_an_oversized_answer_is_refused_by_its_form_and_kept_whole(week, student, htmx, settings):
    settings.MARKDOWN_MAX_LENGTH = 100
    body = MARK + " " + "y" * 100
    url = answer_url(week, first_question(week))
    response = client_for(student).post(url, {"body": body}, **(HTMX if htmx else {}))
    assert_form_again(response, "at most 100 characters", htmx=htmx, text=body)
    assert 'aria-invalid="true"' in page_of(response)
    assert not Comment.objects.exists()


def test_an_answer_with_a_nul_character_is_refused_with_a_message_not_a_500(week, student, htmx):
    body = MARK + "\x00"
    url = answer_url(week, first_question(week))
    response = client_for(student).post(url, {"body": body}, **(HTMX if htmx else {}))
    assert_form_again(response, NUL_REFUSED, htmx=htmx)
    assert not Comment.objects.exists()


def test_a_refusal_by_the_rules_keeps_the_text_in_the_form(week, student, htmx):
    ThreadLock.objects.create(week=week, question=first_question(week))
    url = answer_url(week, first_question(week))
    response = client_for(student).post(url, {"body": MARK}, **(HTMX if htmx else {}))
    assert_form_again(response, services.THREAD_LOCKED, htmx=htmx)
    assert not Comment.objects.exists()


def test_an_answer_to_another_seminars_question_is_404(week, student):
    elsewhere = Seminar.objects.create(title="Elsewhere", slug="elsewhere", term="Spring")
    theirs = first_question(make_week(elsewhere))
    response = client_for(student).post(answer_url(week, theirs), {"body": MARK})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_an_answer_to_another_weeks_question_is_a_400_with_the_text(seminar, week, student, htmx):
    other = first_question(make_week(seminar, number=2))
    response = client_for(student).post(
        answer_url(week, other), {"body": MARK}, **(HTMX if htmx else {})
    )
    assert_form_again(response, services.OTHER_WEEK_QUESTION, htmx=htmx)
    assert not Comment.objects.exists()


def test_a_blank_general_comment_is_refused_as_empty(week, student):
    response = client_for(student).post(general_url(week), {"body": "   \n  "})
    assert response.status_code == 400 and services.EMPTY in page_of(response)


def test_an_oversized_reply_is_refused_and_kept(answer, other_student, htmx, settings):
    settings.MARKDOWN_MAX_LENGTH = 60
    body = MARK + " " + "z" * 60
    response = client_for(other_student).post(
        comment_url(answer, "reply"), {"body": body}, **(HTMX if htmx else {})
    )
    assert_form_again(response, "at most 60 characters", htmx=htmx, text=body)
    assert Comment.objects.count() == 1


def test_an_oversized_edit_is_refused_and_the_new_text_kept(answer, student, settings):
    settings.MARKDOWN_MAX_LENGTH = 60
    body = MARK + " " + "z" * 60
    response = client_for(student).post(comment_url(answer, "edit"), {"body": body})
    assert_form_again(response, "at most 60 characters", htmx=False, text=body)
    answer.refresh_from_db()
    assert answer.body == "A student's answer 3d1e" and not answer.revisions.exists()


def test_an_edit_posted_without_a_body_field_changes_nothing(answer, student):
    response = client_for(student).post(comment_url(answer, "edit"), {}, **HTMX)
    assert response.status_code == 200 and services.EMPTY in page_of(response)
    answer.refresh_from_db()
    assert answer.body == "A student's answer 3d1e"


def test_post_anyway_is_read_from_the_form(week, student, other_student):
    question = first_question(week)
    body = MARK + " and more of the same words here"
    add_comment(week, other_student, body, question=question)
    url, client = answer_url(week, question), client_for(student)
    warned = client.post(url, {"body": body})
    assert warned.status_code == 400 and "very similar" in page_of(warned)
    posted = client.post(url, {"body": body, "post_anyway": "1"})
    assert posted.status_code == 302
    assert Comment.objects.filter(author=student).count() == 1


# --- Drafts and the near-duplicate check ------------------------------------------------------


def draft_url(week, query: str = "") -> str:
    return f"{week.get_absolute_url()}draft/{query}"


def test_a_draft_place_that_is_not_a_number_is_404(week, student):
    client = client_for(student)
    assert client.post(draft_url(week, "?parent=x"), {"body": MARK}).status_code == 404
    assert client.post(draft_url(week, "?question=-3"), {"body": MARK}).status_code == 404
    assert not Draft.objects.exists()


def test_a_draft_with_a_nul_character_is_refused_with_a_message(week, student):
    response = client_for(student).post(draft_url(week), {"body": "half\x00"}, **HTMX)
    assert response.status_code == 400 and NUL_REFUSED in response.content.decode()
    assert not Draft.objects.exists()


def test_a_draft_posted_without_a_body_field_removes_the_draft(week, student):
    client = client_for(student)
    client.post(draft_url(week), {"body": MARK}, **HTMX)
    assert Draft.objects.count() == 1
    assert client.post(draft_url(week), {}, **HTMX).status_code == 200
    assert not Draft.objects.exists()


def test_the_similar_check_without_a_body_field_warns_of_nothing(week, student):
    question = first_question(week)
    url = f"{week.get_absolute_url()}q/{question.pk}/similar/"
    response = client_for(student).post(url, {}, **HTMX)
    assert response.status_code == 200 and response.content.decode().strip() == ""


# --- Moderation -----------------------------------------------------------------------------


def test_hiding_with_an_oversized_reason_says_so_and_keeps_the_reason(answer, lead, htmx):
    reason = "Spoils the quiz " + "r" * moderation.REASON_MAX
    response = client_for(lead).post(
        comment_url(answer, "moderate"),
        {"action": "hide", "reason": reason},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == (200 if htmx else 400)
    page = page_of(response)
    assert REASON_TOO_LONG in page and f'value="{reason}"' in page
    answer.refresh_from_db()
    assert not answer.is_hidden and not ModerationAction.objects.exists()


def test_hiding_without_a_reason_keeps_the_controls_open_with_the_message(answer, lead):
    response = client_for(lead).post(comment_url(answer, "moderate"), {"action": "hide"})
    page = page_of(response)
    assert response.status_code == 400
    assert moderation.REASON_REQUIRED in page and " open>" in page
    assert not ModerationAction.objects.exists()


def test_a_moderation_post_without_an_action_is_a_clear_400(answer, lead):
    response = client_for(lead).post(comment_url(answer, "moderate"), {"reason": "why"})
    assert response.status_code == 400 and UNKNOWN_ACTION in page_of(response)
    assert not ModerationAction.objects.exists()


def test_a_flag_with_an_oversized_reason_is_refused_and_the_reason_kept(
    answer, other_student, htmx
):
    reason = "Copied " + "c" * moderation.REASON_MAX
    response = client_for(other_student).post(
        comment_url(answer, "flag"), {"reason": reason}, **(HTMX if htmx else {})
    )
    assert response.status_code == (200 if htmx else 400)
    page = page_of(response)
    assert REASON_TOO_LONG in page and f">{reason}</textarea>" in page
    assert not Flag.objects.exists()


def test_a_flag_of_only_spaces_needs_a_reason(answer, other_student):
    response = client_for(other_student).post(comment_url(answer, "flag"), {"reason": "   "})
    assert response.status_code == 400
    assert moderation.FLAG_REASON_REQUIRED in page_of(response)
    assert not Flag.objects.exists()


def lock_url(week) -> str:
    return f"{week.get_absolute_url()}lock/"


def test_a_lock_post_without_an_action_is_a_clear_400(week, lead):
    response = client_for(lead).post(lock_url(week), {"question": ""})
    assert response.status_code == 400 and UNKNOWN_ACTION in response.content.decode()
    assert not ThreadLock.objects.exists()


def test_a_lock_of_a_question_that_is_not_a_number_is_a_400_not_a_500(week, lead):
    response = client_for(lead).post(lock_url(week), {"action": "lock", "question": "q1"})
    assert response.status_code == 400 and "whole number" in response.content.decode()
    assert not ThreadLock.objects.exists()


def test_a_lock_of_an_unknown_question_is_404(week, lead):
    missing = (Question.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    response = client_for(lead).post(lock_url(week), {"action": "lock", "question": missing})
    assert response.status_code == 404 and not ThreadLock.objects.exists()


def test_a_lock_with_an_oversized_reason_is_refused(week, lead):
    reason = "x" * (moderation.REASON_MAX + 1)
    response = client_for(lead).post(
        lock_url(week), {"action": "lock", "question": "", "reason": reason}
    )
    assert response.status_code == 400 and REASON_TOO_LONG in response.content.decode()
    assert not ThreadLock.objects.exists()


def test_resolving_without_a_next_url_goes_back_to_the_weeks_queue(answer, other_student, lead):
    flag = moderation.flag(answer, user=other_student, reason="Off topic")
    response = client_for(lead).post(f"{answer.week.get_absolute_url()}flags/{flag.pk}/resolve/")
    assert response.status_code == 302
    assert response["Location"] == f"{answer.week.get_absolute_url()}flags/"
