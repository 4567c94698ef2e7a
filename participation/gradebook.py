"""The gradebook: a participation score per student and week, totals, and the CSV files
that Canvas and Moodle import.

The score is read off the state participation.status computed (the weekly rule has its
one home there; nothing here looks at posts or deadlines):

- met: the week's points (`SeminarRule.week_points`);
- met late: the points × the seminar's `late_fraction`;
- missed: 0;
- exempt: excused — no score, and the week does not count in the student's total;
- not yet (the deadline is still ahead): no score yet, not counted either.

A student's total is the points earned over the points possible of the weeks that count
for them. The whole book (every student × every published week) costs a fixed number of
queries: the matrix's, plus the rule and the roster's student IDs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accounts.models import RosterEntry, User
from core.models import Enrollment, Seminar, Week
from participation.loading import seminar_rule
from participation.models import SeminarRule, State
from participation.selectors import published_weeks, spreadsheet_safe
from participation.status import StudentWeekStatus, statuses_for

CANVAS_EXCUSED = "EX"  # Canvas marks an excused submission with EX in an imported file
MOODLE_NO_GRADE = "-"  # Moodle's CSV import reads "-" as "no grade"
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("Email address", "ID number", "Full name")
FORMATS = ("canvas", "moodle")


def week_score(state: str, rule: SeminarRule) -> Decimal | None:
    """The points a week's state earns; None when the week does not count (excused or
    not due yet)."""
    if state == State.MET:
        return rule.week_points
    if state == State.MET_LATE:
        return (rule.week_points * rule.late_fraction).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    if state == State.MISSED:
        return Decimal("0")
    return None  # exempt (excused) or not yet


@dataclass
class GradeCell:
    status: StudentWeekStatus
    score: Decimal | None

    @property
    def excused(self) -> bool:
        return self.status.state == State.EXEMPT

    @property
    def text(self) -> str:
        """What the page shows: the points, EX (excused) or – (not graded yet)."""
        if self.excused:
            return CANVAS_EXCUSED
        return "–" if self.score is None else points(self.score)


@dataclass
class GradeRow:
    user: User
    student_id: str
    cells: list[GradeCell]
    week_points: Decimal

    @property
    def earned(self) -> Decimal:
        return sum((c.score for c in self.cells if c.score is not None), Decimal("0"))

    @property
    def possible(self) -> Decimal:
        return self.week_points * sum(1 for c in self.cells if c.score is not None)

    @property
    def percent(self) -> Decimal | None:
        if not self.possible:
            return None
        return (self.earned * 100 / self.possible).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def total_text(self) -> str:
        return f"{points(self.earned)} / {points(self.possible)}"

    @property
    def sortable_name(self) -> str:
        """`Last, First` as Canvas lists students; the display name when there is none."""
        if self.user.last_name and self.user.first_name:
            return f"{self.user.last_name}, {self.user.first_name}"
        return self.user.name


@dataclass
class Gradebook:
    seminar: Seminar
    rule: SeminarRule
    weeks: list[Week]
    rows: list[GradeRow]

    @property
    def points_text(self) -> str:
        return points(self.rule.week_points)

    @property
    def late_text(self) -> str:
        return points(self.rule.late_fraction)

    def column(self, week: Week) -> str:
        """A week's column: its number only, so a renamed week still matches next time."""
        return f"Participation week {week.number}"


def gradebook(seminar: Seminar, *, now: dt.datetime | None = None) -> Gradebook:
    """Every enrolled student × every published week, with scores and totals."""
    rule = seminar_rule(seminar)
    weeks = published_weeks(seminar)
    enrollments = (
        Enrollment.objects.filter(seminar=seminar, role=Enrollment.Role.STUDENT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    students = [e.user for e in enrollments]
    roles: dict[int, str] = {u.pk: Enrollment.Role.STUDENT for u in students}
    statuses = statuses_for(weeks, now=now or timezone.now(), roles=roles) if students else {}
    ids = dict(
        RosterEntry.objects.filter(seminar=seminar, user__isnull=False).values_list(
            "user_id", "student_id"
        )
    )
    rows = []
    for user in students:
        cells = []
        for week in weeks:
            status = statuses[(week.pk, user.pk)]
            cells.append(GradeCell(status=status, score=week_score(status.state, rule)))
        rows.append(
            GradeRow(
                user=user,
                student_id=ids.get(user.pk, ""),
                cells=cells,
                week_points=rule.week_points,
            )
        )
    return Gradebook(seminar=seminar, rule=rule, weeks=weeks, rows=rows)


def points(value: Decimal) -> str:
    """`1`, `0.5`, `7.25`: no trailing zeros, never an exponent."""
    return f"{value.normalize():f}"


def _write(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def canvas_csv(book: Gradebook) -> str:
    """Canvas's import layout: Student, ID, SIS User ID, SIS Login ID, Section, a column
    per week, and a "Points Possible" row. Excused weeks are EX; weeks not due yet are
    left blank (Canvas changes nothing for a blank cell). ID (Canvas's own number) stays
    blank: Canvas matches by SIS User ID (the roster's student ID), then SIS Login ID."""
    header = [*CANVAS_COLUMNS, *[book.column(w) for w in book.weeks]]
    possible = [
        "Points Possible",
        "",
        "",
        "",
        "",
        *[points(book.rule.week_points)] * len(book.weeks),
    ]
    lines = [header, possible]
    for row in book.rows:
        cells = [
            CANVAS_EXCUSED if c.excused else ("" if c.score is None else points(c.score))
            for c in row.cells
        ]
        lines.append(
            [
                spreadsheet_safe(row.sortable_name),
                "",
                spreadsheet_safe(row.student_id),
                spreadsheet_safe(row.user.email),
                "",
                *cells,
            ]
        )
    return _write(lines)


def moodle_csv(book: Gradebook) -> str:
    """Moodle's "Import grades: CSV file": one row per student identified by email (and
    the ID number), one column per week; "-" (no grade) for excused and not-yet weeks."""
    header = [*MOODLE_COLUMNS, *[book.column(w) for w in book.weeks]]
    lines = [header]
    for row in book.rows:
        cells = [MOODLE_NO_GRADE if c.score is None else points(c.score) for c in row.cells]
        lines.append(
            [
                spreadsheet_safe(row.user.email),
                spreadsheet_safe(row.student_id),
                spreadsheet_safe(row.user.name),
                *cells,
            ]
        )
    return _write(lines)


def gradebook_csv(book: Gradebook, fmt: str) -> str:
    return canvas_csv(book) if fmt == "canvas" else moodle_csv(book)
