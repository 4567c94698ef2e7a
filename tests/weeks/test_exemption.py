"""core.exemption: who owes no posts in a week, and why — the one rule WeekAccess, the
participation statuses and the calendar feed share."""

from __future__ import annotations

import pytest

from core.access import seminar_access, week_access
from core.exemption import exempt_reason, is_exempt
from core.models import Enrollment, WeekDuty
from participation.status import week_statuses

STUDENT, STAFF, AUDITOR = Enrollment.Role.STUDENT, Enrollment.Role.STAFF, Enrollment.Role.AUDITOR
LEAD, BLOG = WeekDuty.Team.LEAD, WeekDuty.Team.BLOG


@pytest.mark.parametrize(
    ("role", "team", "reason"),
    [
        (STUDENT, None, None),
        (STUDENT, LEAD, "on the lead team"),
        (STUDENT, BLOG, "on the blogging team"),
        (STAFF, None, "staff"),
        (AUDITOR, None, "auditing"),
        (None, None, "not a student"),
        (STAFF, LEAD, "on the lead team"),
    ],
)
def test_a_duty_exempts_first_then_only_students_owe(role, team, reason):
    assert exempt_reason(role, team) == reason
    assert is_exempt(role, team) is (reason is not None)


@pytest.mark.django_db
def test_week_access_and_the_statuses_agree_on_who_is_exempt(
    seminar, week, student, lead, blogger, staff, auditor
):
    statuses = week_statuses(week)
    for user in (student, lead, blogger, staff, auditor):
        access = week_access(seminar_access(user, seminar), week)
        status = statuses[user.pk]
        assert access.is_exempt is status.is_exempt, user
        assert status.exempt_reason == (
            exempt_reason(access.seminar_access.role, access.team) or ""
        )
