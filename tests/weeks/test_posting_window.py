"""core.posting: one student's posting window in one thread (deadline, cut-off, state).

Pure over unsaved model instances: the window never queries (only `extension_for` does).
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import Extension, LatePolicy, PostingState, QuestionSection, Seminar, Week
from core.posting import (
    class_deadline,
    extension_for,
    posting_window,
    student_deadline,
    viewer_extension,
    window_for,
)

DEADLINE = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def a_week(**extra) -> Week:
    seminar = Seminar(title="LLM Risks", slug="llm", timezone="America/New_York")
    extra.setdefault("deadline", DEADLINE)
    return Week(seminar=seminar, number=1, slug="w1", title="Week 1", **extra)


def an_extension(deadline: dt.datetime, cutoff: dt.datetime | None = None) -> Extension:
    return Extension(deadline=deadline, cutoff=cutoff)


def test_without_an_extension_the_window_is_the_class_deadline_and_cutoff():
    week = a_week(cutoff=DEADLINE + DAY)
    window = posting_window(week)
    assert (window.deadline, window.cutoff, window.is_extended) == (DEADLINE, DEADLINE + DAY, False)


def test_a_sections_own_deadline_replaces_the_weeks():
    week = a_week()
    monday = QuestionSection(deadline=DEADLINE - DAY)
    no_own = QuestionSection(deadline=None)
    assert class_deadline(week, monday) == posting_window(week, monday).deadline == DEADLINE - DAY
    assert class_deadline(week, no_own) == class_deadline(week) == DEADLINE


def test_an_extension_moves_the_deadline_later():
    week = a_week()
    window = posting_window(week, extension=an_extension(DEADLINE + 2 * DAY))
    assert window.deadline == DEADLINE + 2 * DAY and window.is_extended


def test_an_extension_never_makes_a_later_section_deadline_earlier():
    week = a_week()
    wednesday = QuestionSection(deadline=DEADLINE + 3 * DAY)
    extension = an_extension(DEADLINE + DAY)
    assert student_deadline(week, wednesday, extension) == DEADLINE + 3 * DAY
    assert student_deadline(week, None, extension) == DEADLINE + DAY


def test_an_extension_gives_a_deadline_to_a_week_without_one():
    week = a_week(deadline=None)
    assert student_deadline(week, None, an_extension(DEADLINE)) == DEADLINE


def test_the_extensions_own_cutoff_applies():
    week = a_week(cutoff=DEADLINE + DAY)
    own = DEADLINE + 2 * DAY
    window = posting_window(week, extension=an_extension(own, own + 5 * HOUR))
    assert window.cutoff == own + 5 * HOUR


def test_without_its_own_cutoff_an_extension_keeps_the_weeks_late_period_after_its_deadline():
    week = a_week(cutoff=DEADLINE + DAY)  # a one-day late period
    own = DEADLINE + 2 * DAY
    window = posting_window(week, extension=an_extension(own))
    assert window.cutoff == own + DAY


def test_a_cutoff_not_after_the_deadline_is_dropped_and_the_policy_decides():
    week = a_week(cutoff=DEADLINE + DAY, late_policy=LatePolicy.CLOSE)
    late_section = QuestionSection(deadline=DEADLINE + 2 * DAY)
    window = posting_window(week, late_section)
    assert window.cutoff is None
    assert window.state(DEADLINE + 2 * DAY + HOUR) == PostingState.CLOSED


@pytest.mark.parametrize(
    ("offset", "policy", "state"),
    [
        (-3 * DAY, LatePolicy.CLOSE, PostingState.OPEN),
        (-HOUR, LatePolicy.CLOSE, PostingState.DUE_SOON),
        (HOUR, LatePolicy.CLOSE, PostingState.CLOSED),
        (HOUR, LatePolicy.ACCEPT, PostingState.LATE),
    ],
)
def test_the_state_follows_the_deadline_and_the_late_policy(offset, policy, state):
    assert posting_window(a_week(late_policy=policy)).state(DEADLINE + offset) == state


def test_between_deadline_and_cutoff_posts_are_late_then_closed():
    week = a_week(cutoff=DEADLINE + DAY, late_policy=LatePolicy.CLOSE)
    window = posting_window(week)
    assert window.state(DEADLINE + HOUR) == PostingState.LATE and window.accepts(DEADLINE + HOUR)
    assert window.state(DEADLINE + DAY) == PostingState.CLOSED
    assert not window.accepts(DEADLINE + DAY)


def test_a_student_with_an_extension_is_open_when_the_class_is_closed():
    week = a_week(late_policy=LatePolicy.CLOSE)
    after = DEADLINE + HOUR
    assert posting_window(week).state(after) == PostingState.CLOSED
    extended = posting_window(week, extension=an_extension(DEADLINE + 4 * DAY))
    assert extended.state(after) == PostingState.OPEN


def test_bypass_is_always_open_and_never_late():
    week = a_week(late_policy=LatePolicy.CLOSE)
    assert posting_window(week, bypass=True).state(DEADLINE + 30 * DAY) == PostingState.OPEN


def test_the_closed_message_names_the_cutoff_in_the_seminars_time_zone():
    week = a_week(cutoff=DEADLINE + DAY)
    message = posting_window(week).closed_message()
    assert message == "Posting closed: the cut-off for late posts passed on Mon 4 Mar, 5:29 pm EST."


def test_the_closed_message_names_the_students_own_deadline_without_late_posts():
    week = a_week(late_policy=LatePolicy.CLOSE)
    message = posting_window(week, extension=an_extension(DEADLINE + DAY)).closed_message()
    assert "deadline passed on Mon 4 Mar, 5:29 pm EST" in message
    assert message.endswith("takes no late posts.")


@pytest.mark.django_db
def test_extension_for_finds_the_users_own_extension_only(week, student, other_student):
    Extension.objects.create(week=week, user=student, deadline=week.deadline + DAY)
    assert extension_for(week, student).user == student
    assert extension_for(week, other_student) is None


@pytest.mark.django_db
def test_staff_bypass_the_window_and_no_extension_is_looked_up_for_them(week, staff, student):
    from core.access import week_for_user

    Extension.objects.create(week=week, user=student, deadline=week.deadline + DAY)
    staff_access = week_for_user(staff, week.seminar.slug, week.slug)
    student_access = week_for_user(student, week.seminar.slug, week.slug)
    assert viewer_extension(staff_access) is None
    assert window_for(staff_access, None, None).bypass
    extension = viewer_extension(student_access)
    assert window_for(student_access, None, extension).deadline == week.deadline + DAY
