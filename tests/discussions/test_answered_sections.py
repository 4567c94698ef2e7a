""" "Which sections has this student answered": Comment.objects.answered_section_ids, the
one definition every reveal-policy caller (week page, comment page, duplicate check,
discussion download) uses."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from core.access import week_for_user
from core.models import Question, RevealPolicy
from discussions import duplicates
from discussions.models import Comment
from tests.conftest import make_week
from tests.discussions.helpers import add_comment, client_for, comment_url

pytestmark = pytest.mark.django_db

THEIRS = "Olive's answer, marker 9d2b"


def sections_of(week):
    return list(week.sections.order_by("position"))


def first_of(section) -> Question:
    return section.questions.order_by("position")[0]


def test_a_live_answer_counts_for_its_section_only(week, student):
    first, second = sections_of(week)
    add_comment(week, student, question=first_of(first))
    assert Comment.objects.answered_section_ids(student, week) == {first.pk}


def test_replies_general_comments_and_deleted_answers_do_not_count(week, student, other_student):
    first, second = sections_of(week)
    theirs = add_comment(week, other_student, question=first_of(first))
    add_comment(week, student, "a reply", parent=theirs)
    add_comment(week, student, "on the readings")
    add_comment(week, student, question=first_of(second), deleted_at=timezone.now())
    assert Comment.objects.answered_section_ids(student, week) == set()


def test_a_hidden_answer_still_counts_its_author_sees_it(week, student):
    first, _ = sections_of(week)
    add_comment(week, student, question=first_of(first), is_hidden=True, hidden_at=timezone.now())
    assert Comment.objects.answered_section_ids(student, week) == {first.pk}


def test_other_authors_and_other_weeks_do_not_count(seminar, week, student, other_student):
    first, _ = sections_of(week)
    add_comment(week, other_student, question=first_of(first))
    other_week = make_week(seminar, number=2)
    add_comment(other_week, student, question=first_of(sections_of(other_week)[0]))
    assert Comment.objects.answered_section_ids(student, week) == set()


def test_an_anonymous_visitor_has_answered_nothing(week):
    assert Comment.objects.answered_section_ids(AnonymousUser(), week) == set()


def test_the_week_page_the_comment_page_and_the_duplicate_check_agree(week, student, other_student):
    """A deleted own answer no longer reveals the section, wherever the policy is asked."""
    first, _ = sections_of(week)
    first.reveal_policy = RevealPolicy.AFTER_OWN
    first.save()
    question = first_of(first)
    theirs = add_comment(week, other_student, THEIRS, question=question)
    mine = add_comment(week, student, "mine", question=question)
    access = week_for_user(student, week.seminar.slug, week.slug)
    client = client_for(student)

    def seen() -> tuple[bool, bool, bool]:
        page = client.get(week.get_absolute_url()).content.decode()
        permalink = client.get(comment_url(theirs, "reply")).status_code
        return (
            THEIRS in page,
            permalink != 404,
            duplicates.sees_classmates_answers(access, question),
        )

    assert seen() == (True, True, True)
    mine.deleted_at = timezone.now()
    mine.save()
    assert seen() == (False, False, False)
