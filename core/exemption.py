"""Team exemption: the one place that decides who owes no posts in a week, and why.

The weekly rule asks posts of the seminar's students; this week's lead team and blogging
team (their `WeekDuty`) are exempt that week, and staff, auditors and anyone not enrolled
as a student never owe posts. WeekAccess.is_exempt, the participation statuses and the
calendar feed all ask here.
"""

from __future__ import annotations

from core.models import Enrollment, WeekDuty

# Why someone is exempt, as a sentence ends: "Exempt this week: on the lead team."
EXEMPT_REASONS: dict[str, str] = {
    WeekDuty.Team.LEAD: "on the lead team",
    WeekDuty.Team.BLOG: "on the blogging team",
    Enrollment.Role.STAFF: "staff",
    Enrollment.Role.AUDITOR: "auditing",
}
NOT_A_STUDENT = "not a student"


def exempt_reason(role: str | None, team: str | None) -> str | None:
    """Why a person with this enrollment `role` (None: not enrolled) and this week's duty
    `team` (a WeekDuty.Team value, None: no duty) owes no posts this week; None when they
    owe them.

    Guarantees: a duty in the week exempts, whatever the role, and is the reason given;
    otherwise only an enrolled student owes posts; the reason is never empty.
    """
    if team is not None:
        return EXEMPT_REASONS.get(team, NOT_A_STUDENT)
    if role == Enrollment.Role.STUDENT:
        return None
    return EXEMPT_REASONS.get(role or "", NOT_A_STUDENT)


def is_exempt(role: str | None, team: str | None) -> bool:
    """Whether this person owes no posts this week (`exempt_reason` gives why)."""
    return exempt_reason(role, team) is not None
