"""Reads of teams and duties for pages: who leads and blogs which week, shown by team.

A week's duties live in `weeks.WeekDuty` (one row per person); pages show them grouped
by the fixed team each person belongs to, so a week led by all of "Ada" reads "Ada" and a
week where one member was swapped out reads "Ada (Sam, Olive, Kim)".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from core.access import AnyUser, SeminarAccess, weeks_visible
from core.models import Enrollment, Seminar, Week, WeekDuty
from teams.models import Team, TeamMembership


@dataclass(frozen=True)
class Duty:
    """One week a user leads or blogs."""

    week: Week
    kind: str  # a WeekDuty.Team value

    @property
    def is_lead(self) -> bool:
        return self.kind == WeekDuty.Team.LEAD

    @property
    def is_blog(self) -> bool:
        return self.kind == WeekDuty.Team.BLOG

    @property
    def verb(self) -> str:
        """ "lead" or "blog", as in "you lead week 3"."""
        return "lead" if self.is_lead else "blog"


def duties_for(user: AnyUser, seminar: Seminar) -> list[Duty]:
    """The weeks of `seminar` the user leads or blogs, in week order, in one query.

    Draft weeks are included (a lead team prepares its draft week); callers link only to
    weeks the user may open (`duty.week.is_published`, or staff).
    """
    if not user.is_authenticated:
        return []
    members = (
        WeekDuty.objects.filter(user_id=user.pk, week__seminar=seminar)
        .select_related("week")
        .order_by("week__number")
    )
    duties = []
    for member in members:
        member.week.seminar = seminar  # for get_absolute_url without a query per week
        duties.append(Duty(week=member.week, kind=member.team))
    return duties


@dataclass(frozen=True)
class TeamGroup:
    """The people on one duty of one week who belong to one team (or to none)."""

    name: str | None  # the team's name; None for people in no team
    members: list[User]
    complete: bool  # every member of the team has this duty this week

    @property
    def label(self) -> str:
        names = ", ".join(user.name for user in self.members)
        if self.name is None:
            return names
        return self.name if self.complete else f"{self.name} ({names})"

    @property
    def detail(self) -> str:
        """Every person by name, after their team's: "Ada: Sam, Olive, Kim"."""
        names = ", ".join(user.name for user in self.members)
        return f"{self.name}: {names}" if self.name else names


@dataclass
class WeekTeams:
    """Who leads and who blogs one week."""

    week: Week
    lead: list[TeamGroup] = field(default_factory=list)
    blog: list[TeamGroup] = field(default_factory=list)

    @property
    def lead_people(self) -> list[User]:
        return [user for group in self.lead for user in group.members]

    @property
    def blog_people(self) -> list[User]:
        return [user for group in self.blog for user in group.members]

    @property
    def lead_label(self) -> str:
        return _duty_label(self.lead, self.week)

    @property
    def blog_label(self) -> str:
        return _duty_label(self.blog, self.week)

    @property
    def lead_detail(self) -> str:
        return _duty_label(self.lead, self.week, detail=True)

    @property
    def blog_detail(self) -> str:
        return _duty_label(self.blog, self.week, detail=True)


def _duty_label(groups: list[TeamGroup], week: Week, *, detail: bool = False) -> str:
    if groups:
        return "; ".join(group.detail if detail else group.label for group in groups)
    return "Staff" if week.staff_run else "—"


class _TeamInfo(NamedTuple):
    id: int
    name: str
    position: int


def _group(
    members: list[User], teams: dict[int, _TeamInfo], sizes: Counter[int]
) -> list[TeamGroup]:
    """`members` (of one duty, one week) grouped by team: teams in rotation order, then
    people in no team."""
    by_team: dict[_TeamInfo | None, list[User]] = defaultdict(list)
    for user in members:
        by_team[teams.get(user.pk)].append(user)
    keys = sorted(by_team, key=lambda t: (t is None, t.position if t else 0, t.name if t else ""))
    return [
        TeamGroup(
            name=key.name if key else None,
            members=by_team[key],
            complete=key is not None and len(by_team[key]) == sizes[key.id],
        )
        for key in keys
    ]


def week_teams_for(seminar: Seminar, weeks: Iterable[Week]) -> dict[int, WeekTeams]:
    """Who leads and blogs each of `weeks` (of `seminar`), keyed by week id, in two queries
    whatever the number of weeks (one when nobody is assigned)."""
    result = {week.pk: WeekTeams(week=week) for week in weeks}
    members = list(
        WeekDuty.objects.filter(week_id__in=list(result))
        .select_related("user")
        .order_by("week_id", "team", "user__email")
    )
    if not members:  # nobody assigned: no team names to look up
        return result
    # A constraint keeps each student in at most one team per seminar.
    teams = {
        user_id: _TeamInfo(team_id, name, position)
        for user_id, team_id, name, position in TeamMembership.objects.filter(
            seminar=seminar
        ).values_list("user_id", "team_id", "team__name", "team__position")
    }
    sizes = Counter(info.id for info in teams.values())
    people: dict[tuple[int, str], list[User]] = defaultdict(list)
    for member in members:
        people[(member.week_id, member.team)].append(member.user)
    for week_id, week_teams in result.items():
        week_teams.lead = _group(people[(week_id, WeekDuty.Team.LEAD)], teams, sizes)
        week_teams.blog = _group(people[(week_id, WeekDuty.Team.BLOG)], teams, sizes)
    return result


def week_teams(week: Week) -> WeekTeams:
    """Who leads and blogs one week, for its page (two queries)."""
    return week_teams_for(week.seminar, [week])[week.pk]


def schedule_for(access: SeminarAccess) -> list[WeekTeams]:
    """Every week the viewer may see, in order, with its lead and blogging teams, in three
    queries whatever the number of weeks."""
    weeks = list(weeks_visible(access).order_by("number"))
    for week in weeks:
        week.seminar = access.seminar
    by_week = week_teams_for(access.seminar, weeks)
    return [by_week[week.pk] for week in weeks]


@dataclass(frozen=True)
class TeamsOverview:
    teams: list[Team]
    unassigned: list[User]  # students of the seminar in no team


def teams_overview(seminar: Seminar) -> TeamsOverview:
    """The seminar's teams with their members, and the students in none (three queries)."""
    memberships = TeamMembership.objects.select_related("user").order_by("user__email")
    teams = list(
        Team.objects.filter(seminar=seminar)
        .order_by("position", "name")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
    )
    return TeamsOverview(teams=teams, unassigned=list(students_without_team(seminar)))


def seminar_students(seminar: Seminar) -> QuerySet[User]:
    """Users enrolled as students of the seminar, by email."""
    return User.objects.filter(
        enrollments__seminar=seminar, enrollments__role=Enrollment.Role.STUDENT
    ).order_by("email")


def students_without_team(seminar: Seminar) -> QuerySet[User]:
    return seminar_students(seminar).exclude(seminar_teams__seminar=seminar)


def attach_duties(user: AnyUser, seminars: Iterable[Seminar]) -> None:
    """Set `seminar.duties` (the user's Duty list there, as `duties_for` gives it) on each of
    `seminars`, in one query whatever their number: the site home's per-seminar lines."""
    seminars = list(seminars)
    for seminar in seminars:
        seminar.duties = []  # type: ignore[attr-defined]
    if not user.is_authenticated or not seminars:
        return
    by_id = {seminar.pk: seminar for seminar in seminars}
    members = (
        WeekDuty.objects.filter(user_id=user.pk, week__seminar_id__in=list(by_id))
        .select_related("week")
        .order_by("week__seminar_id", "week__number")
    )
    for member in members:
        seminar = by_id[member.week.seminar_id]
        member.week.seminar = seminar
        seminar.duties.append(Duty(week=member.week, kind=member.team))  # type: ignore[attr-defined]
