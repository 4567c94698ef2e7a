"""Forming a seminar's teams and writing the week-by-week rotation of lead and blogging teams.

Every writer validates before saving and runs in one transaction; the CSV flows come in
pairs, a read-only `*_preview` and an `*_apply` that recomputes the same preview inside the
transaction and writes only its valid rows, so applying twice changes nothing the second time.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from core.lib.csv_rows import CsvRow, read_rows, split_emails
from core.models import Enrollment, Seminar, Week, WeekDuty
from teams.models import Team, TeamMembership

TEAM_CSV_HEADER = ("team", "email")
ROTATION_CSV_HEADER = ("week_slug", "lead_emails", "blog_emails")
TEAM_NAME_MAX = Team._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class InvalidRow:
    line: int
    raw: str
    reason: str


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


@dataclass(frozen=True)
class RotationRow:
    week: Week
    lead: Team | None
    blog: Team | None


@dataclass(frozen=True)
class RotationSummary:
    rows: list[RotationRow]
    weeks_assigned: int
    weeks_skipped: int
    assignments_written: int


@dataclass(frozen=True)
class RotationCsvRow:
    line: int
    week: Week
    leads: list[User]
    bloggers: list[User]
    changed: bool


@dataclass
class RotationImportPreview:
    rows: list[RotationCsvRow] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)

    @property
    def changed(self) -> list[RotationCsvRow]:
        return [row for row in self.rows if row.changed]

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)


def _students_by_email(seminar: Seminar) -> dict[str, User]:
    enrollments = Enrollment.objects.filter(seminar=seminar, role=Enrollment.Role.STUDENT)
    return {e.user.email.lower(): e.user for e in enrollments.select_related("user")}


def _email_problems(emails: list[str], students: dict[str, User]) -> dict[str, str]:
    """Why each email that is not an enrolled student of the seminar cannot be used."""
    missing = [email for email in emails if email not in students]
    if not missing:
        return {}
    known = {
        e.lower() for e in User.objects.filter(email__in=missing).values_list("email", flat=True)
    }
    return {
        email: "not enrolled as a student in this seminar" if email in known else "no account"
        for email in missing
    }


def _lock_seminar(seminar: Seminar) -> None:
    # Two staff applying at once would race on the unique constraints; serialise per seminar.
    Seminar.objects.select_for_update().filter(pk=seminar.pk).first()


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
    students = _students_by_email(seminar)
    problems = _email_problems(
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
    _lock_seminar(seminar)
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
    _lock_seminar(seminar)
    students = sorted(_students_by_email(seminar).values(), key=lambda u: u.email)
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


def rotation_plan(*, seminar: Seminar, blog_offset: int = 3) -> list[RotationRow]:
    """Which team leads and which blogs each week, in week-number order: the i-th week
    that is not staff-run gets team i mod n to lead and team (i + offset) mod n to blog;
    staff-run weeks get neither. Reads only; raises ValidationError when no valid plan
    exists (fewer than two teams, or an offset that makes a team lead and blog at once).
    """
    teams = list(Team.objects.filter(seminar=seminar).order_by("position", "name").with_members())
    count = len(teams)
    if count < 2:
        raise ValidationError("Form at least two teams before generating the rotation.")
    if blog_offset % count == 0:
        raise ValidationError(
            f"With {count} teams an offset of {blog_offset} makes each lead team blog its own "
            "week; pick an offset that is not a multiple of the number of teams."
        )
    rows: list[RotationRow] = []
    turn = 0
    for week in Week.objects.filter(seminar=seminar).order_by("number"):
        if week.staff_run:
            rows.append(RotationRow(week=week, lead=None, blog=None))
            continue
        lead, blog = teams[turn % count], teams[(turn + blog_offset) % count]
        rows.append(RotationRow(week=week, lead=lead, blog=blog))
        turn += 1
    return rows


@transaction.atomic
def rotation_generate(*, seminar: Seminar, blog_offset: int = 3) -> RotationSummary:
    """Write the rotation plan: each week that is not staff-run gets exactly its lead and
    blogging teams' members as WeekDuty rows (its previous rows are replaced); staff-run
    weeks are left as they are. Safe to run twice. Raises ValidationError like rotation_plan.
    """
    _lock_seminar(seminar)
    rows = rotation_plan(seminar=seminar, blog_offset=blog_offset)
    assigned = [row for row in rows if row.lead is not None and row.blog is not None]
    WeekDuty.objects.filter(week__in=[row.week for row in assigned]).delete()
    members = []
    for row in assigned:
        for team, kind in ((row.lead, WeekDuty.Team.LEAD), (row.blog, WeekDuty.Team.BLOG)):
            members += [
                WeekDuty(week=row.week, user=m.user, team=kind)
                for m in team.memberships.all()  # type: ignore[union-attr]
            ]
    WeekDuty.objects.bulk_create(members)
    return RotationSummary(
        rows=rows,
        weeks_assigned=len(assigned),
        weeks_skipped=len(rows) - len(assigned),
        assignments_written=len(members),
    )


def _current_assignments(seminar: Seminar) -> dict[int, set[tuple[int, str]]]:
    current: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for week_id, user_id, kind in WeekDuty.objects.filter(week__seminar=seminar).values_list(
        "week_id", "user_id", "team"
    ):
        current[week_id].add((user_id, kind))
    return current


def _rotation_row_problems(
    row: CsvRow, weeks: dict[str, Week], seen: dict[str, int], problems: dict[str, str]
) -> list[str]:
    if len(row.values) > len(ROTATION_CSV_HEADER):
        return ["expected three columns: week_slug,lead_emails,blog_emails"]
    slug, leads, blogs = row.values
    reasons = []
    if not slug:
        reasons.append("the week slug is missing")
    elif slug not in weeks:
        reasons.append(f"no week {slug!r} in this seminar")
    elif slug in seen:
        reasons.append(f"duplicate: week {slug} is already on line {seen[slug]}")
    lead_set, blog_set = split_emails(leads), split_emails(blogs)
    for email in dict.fromkeys(lead_set + blog_set):
        if email in problems:
            reasons.append(f"{email}: {problems[email]}")
    reasons += [f"{email} cannot both lead and blog" for email in lead_set if email in blog_set]
    return reasons


def rotation_preview_csv(*, seminar: Seminar, text: str) -> RotationImportPreview:
    """What importing a `week_slug,lead_emails,blog_emails` CSV (emails `;`-separated) would
    do: each valid row replaces that week's lead and blogging teams. Rows naming an unknown
    week, a person who is not an enrolled student, or someone both leading and blogging are
    invalid as a whole. Writes nothing; raises ValidationError for text that is not CSV.
    """
    rows = read_rows(text, header=ROTATION_CSV_HEADER)
    weeks = {week.slug: week for week in Week.objects.filter(seminar=seminar)}
    students = _students_by_email(seminar)
    emails = [e for row in rows for cell in row.values[1:3] for e in split_emails(cell)]
    problems = _email_problems(list(dict.fromkeys(emails)), students)
    current = _current_assignments(seminar)
    preview = RotationImportPreview()
    seen: dict[str, int] = {}
    for row in rows:
        reasons = _rotation_row_problems(row, weeks, seen, problems)
        if reasons:
            preview.invalid.append(InvalidRow(row.line, row.raw, "; ".join(reasons)))
            continue
        week = weeks[row.values[0]]
        seen[week.slug] = row.line
        leads = [students[e] for e in dict.fromkeys(split_emails(row.values[1]))]
        bloggers = [students[e] for e in dict.fromkeys(split_emails(row.values[2]))]
        wanted = {(u.pk, WeekDuty.Team.LEAD.value) for u in leads}
        wanted |= {(u.pk, WeekDuty.Team.BLOG.value) for u in bloggers}
        changed = wanted != current.get(week.pk, set())
        preview.rows.append(RotationCsvRow(row.line, week, leads, bloggers, changed))
    return preview


@transaction.atomic
def rotation_apply_csv(*, seminar: Seminar, text: str) -> RotationImportPreview:
    """Import a rotation CSV: every valid row that differs from the week's current teams
    replaces them. Invalid rows are skipped (the returned preview names them). Safe to run
    twice: the second run finds nothing changed."""
    _lock_seminar(seminar)
    preview = rotation_preview_csv(seminar=seminar, text=text)
    changed = preview.changed
    WeekDuty.objects.filter(week__in=[row.week for row in changed]).delete()
    WeekDuty.objects.bulk_create(
        WeekDuty(week=row.week, user=user, team=kind)
        for row in changed
        for users, kind in ((row.leads, WeekDuty.Team.LEAD), (row.bloggers, WeekDuty.Team.BLOG))
        for user in users
    )
    return preview


def _check_kind(team_kind: str) -> None:
    if team_kind not in WeekDuty.Team.values:
        raise ValidationError(f"Unknown team kind {team_kind!r}: use lead or blog.")


def _other_kind(team_kind: str) -> str:
    return WeekDuty.Team.BLOG if team_kind == WeekDuty.Team.LEAD else WeekDuty.Team.LEAD


@transaction.atomic
def week_team_swap(*, week: Week, team_kind: str, team: Team) -> list[WeekDuty]:
    """Make `team`'s members the week's whole lead (or blogging) team, replacing whoever
    had that duty. Raises ValidationError if the team is of another seminar or one of its
    members has the other duty this week."""
    _check_kind(team_kind)
    if team.seminar_id != week.seminar_id:
        raise ValidationError("Pick a team of this week's seminar.")
    users = [m.user for m in team.memberships.select_related("user")]
    clashes = WeekDuty.objects.filter(
        week=week, user__in=users, team=_other_kind(team_kind)
    ).select_related("user")
    if clashes:
        names = ", ".join(sorted(c.user.email for c in clashes))
        raise ValidationError(f"Already on this week's other team: {names}.")
    WeekDuty.objects.filter(week=week, team=team_kind).delete()
    return WeekDuty.objects.bulk_create(
        WeekDuty(week=week, user=user, team=team_kind) for user in users
    )


@transaction.atomic
def week_team_add(*, week: Week, user: User, team_kind: str) -> WeekDuty:
    """Put one enrolled student on the week's lead (or blogging) team. Adding someone who
    already has that duty changes nothing; raises ValidationError for someone who is not
    an enrolled student or already has the other duty."""
    _check_kind(team_kind)
    enrolled = Enrollment.objects.filter(
        seminar_id=week.seminar_id, user=user, role=Enrollment.Role.STUDENT
    ).exists()
    if not enrolled:
        raise ValidationError(f"{user.email} is not enrolled as a student in this seminar.")
    member, created = WeekDuty.objects.get_or_create(
        week=week, user=user, defaults={"team": team_kind}
    )
    if not created and member.team != team_kind:
        raise ValidationError(
            f"{user.email} is on this week's {member.get_team_display().lower()}; "
            "remove them there first."
        )
    return member


def week_team_remove(*, week: Week, user: User) -> bool:
    """Take a person off whichever team they are on this week; False if they were on none."""
    deleted, _ = WeekDuty.objects.filter(week=week, user=user).delete()
    return bool(deleted)


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
    _lock_seminar(seminar)
    name = _clean_team_name(seminar=seminar, name=name)
    top = Team.objects.filter(seminar=seminar).aggregate(top=Max("position"))["top"] or 0
    return Team.objects.create(seminar=seminar, name=name, position=top + 1)


@transaction.atomic
def team_rename(*, team: Team, name: str) -> Team:
    """Rename a team; raises ValidationError like team_create."""
    _lock_seminar(team.seminar)
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
    _lock_seminar(team.seminar)
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
