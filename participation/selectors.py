"""Reads for the participation pages, each in a fixed number of queries.

The matrix of a whole term (students × weeks) costs the same queries for 10 students and
1 week as for 60 students and 14 weeks: everything is loaded in bulk
(participation.loading.load_weeks) and computed in Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

from accounts.models import User
from core.access import SeminarAccess, WeekAccess
from core.models import Enrollment, QuestionSection, Seminar, Week
from discussions.models import Comment
from participation import hints as hint_rules
from participation.loading import PageComments, seminar_rule
from participation.models import State
from participation.status import OWING, StudentWeekStatus, statuses_for
from teams.models import Team, TeamMembership

STATE_ORDER = (State.MET, State.MET_LATE, State.NOT_YET, State.MISSED, State.EXEMPT)


def published_weeks(seminar: Seminar) -> list[Week]:
    weeks = list(Week.objects.filter(seminar=seminar).published().order_by("number"))
    for week in weeks:
        week.seminar = seminar
    return weeks


# --- A student's own ---------------------------------------------------------------------


def week_page_status(
    access: WeekAccess,
    sections: Sequence[QuestionSection] | None = None,
    *,
    now: dt.datetime | None = None,
    page: PageComments | None = None,
) -> dict[str, Any]:
    """`participation`: the student's own status on the week page (None for others).

    With the page's `sections` (already loaded), this costs one or two queries; with the
    comments it read too (`page`), none while nothing outside the discussion changed.
    """
    sa = access.seminar_access
    if not (sa.user.is_authenticated and sa.has_participation and access.week.is_published):
        return {"participation": None}
    user_id = sa.user.pk
    week = access.week
    statuses = statuses_for(
        [week],
        user_ids=[user_id],
        now=now,
        roles={user_id: sa.role or ""},
        sections=sections,
        teams={week.pk: {user_id: access.team} if access.team else {}},
        page=page,
    )
    return {"participation": statuses.get((access.week.pk, user_id))}


@dataclass
class TermSummary:
    rows: list[StudentWeekStatus]
    counts: dict[str, int]

    @property
    def done(self) -> int:
        return self.counts.get(State.MET, 0) + self.counts.get(State.MET_LATE, 0)

    @property
    def owed(self) -> int:
        return sum(self.counts.get(state, 0) for state in OWING)

    @property
    def items(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.counts[s]) for s in STATE_ORDER if self.counts.get(s)]


def term_summary(
    access: SeminarAccess, weeks: Sequence[Week] | None = None, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """`participation_summary`: a student's term at a glance on the seminar home.

    With the page's `weeks` (already loaded) this costs three queries.
    """
    if not (access.user.is_authenticated and access.has_participation):
        return {"participation_summary": None}
    if weeks is None:
        weeks = published_weeks(access.seminar)
    weeks = [w for w in weeks if w.is_published]
    user_id, role = access.user.pk, access.role
    assert role is not None  # has_participation: an enrolled student
    statuses = statuses_for(weeks, user_ids=[user_id], now=now, roles={user_id: role})
    rows = [statuses[(w.pk, user_id)] for w in weeks if (w.pk, user_id) in statuses]
    counts = Counter(s.state for s in rows)
    return {"participation_summary": TermSummary(rows=rows, counts=dict(counts))}


# --- Staff: the matrix -------------------------------------------------------------------


@dataclass
class MatrixRow:
    user: User
    team: str
    cells: list[StudentWeekStatus]
    cells_html: str = ""  # the row's <td>s, built once in Python (840 cells render fast)

    @property
    def totals(self) -> list[int]:
        counts = Counter(cell.state for cell in self.cells)
        return [counts.get(state, 0) for state in STATE_ORDER]


@dataclass
class WeekColumn:
    week: Week
    counts: Counter = field(default_factory=Counter)
    nudge: dict[str, Any] | None = None  # manual reminders: {"count", "last"}

    @property
    def owing(self) -> int:
        return sum(self.counts[state] for state in OWING)


@dataclass
class Matrix:
    seminar: Seminar
    columns: list[WeekColumn]
    rows: list[MatrixRow]
    teams: list[Any]
    all_weeks: list[Week]
    state: str = ""
    team: str = ""
    week: str = ""

    @property
    def states(self) -> list[State]:
        return list(STATE_ORDER)

    @property
    def total_labels(self) -> list[str]:
        return [s.label for s in STATE_ORDER]

    @property
    def filtered(self) -> bool:
        return bool(self.state or self.team or self.week)

    def query(self) -> str:
        from urllib.parse import urlencode

        params = {"state": self.state, "team": self.team, "week": self.week}
        return urlencode({k: v for k, v in params.items() if v})


def fixed_teams(seminar: Seminar) -> tuple[list[Any], dict[int, tuple[int, str]]]:
    """The seminar's teams (teams app) and {user_id: (team_id, name)}: two queries."""
    teams = list(Team.objects.filter(seminar=seminar))
    members = TeamMembership.objects.filter(seminar=seminar).values_list(
        "user_id", "team_id", "team__name"
    )
    return teams, {user_id: (team_id, name) for user_id, team_id, name in members}


def matrix(
    seminar: Seminar,
    *,
    state: str = "",
    team: str = "",
    week: str = "",
    now: dt.datetime | None = None,
) -> Matrix:
    """Students × published weeks, filtered by state (in any shown week), team and week."""
    now = now or timezone.now()
    all_weeks = published_weeks(seminar)
    weeks = [w for w in all_weeks if w.slug == week] if week else all_weeks
    enrollments = (
        Enrollment.objects.filter(seminar=seminar, role=Enrollment.Role.STUDENT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    students = [e.user for e in enrollments]
    roles: dict[int, str] = {u.pk: Enrollment.Role.STUDENT for u in students}
    statuses = statuses_for(weeks, now=now, roles=roles) if students else {}
    teams, team_of = fixed_teams(seminar)
    state = state if state in State.values else ""
    columns = [WeekColumn(week=w) for w in weeks]
    rows = []
    for user in students:
        member = team_of.get(user.pk)
        if team and (member is None or str(member[0]) != team):
            continue
        cells = [statuses[(w.pk, user.pk)] for w in weeks]
        if state and not any(cell.state == state for cell in cells):
            continue
        rows.append(MatrixRow(user=user, team=member[1] if member else "", cells=cells))
        for column, cell in zip(columns, cells, strict=True):
            column.counts[cell.state] += 1
    prefixes = {w.pk: reverse("participation:week", args=[seminar.slug, w.slug]) for w in weeks}
    for row in rows:
        row.cells_html = format_html_join(
            "",
            '<td><a class="pcell pstate-{}" href="{}u/{}/" title="{}">{}</a></td>',
            (
                (
                    cell.state,
                    prefixes[cell.week.pk],
                    row.user.pk,
                    cell_title(row.user, cell),
                    cell.label + ("*" if cell.override is not None else ""),
                )
                for cell in row.cells
            ),
        )
    return Matrix(
        seminar=seminar,
        columns=columns,
        rows=rows,
        teams=teams,
        all_weeks=all_weeks,
        state=state,
        team=team,
        week=week if weeks else "",
    )


def cell_title(user: User, status: StudentWeekStatus) -> str:
    detail = status.exempt_reason if status.is_exempt else status.progress
    note = " (set by staff)" if status.override is not None else ""
    return f"{user.name}, week {status.week.number}: {status.label}{note} — {detail}"


def matrix_csv(table: Matrix) -> str:
    """One row per student, one column per week (the state), then the totals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "student",
            "email",
            "team",
            *[f"week {c.week.number}: {c.week.title}" for c in table.columns],
            *[f"total {label.lower()}" for label in table.total_labels],
        ]
    )
    for row in table.rows:
        writer.writerow(
            [
                spreadsheet_safe(row.user.name),
                spreadsheet_safe(row.user.email),
                spreadsheet_safe(row.team),
                *[cell_text(cell) for cell in row.cells],
                *row.totals,
            ]
        )
    return out.getvalue()


def spreadsheet_safe(text: str) -> str:
    """A name a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def cell_text(status: StudentWeekStatus) -> str:
    text = status.label.lower()
    return f"{text} (override)" if status.override is not None else text


# --- Staff and leads: one week -----------------------------------------------------------


@dataclass
class WeekListRow:
    user: User
    status: StudentWeekStatus
    links: list[tuple[str, str]]  # (url, label) of each of their posts this week


def week_list(access: WeekAccess, *, now: dt.datetime | None = None) -> list[WeekListRow]:
    """Every student of the seminar with their status this week and links to their posts."""
    week = access.week
    enrollments = (
        Enrollment.objects.filter(seminar_id=week.seminar_id, role=Enrollment.Role.STUDENT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    students = [e.user for e in enrollments]
    roles: dict[int, str] = {u.pk: Enrollment.Role.STUDENT for u in students}
    statuses = statuses_for([week], now=now, roles=roles) if students else {}
    base = week.get_absolute_url()
    rows = []
    for user in students:
        status = statuses[(week.pk, user.pk)]
        section_index: dict[int | None, int] = {c.section.pk: c.index for c in status.sections}
        links = []
        for post in status.posts:
            if post.is_answer:
                label = f"answer (section {section_index.get(post.section_id, '?')})"
            else:
                label = "reply" if post.is_reply else "comment"
                label += " (credited)" if post.credited else ""
            links.append((f"{base}#c{post.id}", label))
        rows.append(WeekListRow(user=user, status=status, links=links))
    return rows


# --- The credit queue ----------------------------------------------------------------------


@dataclass
class Candidate:
    comment: Comment
    hints: list[hint_rules.Hint]

    @property
    def is_reply(self) -> bool:
        return self.comment.parent_id is not None


def candidates_queryset(week: Week) -> QuerySet[Comment]:
    """Replies and general comments of the week not yet credited nor dismissed."""
    return (
        Comment.objects.public()
        .filter(week=week, credited_substantive=False, credit_dismissal__isnull=True)
        .exclude(question__isnull=False, parent__isnull=True)
        .select_related("author", "parent", "parent__author")
        .order_by("created_at", "id")
    )


def credit_queue(access: WeekAccess) -> list[Candidate]:
    """The week's candidates with their hints, in three queries."""
    week = access.week
    rule = seminar_rule(week.seminar)
    readings = list(week.readings.all())
    result = []
    for comment in candidates_queryset(week):
        parent_body = comment.parent.body if comment.parent is not None else None
        hints = hint_rules.hints_for(
            comment.body, rule=rule, readings=readings, parent_body=parent_body
        )
        result.append(Candidate(comment=comment, hints=hints))
    return result


def candidate(week: Week, comment: Comment) -> Candidate:
    rule = seminar_rule(week.seminar)
    readings = list(week.readings.all())
    parent_body = comment.parent.body if comment.parent is not None else None
    return Candidate(
        comment=comment,
        hints=hint_rules.hints_for(
            comment.body, rule=rule, readings=readings, parent_body=parent_body
        ),
    )
