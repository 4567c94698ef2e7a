"""Every posting rule of the discussion refuses with a clear message and keeps the text.

Each refusal is checked on both paths: a plain form POST (JavaScript off: the form comes
back on its own page, HTTP 400) and an htmx POST (the form fragment comes back with the
message in its aria-live region, HTTP 200 so htmx swaps it).
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from core.access import week_for_user
from core.models import LatePolicy
from discussions import services
from discussions.models import Comment, ThreadLock
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

MARK = "Kept text 7f3a: my careful thoughts about the paper"


def assert_refused_with_text(response, message: str, *, htmx: bool, text: str = MARK) -> None:
    assert response.status_code == (200 if htmx else 400)
    page = html.unescape(response.content.decode())
    assert message in page
    assert text in page, "the text the student typed must come back in the form"
    assert 'role="alert"' in page
    if htmx:
        assert page.lstrip().startswith("<form"), "htmx gets the form fragment, not a page"
    else:
        assert "<html" in page


def post(client, url: str, body: str, htmx: bool):
    return client.post(url, {"body": body}, **(HTMX if htmx else {}))


@pytest.fixture(params=[False, True], ids=["js-off", "htmx"])
def htmx(request) -> bool:
    return request.param


def test_an_answer_is_posted_and_redirects_to_its_anchor_on_the_questions_page(week, student):
    question = first_question(week)
    response = post(client_for(student), answer_url(week, question), "My **answer**", False)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{week.get_absolute_url()}q/{question.pk}/#c{comment.pk}"
    assert comment.question == question and comment.author == student
    assert comment.body_html == "<p>My <strong>answer</strong></p>\n"
    assert not comment.is_late


def test_an_htmx_post_returns_a_fresh_form_and_the_comment_out_of_band(week, student):
    question = first_question(week)
    response = post(client_for(student), answer_url(week, question), "Hello thread", True)
    page = response.content.decode()
    comment = Comment.objects.get()
    assert response.status_code == 200
    assert page.startswith(f'<form class="compose" id="form-q{question.pk}"')
    assert f'hx-swap-oob="beforeend:#comments-q{question.pk}"' in page
    assert f'id="c{comment.pk}"' in page and "Hello thread" in page


@pytest.mark.parametrize("body", ["", "   ", "\n\t \n"])
def test_empty_or_whitespace_comments_are_refused(week, student, htmx, body):
    client = client_for(student)
    response = post(client, answer_url(week, first_question(week)), body, htmx)
    assert response.status_code == (200 if htmx else 400)
    assert services.EMPTY in html.unescape(response.content.decode())
    assert not Comment.objects.exists()


def test_a_comment_over_the_limit_is_refused_and_kept_whole(week, student, htmx, settings):
    settings.MARKDOWN_MAX_LENGTH = 20_000
    body = MARK + " " + "x" * 20_000
    response = post(client_for(student), general_url(week), body, htmx)
    assert_refused_with_text(response, "at most 20,000 characters", htmx=htmx, text=body)
    assert f"this one has {len(body):,}" in html.unescape(response.content.decode())
    assert not Comment.objects.exists()


def test_a_comment_at_the_limit_is_accepted(week, student):
    body = "y" * 20_000
    response = post(client_for(student), general_url(week), body, False)
    assert response.status_code == 302
    assert Comment.objects.get().body == body


def test_a_question_from_another_week_is_refused(seminar, week, student, htmx):
    other = make_week(seminar, number=2)
    url = answer_url(week, first_question(other))  # this week's URL, that week's question
    response = post(client_for(student), url, MARK, htmx)
    assert_refused_with_text(response, services.OTHER_WEEK_QUESTION, htmx=htmx)
    assert not Comment.objects.exists()


def test_a_parent_from_another_week_is_refused(seminar, week, student, other_student, htmx):
    other = make_week(seminar, number=2)
    theirs = add_comment(other, other_student, question=first_question(other))
    url = f"{week.get_absolute_url()}c/{theirs.pk}/reply/"
    response = post(client_for(student), url, MARK, htmx)
    assert_refused_with_text(response, services.OTHER_WEEK_PARENT, htmx=htmx)
    assert Comment.objects.count() == 1


def test_services_refuse_a_parent_from_another_week(seminar, week, student, other_student):
    other = make_week(seminar, number=2)
    theirs = add_comment(other, other_student, question=first_question(other))
    access = week_for_user(student, seminar.slug, week.slug)
    with pytest.raises(ValidationError, match="another week"):
        services.post_comment(access, None, theirs, "hello")


def test_between_deadline_and_cutoff_a_post_is_accepted_and_marked_late(seminar, student):
    deadline = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
    week = make_week(seminar, number=5, deadline=deadline, cutoff=deadline + dt.timedelta(days=1))
    question = first_question(week)
    with time_machine.travel(deadline - dt.timedelta(minutes=1), tick=False):
        post(client_for(student), answer_url(week, question), "on time", False)
    with time_machine.travel(deadline + dt.timedelta(minutes=1), tick=False):
        client = client_for(student)  # log in in 2030: sessions expire
        response = post(client, answer_url(week, question), "a bit late", False)
        assert response.status_code == 302
        page = client.get(week.get_absolute_url()).content.decode()
    on_time, late = Comment.objects.order_by("created_at")
    assert (on_time.is_late, late.is_late) == (False, True)
    assert page.count('class="badge badge-late"') == 1
    assert "a post now is marked late" in page


def test_after_the_cutoff_a_post_is_refused_saying_why(seminar, student, htmx):
    deadline = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
    cutoff = deadline + dt.timedelta(days=1)
    week = make_week(seminar, number=5, deadline=deadline, cutoff=cutoff)
    with time_machine.travel(cutoff + dt.timedelta(seconds=1), tick=False):
        response = post(client_for(student), general_url(week), MARK, htmx)
    assert_refused_with_text(
        response, "Posting closed: the cut-off for late posts passed", htmx=htmx
    )
    assert "Mon 4 Mar, 5:29 pm EST" in response.content.decode()  # in the seminar's time zone
    assert not Comment.objects.exists()


def test_after_the_deadline_a_closed_policy_refuses(seminar, student, htmx):
    deadline = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
    week = make_week(seminar, number=5, deadline=deadline, late_policy=LatePolicy.CLOSE)
    with time_machine.travel(deadline + dt.timedelta(seconds=1), tick=False):
        response = post(client_for(student), answer_url(week, first_question(week)), MARK, htmx)
        page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert_refused_with_text(response, "takes no late posts", htmx=htmx)
    assert "Posting is closed for this thread." in page


def test_a_section_deadline_overrides_the_weeks(seminar, student):
    deadline = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
    week = make_week(seminar, number=5, deadline=deadline, late_policy=LatePolicy.CLOSE)
    question = first_question(week)
    question.section.deadline = deadline - dt.timedelta(days=1)
    question.section.save()
    with time_machine.travel(deadline - dt.timedelta(hours=1), tick=False):
        refused = post(client_for(student), answer_url(week, question), MARK, False)
        general = post(client_for(student), general_url(week), "general is open", False)
    assert refused.status_code == 400
    assert general.status_code == 302


def test_a_locked_week_refuses_new_posts(week, student, htmx):
    week.is_locked = True
    week.save()
    response = post(client_for(student), answer_url(week, first_question(week)), MARK, htmx)
    assert_refused_with_text(response, services.WEEK_LOCKED, htmx=htmx)


def test_a_locked_thread_refuses_new_posts_and_replies(week, student, other_student, htmx):
    question = first_question(week)
    answer = add_comment(week, other_student, question=question)
    ThreadLock.objects.create(week=week, question=question)
    client = client_for(student)
    response = post(client, answer_url(week, question), MARK, htmx)
    assert_refused_with_text(response, services.THREAD_LOCKED, htmx=htmx)
    response = post(client, comment_url(answer, "reply"), MARK, htmx)
    assert_refused_with_text(response, services.THREAD_LOCKED, htmx=htmx)
    # Other threads stay open.
    assert post(client, general_url(week), "general", False).status_code == 302


def test_a_locked_general_thread_refuses_general_comments(week, student, htmx):
    ThreadLock.objects.create(week=week, question=None)
    response = post(client_for(student), general_url(week), MARK, htmx)
    assert_refused_with_text(response, services.THREAD_LOCKED, htmx=htmx)


def test_staff_may_post_in_a_locked_week(week, staff):
    week.is_locked = True
    week.save()
    assert post(client_for(staff), general_url(week), "announcement", False).status_code == 302


def test_replying_to_a_deleted_comment_is_refused(week, student, other_student, htmx):
    answer = add_comment(week, other_student, question=first_question(week))
    answer.deleted_at = answer.created_at
    answer.save()
    response = post(client_for(student), comment_url(answer, "reply"), MARK, htmx)
    assert_refused_with_text(response, services.DELETED_PARENT, htmx=htmx)


def test_a_reply_takes_its_parents_thread_and_depth(week, student, other_student):
    question = first_question(week)
    answer = add_comment(week, other_student, question=question)
    response = post(client_for(student), comment_url(answer, "reply"), "I agree", False)
    reply = Comment.objects.get(parent=answer)
    assert response["Location"].endswith(f"#c{reply.pk}")
    assert (reply.question, reply.depth) == (question, 1)


def test_auditors_cannot_post_at_the_service_level(seminar, week, auditor):
    access = week_for_user(auditor, seminar.slug, week.slug)
    with pytest.raises(PermissionDenied):
        services.post_comment(access, first_question(week), None, "hello")


@override_settings(MARKDOWN_MAX_LENGTH=50)
def test_the_limit_comes_from_settings(seminar, week, student):
    access = week_for_user(student, seminar.slug, week.slug)
    with pytest.raises(ValidationError, match="at most 50 characters"):
        services.post_comment(access, None, None, "z" * 51)


def test_a_logged_out_writer_gets_their_text_back_not_a_404(week, htmx):
    from django.test import Client

    url = answer_url(week, first_question(week))
    extra = {**HTMX, "HTTP_HX_TARGET": "form-q1"} if htmx else {}
    response = Client().post(url, {"body": MARK}, **extra)
    page = html.unescape(response.content.decode())
    assert response.status_code == (200 if htmx else 403)
    assert "You are logged out" in page and MARK in page
    assert week.title not in page and "LLM Risks" not in page  # nothing about the seminar
    assert not Comment.objects.exists()
