"""The demo's weeks (called by demo.weeks.build_demo): week 2 imported from its week file,
weeks 1 (closed) and 3 (a draft) built from data/weeks.toml, each with dates set relative
to now so the demo always has an open, a closed and a draft week.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from core.importer import import_week_file
from core.models import Question, QuestionSection, Reading, Seminar, Week

DATA = Path(__file__).resolve().parent / "data"
OPEN_WEEK_FILE = DATA / "week2-alignment.md"
OTHER_WEEKS_FILE = DATA / "weeks.toml"

SEMINAR_TIMEZONE = "America/New_York"

# The open week's deadline: this many days from now, at the seed file's 5:29 pm.
OPEN_DEADLINE_DAYS = 4
OPEN_DEADLINE_TIME = dt.time(17, 29)
# The closed week's deadline: this many days ago, same time of day.
CLOSED_DEADLINE_DAYS_AGO = 5
# … with a cut-off this many days after its deadline (also past): late posts, then closed.
CLOSED_LATE_DAYS = 2
# The draft week is due on the Tuesday at least this many days ahead, at 9 pm.
DRAFT_DEADLINE_MIN_DAYS = 8
DRAFT_DEADLINE_TIME = dt.time(21, 0)
# The seed file's own date, in its front matter and its deadline sentence.
SEED_DATE_LINE = 'date = "03 Sep 2023"'
SEED_DEADLINE_DAY = "Sunday, September 3"


def local_deadline(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(SEMINAR_TIMEZONE))


def local_today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now, zoneinfo.ZoneInfo(SEMINAR_TIMEZONE)).date()


def open_week_text(deadline: dt.datetime) -> str:
    """The seed week file with its date and deadline sentence moved to `deadline`'s day."""
    text = OPEN_WEEK_FILE.read_text(encoding="utf-8")
    for old in (SEED_DATE_LINE, SEED_DEADLINE_DAY):
        if old not in text:
            raise ValueError(f"{OPEN_WEEK_FILE.name} no longer contains {old!r}")
    class_date = deadline.date() + dt.timedelta(days=1)  # class meets the day after
    text = text.replace(SEED_DATE_LINE, f'date = "{class_date:%d %b %Y}"')
    return text.replace(SEED_DEADLINE_DAY, f"{deadline:%A, %B} {deadline.day}")


def import_open_week(seminar: Seminar, now: dt.datetime) -> Week:
    """Week 2 through the importer, published, due a few days from now.

    The importer reads the deadline from the (rewritten) sentence; setting it again here
    keeps the demo right even if the parser reads a different time of day.
    """
    deadline = local_deadline(
        local_today(now) + dt.timedelta(days=OPEN_DEADLINE_DAYS), OPEN_DEADLINE_TIME
    )
    result = import_week_file(
        open_week_text(deadline),
        seminar=seminar,
        replace=True,
        status=Week.Status.PUBLISHED,
        source=OPEN_WEEK_FILE.name,
    )
    week = result.week
    if week.deadline != deadline:
        shift = deadline - week.deadline if week.deadline else dt.timedelta(0)
        week.deadline = deadline
        week.cutoff = None
        week.save()
        for section in week.sections.exclude(deadline=None):
            assert section.deadline is not None  # excluded above
            section.deadline += shift
            section.save(update_fields=["deadline"])
    return week


@dataclass
class WeekDates:
    status: str
    deadline: dt.datetime
    class_date: dt.date
    cutoff: dt.datetime | None = None


def closed_dates(now: dt.datetime) -> WeekDates:
    """Deadline a few days ago, late posts accepted for two days after it: closed now."""
    day = local_today(now) - dt.timedelta(days=CLOSED_DEADLINE_DAYS_AGO)
    deadline = local_deadline(day, OPEN_DEADLINE_TIME)
    return WeekDates(
        status=Week.Status.PUBLISHED,
        deadline=deadline,
        class_date=day + dt.timedelta(days=1),
        cutoff=deadline + dt.timedelta(days=CLOSED_LATE_DAYS),
    )


def draft_dates(now: dt.datetime) -> WeekDates:
    """Due on a Tuesday evening (Wednesday's papers); Monday's section the Sunday before."""
    earliest = local_today(now) + dt.timedelta(days=DRAFT_DEADLINE_MIN_DAYS)
    tuesday = earliest + dt.timedelta(days=(1 - earliest.weekday()) % 7)
    return WeekDates(
        status=Week.Status.DRAFT,
        deadline=local_deadline(tuesday, DRAFT_DEADLINE_TIME),
        class_date=tuesday - dt.timedelta(days=1),
    )


def load_other_weeks() -> dict[str, dict[str, Any]]:
    """The closed and draft weeks' material from data/weeks.toml, by key."""
    with OTHER_WEEKS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {week["key"]: week for week in data["weeks"]}


def build_week(seminar: Seminar, data: dict[str, Any], dates: WeekDates, now: dt.datetime) -> Week:
    week, _ = Week.objects.update_or_create(
        seminar=seminar,
        slug=data["slug"],
        defaults={
            "number": data["number"],
            "title": data["title"],
            "intro": data["intro"],
            "discussion_intro": data["discussion_intro"],
            "status": dates.status,
            "publish_at": None,
            "published_at": now if dates.status == Week.Status.PUBLISHED else None,
            "deadline": dates.deadline,
            "cutoff": dates.cutoff,
            "class_date": dates.class_date,
        },
    )
    readings = build_readings(week, data["readings"])
    build_sections(week, data["sections"], readings, dates.deadline)
    return week


def build_readings(week: Week, items: list[dict[str, Any]]) -> list[Reading]:
    readings = []
    required_number = 0
    for position, item in enumerate(items):
        required = item.get("kind", "required") == Reading.Kind.REQUIRED
        required_number += required
        reading, _ = Reading.objects.update_or_create(
            week=week,
            position=position,
            defaults={
                "kind": Reading.Kind.REQUIRED if required else Reading.Kind.OPTIONAL,
                "group": item.get("group", ""),
                "number": required_number if required else None,
                "title": item["title"],
                "url": item.get("url", ""),
                "citation": item.get("citation", ""),
                "note": item.get("note", ""),
                "abstract": item.get("abstract", ""),
            },
        )
        readings.append(reading)
    week.readings.filter(position__gte=len(items)).delete()
    return readings


def build_sections(
    week: Week, items: list[dict[str, Any]], readings: list[Reading], deadline: dt.datetime
) -> None:
    number = 0
    for position, item in enumerate(items):
        offset = item.get("deadline_offset_days")
        section, _ = QuestionSection.objects.update_or_create(
            week=week,
            position=position,
            defaults={
                "title": item["title"],
                "intro": item.get("intro", ""),
                "reading": readings[item["reading"] - 1] if item.get("reading") else None,
                "day_label": item.get("day_label", ""),
                "deadline": None if offset is None else deadline + dt.timedelta(days=offset),
                "required_answers": item.get("required_answers", 1),
            },
        )
        for q_position, body in enumerate(item["questions"]):
            number += 1  # numbering runs on across sections, as in the course pages
            Question.objects.update_or_create(
                section=section, position=q_position, defaults={"number": str(number), "body": body}
            )
        section.questions.filter(position__gte=len(item["questions"])).delete()
    week.sections.filter(position__gte=len(items)).delete()
