"""Forming a seminar's teams: from a `team,email` CSV (a read-only preview and an apply that
recomputes it), dealt at random, or by hand one team and member at a time."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from core.lib.csv_rows import CsvRow, read_rows
from core.models import Seminar
from teams.models import Team, TeamMembership
from teams.services.common import InvalidRow, email_problems, lock_seminar, students_by_email

TEAM_CSV_HEADER = ("team", "email")
TEAM_NAME_MAX = Team._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class TeamRowChange:
    line: int
    user: User
    team_name: str
    from_team: str | None = None  # the team the student leaves, for a move


@dataclass
class TeamImportPreview:
    adds: list[TeamRowChange] = field(default_factory=list)
    moves: list[TeamRowChange] = field(default_factory=list)
    unchanged: list[TeamRowChange] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.adds or self.moves)


def _check_team_row(row: CsvRow, seen: dict[str, int]) -> str | None:
    if len(row.values) > len(TEAM_CSV_HEADER):
        return "expected two columns: team,email"
    team_name, email = row.values
    if not team_name:
        return "the team name is missing"
    if len(team_name) > TEAM_NAME_MAX:
        return f"the team name is longer than {TEAM_NAME_MAX} characters"
    if not email:
        return "the email is missing"
    if email.lower() in seen:
        return f"duplicate: {email} is already on line {seen[email.lower()]}"
    return None


def teams_from_csv_preview(*, seminar: Seminar, text: str) -> TeamImportPreview:
    """What importing a `team,email` CSV would do: adds, moves between teams, and invalid
    rows with their reason. Writes nothing; raises ValidationError for text that is not CSV.

    Students not in the file keep their team.
    """
    rows = read_rows(text, header=TEAM_CSV_HEADER)
    students = students_by_email(seminar)
    problems = email_problems(
        [row.values[1].lower() for row in rows if len(row.values) > 1], students
    )
    current = {
        m.user_id: m.team.name
        for m in TeamMembership.objects.filter(seminar=seminar).select_related("team")
    }
    # "red" in the file means the existing team "Red": names match whatever their case.
    existing = list(Team.objects.filter(seminar=seminar).values_list("name", flat=True))
    spelling = {name.lower(): name for name in existing}
    preview = TeamImportPreview()
    seen: dict[str, int] = {}
    for row in rows:
        reason = _check_team_row(row, seen) or problems.get(row.values[1].lower())
        if reason:
            preview.invalid.append(InvalidRow(line=row.line, raw=row.raw, reason=reason))
            continue
        email = row.values[1].lower()
        seen[email] = row.line
        user = students[email]
        team_name = spelling.setdefault(row.values[0].lower(), row.values[0])
        if team_name not in existing and team_name not in preview.new_teams:
            preview.new_teams.append(team_name)
        was = current.get(user.pk)
        change = TeamRowChange(line=row.line, user=user, team_name=team_name, from_team=was)
        if was is None:
            preview.adds.append(change)
        elif was == team_name:
            preview.unchanged.append(change)
        else:
            preview.moves.append(change)
    return preview


@transaction.atomic
def teams_from_csv_apply(*, seminar: Seminar, text: str) -> TeamImportPreview:
    """Import a `team,email` CSV: create missing teams, add and move students. Invalid rows
    are skipped (the returned preview names them). Safe to run twice."""
    lock_seminar(seminar)
    preview = teams_from_csv_preview(seminar=seminar, text=text)
    next_position = (
        Team.objects.filter(seminar=seminar).aggregate(top=Max("position"))["top"] or 0
    ) + 1
    for offset, name in enumerate(preview.new_teams):
        Team.objects.create(seminar=seminar, name=name, position=next_position + offset)
    teams = {team.name: team for team in Team.objects.filter(seminar=seminar)}
    for change in preview.moves:
        TeamMembership.objects.filter(seminar=seminar, user=change.user).update(
            team=teams[change.team_name]
        )
    TeamMembership.objects.bulk_create(
        TeamMembership(seminar=seminar, team=teams[c.team_name], user=c.user) for c in preview.adds
    )
    return preview


def _free_team_name(taken: set[str]) -> str:
    number = 1
    while f"Team {number}" in taken:
        number += 1
    return f"Team {number}"


@transaction.atomic
def teams_generate(*, seminar: Seminar, count: int, seed: int | None = None) -> list[Team]:
    """Deal the seminar's enrolled students at random into `count` teams whose sizes differ
    by at most one, replacing every existing membership. The first `count` existing teams
    keep their names; extra teams are deleted, missing ones are named "Team N".

    Raises ValidationError unless 1 <= count <= number of students. The same `seed` gives
    the same teams for the same roster.
    """
    lock_seminar(seminar)
    students = sorted(students_by_email(seminar).values(), key=lambda u: u.email)
    if count < 1:
        raise ValidationError("Ask for at least one team.")
    if count > len(students):
        raise ValidationError(
            f"{count} teams need at least {count} students; the roster has {len(students)}."
        )
    # Not security-sensitive: a reproducible shuffle of the class list.
    random.Random(seed).shuffle(students)  # noqa: S311
    TeamMembership.objects.filter(seminar=seminar).delete()
    teams = list(Team.objects.filter(seminar=seminar).order_by("position", "name"))
    Team.objects.filter(pk__in=[team.pk for team in teams[count:]]).delete()
    teams = teams[:count]
    taken = {team.name for team in teams}
    while len(teams) < count:
        name = _free_team_name(taken)
        taken.add(name)
        teams.append(Team(seminar=seminar, name=name))
    for position, team in enumerate(teams, start=1):
        team.position = position
        team.save()
    TeamMembership.objects.bulk_create(
        TeamMembership(seminar=seminar, team=teams[i % count], user=student)
        for i, student in enumerate(students)
    )
    return teams


# --- forming teams by hand ------------------------------------------------------------


def _clean_team_name(*, seminar: Seminar, name: str, team: Team | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("Give the team a name.")
    if len(name) > TEAM_NAME_MAX:
        raise ValidationError(f"Keep the team name under {TEAM_NAME_MAX + 1} characters.")
    others = Team.objects.filter(seminar=seminar, name__iexact=name)
    if team is not None:
        others = others.exclude(pk=team.pk)
    if others.exists():
        raise ValidationError(f"There is already a team called {name!r} in this seminar.")
    return name


@transaction.atomic
def team_create(*, seminar: Seminar, name: str) -> Team:
    """A new empty team, last in the rotation order. Raises ValidationError for a blank
    name or one another team of the seminar has (whatever its case)."""
    lock_seminar(seminar)
    name = _clean_team_name(seminar=seminar, name=name)
    top = Team.objects.filter(seminar=seminar).aggregate(top=Max("position"))["top"] or 0
    return Team.objects.create(seminar=seminar, name=name, position=top + 1)


@transaction.atomic
def team_rename(*, team: Team, name: str) -> Team:
    """Rename a team; raises ValidationError like team_create."""
    lock_seminar(team.seminar)
    team.name = _clean_team_name(seminar=team.seminar, name=name, team=team)
    team.save(update_fields=["name"])
    return team


def team_delete(*, team: Team) -> int:
    """Delete a team and its memberships; returns how many students it released. Weeks
    the team was assigned keep their people until the rotation is generated again."""
    released = team.memberships.count()
    team.delete()
    return released


@transaction.atomic
def team_member_add(*, team: Team, user: User) -> TeamMembership:
    """Put an enrolled student in the team. Adding a member again changes nothing; raises
    ValidationError for someone who is not a student of the seminar or is in another team."""
    lock_seminar(team.seminar)
    existing = TeamMembership.objects.filter(team=team, user=user).first()
    if existing is not None:
        return existing
    membership = TeamMembership(team=team, seminar=team.seminar, user=user)
    membership.clean()
    membership.save()
    return membership


def team_member_remove(*, team: Team, user: User) -> bool:
    """Take a student out of the team; False if they were not in it. Their duties in weeks
    already assigned stay until the rotation is generated again."""
    deleted, _ = TeamMembership.objects.filter(team=team, user=user).delete()
    return bool(deleted)
