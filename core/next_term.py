"""A term's weeks brought into a seminar (`import_seminar`): every date moved by whole days
on the seminar's wall clock, and each week kept a draft or scheduled — never published at
import, so students see nothing until staff or the schedule publish it.

A week the files say was published or scheduled is scheduled at its publish time moved
with the class dates (its `publish_at`, else the time it was published), while that time is
still ahead; a draft stays a draft, and so does a week whose moved publish time has passed
or that never had one (the report says which).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.importer import ImportResult, import_week_file, parse_week_file
from core.models import Seminar, Week
from core.timefmt import format_time


@dataclass
class TermItem:
    """One week file to bring in; `entry` is an archive's manifest entry for the week, read
    for what older archives kept there rather than in the file (status, cut-off, …)."""

    text: str
    source: str
    entry: dict[str, Any] = field(default_factory=dict)


@dataclass
class TermImport:
    results: list[ImportResult]
    days: int  # how far the dates moved
    lines: list[str]  # one per week: draft, scheduled (when) or replaced


@transaction.atomic
def import_term(
    items: list[TermItem],
    *,
    seminar: Seminar,
    replace: bool = False,
    shift_days: int | None = None,
    first_class_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> TermImport:
    """Import the week files into `seminar`, all or nothing: new weeks as drafts, their dates
    moved, then each one drafted or scheduled; a replaced week keeps its status."""
    results, kept = [], []
    for item in items:
        slug = parse_week_file(item.text, tz=seminar.timezone, source=item.source).slug
        live = Week.objects.filter(seminar=seminar, slug=slug).values_list("status", flat=True)
        status = live.first()
        result = import_week_file(
            item.text,
            seminar=seminar,
            replace=replace,
            status=status or Week.Status.DRAFT,
            source=item.source,
        )
        _older_archive(result, item.entry)
        results.append(result)
        kept.append(status)
    weeks = [result.week for result in results]
    days = shift_days_for(weeks, shift_days=shift_days, first_class_date=first_class_date)
    lines = []
    for result, status in zip(results, kept, strict=True):
        shift_week(result.week, days)
        if status is not None:
            lines.append(f"{result.week.slug}: replaced, still {status}")
            continue
        parsed = result.parsed
        settings = parsed.settings if parsed else {}
        lines.append(
            schedule_week(
                result.week,
                status=parsed.status if parsed else Week.Status.DRAFT,
                published_at=settings.get("published_at"),
                days=days,
                now=now,
            )
        )
    return TermImport(results=results, days=days, lines=lines)


def _older_archive(result: ImportResult, entry: dict[str, Any]) -> None:
    """Settings an archive made before week files carried them kept in its manifest."""
    if not entry or result.parsed is None:
        return
    week, given = result.week, result.parsed.settings
    if "staff_run" not in given:
        week.staff_run = bool(entry.get("staff_run", False))
    if "late_policy" not in given:
        week.late_policy = entry.get("late_policy") or ""
    cutoff = _datetime(entry.get("cutoff"))
    if "cutoff" not in given and cutoff and week.deadline and cutoff > week.deadline:
        week.cutoff = cutoff
    if "publish_at" not in given:
        week.publish_at = _datetime(entry.get("publish_at"))
    if "published_at" not in given and (published := _datetime(entry.get("published_at"))):
        given["published_at"] = published
    if result.parsed.status != "scheduled" and entry.get("status") == "scheduled":
        result.parsed.status = "scheduled"
    week.save(update_fields=["staff_run", "late_policy", "cutoff", "publish_at", "updated_at"])


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def shift_local(value: dt.datetime | None, days: int, tz: Any) -> dt.datetime | None:
    """`value` moved by whole days on the wall clock of `tz` (5:29 pm stays 5:29 pm across a
    daylight-saving change)."""
    if value is None or not days:
        return value
    local = timezone.localtime(value, tz).replace(tzinfo=None) + dt.timedelta(days=days)
    return local.replace(tzinfo=tz)


def shift_week(week: Week, days: int) -> None:
    """Move the week's class date, deadline, cut-off, publish time and section deadlines."""
    if not days:
        return
    tz = week.seminar.tz
    if week.class_date:
        week.class_date += dt.timedelta(days=days)
    week.deadline = shift_local(week.deadline, days, tz)
    week.cutoff = shift_local(week.cutoff, days, tz)
    week.publish_at = shift_local(week.publish_at, days, tz)
    week.save(update_fields=["class_date", "deadline", "cutoff", "publish_at", "updated_at"])
    for section in week.sections.exclude(deadline=None):
        section.deadline = shift_local(section.deadline, days, tz)
        section.save(update_fields=["deadline"])


def shift_days_for(
    weeks: list[Week], *, shift_days: int | None = None, first_class_date: dt.date | None = None
) -> int:
    """Days to move the weeks: as given, or so the earliest class date lands on
    `first_class_date` (0 when no week has a class date)."""
    if first_class_date is None:
        return shift_days or 0
    dates = [week.class_date for week in weeks if week.class_date]
    if not dates:
        return 0
    return (first_class_date - min(dates)).days


def schedule_week(
    week: Week,
    *,
    status: str,
    published_at: dt.datetime | None,
    days: int,
    now: dt.datetime | None = None,
) -> str:
    """Make an imported week (saved as a draft, its dates already moved by `days`) a draft
    or scheduled, as the module docstring says; `status` and `published_at` are what the
    file or archive said. Returns the report line."""
    now = now or timezone.now()
    tz = week.seminar.tz
    if status == Week.Status.DRAFT:
        verdict = "draft"
    else:
        when = week.publish_at or shift_local(published_at, days, tz)
        if when is not None and when > now:
            week.status, week.publish_at = Week.Status.SCHEDULED, when
            verdict = f"scheduled to publish {format_time(when, tz, now)}"
        elif when is not None:
            verdict = (
                f"draft (its publish time, {format_time(when, tz, now)}, has passed:"
                " publish it by hand)"
            )
        else:
            verdict = f"draft (it was {status}, with no publish time to move)"
    week.published_at = None
    week.save(update_fields=["status", "publish_at", "published_at", "updated_at"])
    return f"{week.slug}: {verdict}"
