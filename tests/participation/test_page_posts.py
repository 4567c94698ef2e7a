"""The week page's participation box counts the posts the page's discussion read
(participation.loading.PageComments), not another query: the same status either way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.access import seminar_access, week_access
from core.models import Question
from discussions.selectors import build_discussion
from participation.loading import PageComments
from participation.status import statuses_for
from tests.discussions.helpers import add_comment, answer_url, client_for, first_question

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_minute")]


def test_the_status_from_the_pages_comments_is_the_one_read_from_the_database(
    week, student, other_student
):
    questions = list(Question.objects.filter(section__week=week).select_related("section"))
    first, second = questions[0], questions[-1]
    theirs = add_comment(week, other_student, "OLIVE", question=first)
    add_comment(week, student, "SAM-ANSWER", question=first)
    add_comment(
        week, student, "SAM-HIDDEN", question=second, is_hidden=True, hidden_at=timezone.now()
    )
    add_comment(week, student, "SAM-GONE", question=second, deleted_at=timezone.now())
    now = timezone.now()
    add_comment(
        week, student, "SAM-REPLY", parent=theirs, credited_substantive=True, credited_at=now
    )
    access = week_access(seminar_access(student, week.seminar), week)
    comments = build_discussion(access, questions=questions).comments.values()
    page = PageComments(comments, {q.pk: q.section_id for q in questions})
    roles = {student.pk: "student"}

    with CaptureQueriesContext(connection) as queries:
        from_page = statuses_for([week], user_ids=[student.pk], roles=roles, now=now, page=page)
    from_database = statuses_for([week], user_ids=[student.pk], roles=roles, now=now)

    assert from_page == from_database
    assert not any('"discussions_comment"' in q["sql"] for q in queries.captured_queries)


def test_the_week_pages_box_shows_an_answer_on_the_next_view(week, student):
    client = client_for(student)
    assert "0 of 2 sections answered" in client.get(week.get_absolute_url()).content.decode()
    client.post(answer_url(week, first_question(week)), {"body": "An answer"})
    assert "1 of 2 sections answered" in client.get(week.get_absolute_url()).content.decode()
