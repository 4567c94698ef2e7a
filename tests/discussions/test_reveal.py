"""Reveal policy: when students see classmates' answers in a section.

Withheld answers are really absent from the HTML (and from their permalinks), not hidden
with CSS. Staff and this week's leads always see everything; authors see their own.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from core.models import Question, RevealPolicy
from tests.conftest import make_week
from tests.discussions.helpers import add_comment, answer_url, client_for, comment_url

THEIRS = "Olive's answer, marker 5c1e"


def set_policy(week, policy: str, **extra) -> Question:
    """Section 1 gets `policy`; returns its first question."""
    section = week.sections.order_by("position")[0]
    section.reveal_policy = policy
    for name, value in extra.items():
        setattr(section, name, value)
    section.save()
    return section.questions.order_by("position")[0]


def page(user, week) -> str:
    response = client_for(user).get(week.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_always_shows_classmates_answers(week, student, other_student):
    question = set_policy(week, RevealPolicy.ALWAYS)
    add_comment(week, other_student, THEIRS, question=question)
    assert THEIRS in page(student, week)


def test_after_own_withholds_until_the_student_answers_in_that_section(
    week, student, other_student
):
    question = set_policy(week, RevealPolicy.AFTER_OWN)
    theirs = add_comment(week, other_student, THEIRS, question=question)
    reply = add_comment(week, other_student, "reply marker 88", parent=theirs)
    before = page(student, week)
    assert THEIRS not in before and "reply marker 88" not in before
    assert f'id="c{theirs.pk}"' not in before
    assert "show once you post your own" in before
    client = client_for(student)
    assert client.get(comment_url(theirs, "reply")).status_code == 404
    assert client.get(comment_url(reply, "reply")).status_code == 404
    # Answering another question of the same section reveals the section.
    sibling = question.section.questions.exclude(pk=question.pk).first()
    assert client.post(answer_url(week, sibling), {"body": "my own"}).status_code == 302
    after = page(student, week)
    assert THEIRS in after and "reply marker 88" in after


def test_after_own_does_not_count_answers_in_other_sections(week, student, other_student):
    question = set_policy(week, RevealPolicy.AFTER_OWN)
    add_comment(week, other_student, THEIRS, question=question)
    other_section_question = week.sections.order_by("position")[1].questions.first()
    add_comment(week, student, "elsewhere", question=other_section_question)
    assert THEIRS not in page(student, week)


def test_a_deleted_own_answer_does_not_reveal(week, student, other_student):
    question = set_policy(week, RevealPolicy.AFTER_OWN)
    add_comment(week, other_student, THEIRS, question=question)
    add_comment(week, student, "mine", question=question, deleted_at=dt.datetime.now(dt.UTC))
    assert THEIRS not in page(student, week)


def test_own_answers_always_show(week, student):
    question = set_policy(week, RevealPolicy.AFTER_DEADLINE)
    add_comment(week, student, "my own marker 41", question=question)
    assert "my own marker 41" in page(student, week)


def test_after_deadline_reveals_at_the_deadline(seminar, student, other_student):
    deadline = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
    week = make_week(seminar, number=7, deadline=deadline)
    question = set_policy(week, RevealPolicy.AFTER_DEADLINE)
    add_comment(week, other_student, THEIRS, question=question)
    add_comment(week, student, "my own", question=question)
    with time_machine.travel(deadline - dt.timedelta(seconds=1), tick=False):
        before = page(student, week)
    with time_machine.travel(deadline, tick=False):
        after = page(student, week)
    assert THEIRS not in before and "show after the deadline" in before
    assert THEIRS in after


def test_a_section_deadline_governs_its_reveal(seminar, student, other_student):
    deadline = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
    week = make_week(seminar, number=7, deadline=deadline)
    question = set_policy(
        week, RevealPolicy.AFTER_DEADLINE, deadline=deadline - dt.timedelta(days=2)
    )
    add_comment(week, other_student, THEIRS, question=question)
    with time_machine.travel(deadline - dt.timedelta(days=1), tick=False):
        assert THEIRS in page(student, week)


@pytest.mark.parametrize("policy", [RevealPolicy.AFTER_OWN, RevealPolicy.AFTER_DEADLINE])
def test_leads_and_staff_always_see_everything(week, lead, staff, other_student, policy):
    question = set_policy(week, policy)
    add_comment(week, other_student, THEIRS, question=question)
    assert THEIRS in page(lead, week)
    assert THEIRS in page(staff, week)


@pytest.mark.parametrize("policy", [RevealPolicy.AFTER_OWN, RevealPolicy.AFTER_DEADLINE])
def test_other_weeks_leads_follow_the_policy_and_this_weeks_bloggers_read_everything(
    week, other_week_lead, blogger, other_student, policy
):
    question = set_policy(week, policy)
    add_comment(week, other_student, THEIRS, question=question)
    assert THEIRS not in page(other_week_lead, week)
    # The blogging team owes no answer and summarises the discussion: it reads it all.
    assert THEIRS in page(blogger, week)
