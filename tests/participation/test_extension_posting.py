"""Posting follows a student's extension: their own deadline and cut-off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.access import week_for_user
from core.models import Extension, LatePolicy
from discussions.services import post_comment
from tests.discussions.helpers import client_for, first_question

pytestmark = pytest.mark.django_db


def access_for(user, week):
    return week_for_user(user, week.seminar.slug, week.slug)


@pytest.fixture
def closing_week(week):
    week.late_policy = LatePolicy.CLOSE
    week.save()
    return week


def test_student_with_extension_posts_after_the_class_deadline_not_late(
    closing_week, student, other_student
):
    week = closing_week
    Extension.objects.create(week=week, user=student, deadline=week.deadline + dt.timedelta(days=2))
    after = week.deadline + dt.timedelta(hours=3)
    question = first_question(week)
    comment = post_comment(access_for(student, week), question, None, "Mine", now=after)
    assert comment.is_late is False
    with pytest.raises(ValidationError, match="Posting closed"):
        post_comment(access_for(other_student, week), question, None, "Theirs", now=after)


def test_extension_cutoff_marks_posts_late_then_closes(closing_week, student):
    week = closing_week
    own = week.deadline + dt.timedelta(days=1)
    Extension.objects.create(
        week=week, user=student, deadline=own, cutoff=own + dt.timedelta(days=1)
    )
    question = first_question(week)
    late = post_comment(
        access_for(student, week), question, None, "Late", now=own + dt.timedelta(hours=1)
    )
    assert late.is_late is True
    with pytest.raises(ValidationError):
        post_comment(
            access_for(student, week), question, None, "Too late", now=own + dt.timedelta(days=2)
        )


def test_extension_applies_through_the_posting_page(closing_week, student):
    """The real endpoint (no `now` injected): a deadline already passed, extension open."""
    week = closing_week
    week.deadline = week.deadline - dt.timedelta(days=4)  # passed a day ago
    week.save()
    question = first_question(week)
    url = f"{week.get_absolute_url()}q/{question.pk}/answer/"
    refused = client_for(student).post(url, {"body": "Before the extension"})
    assert question.comments.count() == 0, refused.status_code
    Extension.objects.create(week=week, user=student, deadline=week.deadline + dt.timedelta(days=3))
    client_for(student).post(url, {"body": "With the extension"})
    comment = question.comments.get()
    assert comment.body == "With the extension" and comment.is_late is False
