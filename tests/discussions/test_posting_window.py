"""The week page and the posting service agree on whether a student may post now.

Both ask core.posting; a student's extension moves their window on the page exactly as it
does for a direct POST (the bug: the page ignored it and offered no form).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from core.models import Extension, LatePolicy
from discussions.models import Comment
from tests.conftest import make_week
from tests.discussions.helpers import answer_url, client_for, first_question

pytestmark = pytest.mark.django_db

DEADLINE = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
CLOSED_NOTE = "Posting is closed for this thread."


@pytest.fixture
def closing_week(seminar):
    return make_week(seminar, number=5, deadline=DEADLINE, late_policy=LatePolicy.CLOSE)


def form_action(week, question) -> str:
    return f'action="{answer_url(week, question)}"'


def test_a_student_with_an_extension_sees_the_answer_form_after_the_class_deadline(
    closing_week, student, other_student
):
    week = closing_week
    Extension.objects.create(week=week, user=student, deadline=DEADLINE + dt.timedelta(days=2))
    question = first_question(week)
    with time_machine.travel(DEADLINE + dt.timedelta(hours=3), tick=False):
        mine = client_for(student).get(week.get_absolute_url()).content.decode()
        theirs = client_for(other_student).get(week.get_absolute_url()).content.decode()
    assert form_action(week, question) in mine
    assert CLOSED_NOTE not in mine
    assert form_action(week, question) not in theirs
    assert CLOSED_NOTE in theirs


def test_a_student_with_an_extension_has_the_same_answer_accepted_by_post(closing_week, student):
    week = closing_week
    Extension.objects.create(week=week, user=student, deadline=DEADLINE + dt.timedelta(days=2))
    question = first_question(week)
    with time_machine.travel(DEADLINE + dt.timedelta(hours=3), tick=False):
        response = client_for(student).post(answer_url(week, question), {"body": "Mine, on time"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author, comment.is_late) == (student, False)


def test_after_the_extended_deadline_the_page_and_the_post_both_close(closing_week, student):
    week = closing_week
    Extension.objects.create(week=week, user=student, deadline=DEADLINE + dt.timedelta(days=2))
    question = first_question(week)
    with time_machine.travel(DEADLINE + dt.timedelta(days=2, hours=1), tick=False):
        page = client_for(student).get(week.get_absolute_url()).content.decode()
        response = client_for(student).post(answer_url(week, question), {"body": "Too late"})
    assert CLOSED_NOTE in page and form_action(week, question) not in page
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_an_extension_cutoff_shows_late_on_the_page_and_marks_the_post_late(seminar, student):
    week = make_week(seminar, number=6, deadline=DEADLINE, late_policy=LatePolicy.CLOSE)
    own = DEADLINE + dt.timedelta(days=1)
    Extension.objects.create(week=week, user=student, deadline=own, cutoff=own + dt.timedelta(1))
    question = first_question(week)
    with time_machine.travel(own + dt.timedelta(hours=1), tick=False):
        page = client_for(student).get(week.get_absolute_url()).content.decode()
        client_for(student).post(answer_url(week, question), {"body": "Late but accepted"})
    assert "a post now is marked late" in page
    assert Comment.objects.get().is_late is True
