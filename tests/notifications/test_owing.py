"""Who still owes posts is one constant (participation.status.OWING), and reminders use it
and the posting window of each student (their extension included)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from core.models import Extension
from notifications.models import OutboxEmail
from notifications.reminders import owed_before_deadlines, send_manual_reminders
from participation.models import State, StatusOverride
from participation.status import OWING, week_statuses
from tests.conftest import enroll, make_user

pytestmark = pytest.mark.django_db


def test_owing_means_not_yet_or_missed():
    assert set(OWING) == {State.NOT_YET, State.MISSED}


def test_a_status_owes_exactly_when_its_state_is_owing(seminar, make_due_week, staff, student):
    week = make_due_week(hours=24)
    excused = enroll(make_user("excused@example.edu"), seminar)
    StatusOverride.objects.create(
        week=week, user=excused, state=State.MET, note="Ill", set_by=staff
    )
    statuses = week_statuses(week)
    for status in statuses.values():
        assert status.owes is (status.state in OWING)
    assert statuses[student.pk].owes and not statuses[excused.pk].owes


def test_the_nudge_reaches_a_student_overridden_to_missed_not_one_overridden_to_met(
    seminar, make_due_week, staff, student
):
    week = make_due_week(hours=24)
    excused = enroll(make_user("excused@example.edu"), seminar)
    StatusOverride.objects.create(
        week=week, user=excused, state=State.MET, note="Ill", set_by=staff
    )
    StatusOverride.objects.create(
        week=week, user=student, state=State.MISSED, note="Absent", set_by=staff
    )
    assert send_manual_reminders(week, staff) == 1
    assert OutboxEmail.objects.get().recipient == student


def test_the_nudge_reaches_a_student_whose_extension_keeps_posting_open(
    seminar, make_due_week, staff, student, other_student
):
    week = make_due_week(hours=1, late_policy="close")
    own = week.deadline + dt.timedelta(days=2)
    Extension.objects.create(week=week, user=student, deadline=own)
    with time_machine.travel(week.deadline + dt.timedelta(hours=1), tick=False):
        assert send_manual_reminders(week, staff) == 1
    assert OutboxEmail.objects.get().recipient == student


def test_scheduled_reminders_name_each_students_own_deadline(
    seminar, make_due_week, student, other_student
):
    week = make_due_week(hours=10)
    own = week.deadline + dt.timedelta(days=1)
    Extension.objects.create(week=week, user=student, deadline=own)
    now = week.deadline - dt.timedelta(hours=1)
    deadlines = {owed.user: owed.deadline for owed in owed_before_deadlines(week, now=now)}
    assert deadlines == {student: own, other_student: week.deadline}
