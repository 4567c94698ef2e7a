"""The weekly rule as participation/status.py computes it, state by state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Extension, Question, QuestionSection
from participation.models import (
    Alternatives,
    SeminarRule,
    State,
    StatusOverride,
    WeekRule,
)
from participation.status import effective_deadline, students_owing, week_statuses
from tests.discussions.helpers import add_comment

pytestmark = pytest.mark.django_db


def questions(week):
    """The first question of section 1 and of section 2."""
    qs = Question.objects.filter(section__week=week).order_by("section__position", "position")
    return qs[0], qs[2]


def state_of(week, user, **kw):
    return week_statuses(week, **kw)[user.pk]


def answer(week, user, question, at=None, **kw):
    comment = add_comment(week, user, "An answer", question=question, **kw)
    if at is not None:
        type(comment).objects.filter(pk=comment.pk).update(created_at=at)
    return comment


def credited(comment):
    comment.credited_substantive = True
    comment.credited_at = timezone.now()
    comment.save()
    return comment


def test_exempt_kinds_are_lead_blogger_staff_and_auditor(
    week, student, lead, blogger, staff, auditor
):
    statuses = week_statuses(week)
    assert statuses[lead.pk].state == State.EXEMPT
    assert statuses[lead.pk].exempt_reason == "on the lead team"
    assert statuses[blogger.pk].state == State.EXEMPT
    assert statuses[staff.pk].exempt_reason == "staff"
    assert statuses[auditor.pk].state == State.EXEMPT
    assert statuses[student.pk].state == State.NOT_YET


def test_nothing_posted_before_the_deadline_is_not_yet_and_owes_both_sections(week, student):
    status = state_of(week, student)
    assert status.state == State.NOT_YET
    assert [s.position for s in status.owed_sections] == [0, 1]
    assert status.progress == "0 of 2 sections answered"


def test_one_section_answered_reads_one_of_two(week, student):
    q1, _ = questions(week)
    answer(week, student, q1)
    status = state_of(week, student)
    assert status.state == State.NOT_YET
    assert status.summary.startswith(
        "1 of 2 sections answered — answer one question in section 2 by "
    )
    assert [s.position for s in status.owed_sections] == [1]


def test_both_sections_answered_on_time_is_met(week, student):
    q1, q2 = questions(week)
    answer(week, student, q1)
    answer(week, student, q2)
    assert state_of(week, student).state == State.MET


def test_answer_after_the_deadline_is_met_late(week, student):
    q1, q2 = questions(week)
    answer(week, student, q1)
    answer(week, student, q2, at=week.deadline + dt.timedelta(hours=1))
    later = week.deadline + dt.timedelta(hours=2)
    assert state_of(week, student, now=later).state == State.MET_LATE


def test_owing_after_the_deadline_is_missed(week, student):
    q1, _ = questions(week)
    answer(week, student, q1)
    later = week.deadline + dt.timedelta(minutes=1)
    status = state_of(week, student, now=later)
    assert status.state == State.MISSED
    assert status.summary.startswith("Missed: 1 of 2 sections answered")


def test_credited_reply_stands_in_for_a_section(week, student, other_student):
    q1, q2 = questions(week)
    answer(week, student, q1)
    theirs = answer(week, other_student, q2)
    reply = add_comment(week, student, "A substantive reply", parent=theirs)
    assert state_of(week, student).state == State.NOT_YET
    credited(reply)
    status = state_of(week, student)
    assert status.state == State.MET
    assert status.alternatives_used == 1
    assert "1 by a credited post" in status.summary


def test_credited_general_comment_counts_but_uncredited_does_not(week, student):
    q1, _ = questions(week)
    answer(week, student, q1)
    general = add_comment(week, student, "Something interesting about the readings")
    assert state_of(week, student).state == State.NOT_YET
    credited(general)
    assert state_of(week, student).state == State.MET


def test_week_rule_can_refuse_alternatives(week, student):
    q1, _ = questions(week)
    answer(week, student, q1)
    credited(add_comment(week, student, "Interesting"))
    WeekRule.objects.create(week=week, alternatives=Alternatives.REPLIES)
    assert state_of(week, student).state == State.NOT_YET
    WeekRule.objects.filter(week=week).update(alternatives="")
    SeminarRule.objects.create(seminar=week.seminar, alternatives=Alternatives.NONE)
    assert state_of(week, student).state == State.NOT_YET


def test_hidden_and_deleted_answers_do_not_count(week, student):
    q1, q2 = questions(week)
    answer(week, student, q1, is_hidden=True, hidden_at=timezone.now())
    answer(week, student, q2, deleted_at=timezone.now())
    status = state_of(week, student)
    assert status.state == State.NOT_YET
    assert status.sections_done == 0


def test_hidden_credited_reply_does_not_count(week, student, other_student):
    q1, q2 = questions(week)
    answer(week, student, q1)
    reply = credited(add_comment(week, student, "Reply", parent=answer(week, other_student, q2)))
    type(reply).objects.filter(pk=reply.pk).update(is_hidden=True, hidden_at=timezone.now())
    assert state_of(week, student).state == State.NOT_YET


def test_a_section_with_its_own_earlier_deadline_is_missed_once_it_passes(week, student):
    q1, q2 = questions(week)
    first = QuestionSection.objects.get(week=week, position=0)
    first.deadline = week.deadline - dt.timedelta(days=2)
    first.save()
    answer(week, student, q2)
    between = first.deadline + dt.timedelta(hours=1)
    assert state_of(week, student, now=between).state == State.MISSED
    before = first.deadline - dt.timedelta(hours=1)
    assert state_of(week, student, now=before).state == State.NOT_YET
    # An answer to section 1 after its own deadline (still before the week's) is late.
    answer(week, student, q1, at=between)
    assert state_of(week, student, now=between).state == State.MET_LATE


def test_two_required_answers_in_a_section(week, student):
    q1, q2 = questions(week)
    QuestionSection.objects.filter(week=week, position=1).update(required_answers=2)
    answer(week, student, q1)
    answer(week, student, q2)
    status = state_of(week, student)
    assert status.state == State.NOT_YET
    assert "answer one more question in section 2" in status.summary


def test_staff_override_wins_and_keeps_who_and_when(week, student, staff):
    StatusOverride.objects.create(
        week=week, user=student, state=State.MET, note="Was ill", set_by=staff
    )
    status = state_of(week, student)
    assert status.state == State.MET
    assert status.computed_state == State.NOT_YET
    assert status.override.set_by == staff and status.override.note == "Was ill"
    StatusOverride.objects.create(week=week, user=student, state="", note="Clear", set_by=staff)
    assert state_of(week, student).state == State.NOT_YET


def test_extension_moves_the_students_deadline(week, student, other_student):
    q1, q2 = questions(week)
    own = week.deadline + dt.timedelta(days=2)
    Extension.objects.create(week=week, user=student, deadline=own)
    assert effective_deadline(week, student) == own
    assert effective_deadline(week, other_student) == week.deadline
    after_class = week.deadline + dt.timedelta(hours=5)
    assert state_of(week, student, now=after_class).state == State.NOT_YET
    assert state_of(week, other_student, now=after_class).state == State.MISSED
    answer(week, student, q1, at=after_class)
    answer(week, student, q2, at=after_class)
    assert state_of(week, student, now=after_class).state == State.MET


def test_extension_never_shortens_a_later_section_deadline(week, student):
    section = QuestionSection.objects.get(week=week, position=1)
    section.deadline = week.deadline + dt.timedelta(days=5)
    section.save()
    Extension.objects.create(week=week, user=student, deadline=week.deadline + dt.timedelta(days=1))
    assert effective_deadline(week, student, section) == section.deadline


def test_students_owing_lists_only_non_exempt_students_who_owe(
    week, student, other_student, lead, staff
):
    q1, q2 = questions(week)
    answer(week, other_student, q1)
    answer(week, other_student, q2)
    assert students_owing(week) == [student]
    answer(week, student, q1)
    first, second = QuestionSection.objects.filter(week=week).order_by("position")
    assert students_owing(week, section=first) == []
    assert students_owing(week, section=second) == [student]


def test_answers_from_another_week_do_not_count(week, student, seminar):
    from tests.conftest import make_week

    other = make_week(seminar, number=5)
    q1, q2 = questions(other)
    answer(other, student, q1)
    answer(other, student, q2)
    assert state_of(week, student).state == State.NOT_YET
    assert state_of(other, student).state == State.MET
