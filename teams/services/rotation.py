"""The week-by-week rotation of lead and blogging teams: generated from the teams, imported
from a CSV (a read-only preview and an apply that recomputes it), or edited week by week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.lib.csv_rows import CsvRow, read_rows, split_emails
from core.models import Enrollment, Seminar, Week, WeekDuty
from teams.models import Team
from teams.services.common import InvalidRow, email_problems, lock_seminar, students_by_email

ROTATION_CSV_HEADER = ("week_slug", "lead_emails", "blog_emails")


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
    lock_seminar(seminar)
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
    students = students_by_email(seminar)
    emails = [e for row in rows for cell in row.values[1:3] for e in split_emails(cell)]
    problems = email_problems(list(dict.fromkeys(emails)), students)
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
    lock_seminar(seminar)
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
