"""The demo seminar's fixed teams and their rotation (called by demo.weeks.build_demo).

Four named teams take turns: team i leads the i-th week and team i + 3 (mod 4) blogs it,
as the rotation service writes it. They are chosen so the demo's stories hold:

- `lead@` is in Turing, which leads the open week 2 (and blogs the draft week 3);
- `blogger@` is in Lovelace, which blogs week 2 (and led the closed week 1);
- student5 (who wrote the closed week's post) is in Shannon, week 1's blogging team;
- student1 owes posts in week 2 (not on its teams); student8 is in Hopper, which leads
  the draft week 3 and so sees "Prepare week 3" on their home.

Idempotent: teams are looked up by name, memberships made exactly as listed, other teams
of the demo seminar removed, and the rotation rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.models import Week, WeekDuty
from teams.models import Team, TeamMembership
from teams.services import rotation_generate

if TYPE_CHECKING:
    from accounts.models import User
    from demo.weeks import DemoSummary

BLOG_OFFSET = 3
# Members by demo login: "lead", "blogger", or n for student<n>@example.edu.
DEMO_TEAMS: tuple[tuple[str, tuple[str | int, ...]], ...] = (
    ("Lovelace", ("blogger", 2, 3, 4)),
    ("Turing", ("lead", 6, 7, 11)),
    ("Hopper", (8, 9, 12)),
    ("Shannon", (1, 5, 10)),
)


def assign_demo_teams(summary: DemoSummary) -> list[Team]:
    seminar = summary.seminar
    people: dict[str | int, User] = {"lead": summary.lead, "blogger": summary.blogger}
    people |= {n: student for n, student in enumerate(summary.students, start=1)}
    teams = []
    for position, (name, members) in enumerate(DEMO_TEAMS, start=1):
        team, _ = Team.objects.update_or_create(
            seminar=seminar, name=name, defaults={"position": position}
        )
        users = [people[key] for key in members if key in people]
        TeamMembership.objects.filter(seminar=seminar, user__in=users).exclude(team=team).delete()
        team.memberships.exclude(user__in=users).delete()
        for user in users:
            TeamMembership.objects.get_or_create(team=team, user=user)
        teams.append(team)
    Team.objects.filter(seminar=seminar).exclude(pk__in=[team.pk for team in teams]).delete()
    rotation_generate(seminar=seminar, blog_offset=BLOG_OFFSET)
    draft = summary.weeks.get("draft")
    if draft is not None:
        leads = draft.week_duties.filter(team="lead").select_related("user")
        emails = ", ".join(sorted(member.user.email for member in leads))
        summary.notes.append(
            f"Teams: {', '.join(name for name, _ in DEMO_TEAMS)}; {emails} lead the draft "
            f"week {draft.number} and prepare it from their home (Prepare week {draft.number})."
        )
    return teams


# --- Single weeks' teams, set before the rotation above is written -------------------------


def assign_teams(summary: DemoSummary) -> None:
    """lead@ leads and blogger@ blogs the open week; classmates took the closed week."""
    students = summary.students
    set_team(summary.weeks["open"], WeekDuty.Team.LEAD, [summary.lead])
    set_team(summary.weeks["open"], WeekDuty.Team.BLOG, [summary.blogger])
    set_team(summary.weeks["closed"], WeekDuty.Team.LEAD, students[2:4])
    set_team(summary.weeks["closed"], WeekDuty.Team.BLOG, students[4:6])


def set_team(week: Week, team: str, users: Iterable[User]) -> None:
    """Make exactly `users` the week's `team` (one role per person per week)."""
    users = list(users)
    for user in users:
        WeekDuty.objects.update_or_create(week=week, user=user, defaults={"team": team})
    week.week_duties.filter(team=team).exclude(user__in=users).delete()
