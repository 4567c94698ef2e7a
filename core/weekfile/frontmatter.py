"""The TOML front matter between `+++` lines at the top of a week file."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from core.weekfile.parsed import WeekFileError

FENCE = "+++"
DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%b %d %Y", "%B %d %Y", "%b %d, %Y",
                "%B %d, %Y", "%d/%m/%Y")  # fmt: skip
WEEK_NUMBER = re.compile(r"week[\s_-]*(\d{1,3})", re.IGNORECASE)
STATUSES = ("draft", "scheduled", "published")
LATE_POLICIES = ("", "accept", "close")
REVEAL_POLICIES = ("always", "after_own", "after_deadline")
ALTERNATIVES = ("", "both", "replies", "general", "none")
DATETIME_SETTINGS = ("cutoff", "publish_at", "published_at")


@dataclass
class FrontMatter:
    title: str
    slug: str
    number: int | None
    class_date: dt.date | None
    draft: bool
    status: str = "published"
    deadline: dt.datetime | None = None
    timezone: str = ""  # the zone the file's times were written in ("" unknown)
    settings: dict[str, Any] = field(default_factory=dict)  # only the keys the file gives
    notes: str = ""
    sections: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_front_matter(text: str, source: str) -> tuple[str, str, int]:
    """(front matter text, body text, line number where the body starts)."""
    lines = text.lstrip("\ufeff").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].strip() != FENCE:
        hint = " (found YAML --- front matter; use +++ with TOML)" if _is_yaml(lines, start) else ""
        raise WeekFileError(f"{source}: no TOML front matter (expected +++ … +++ at the top){hint}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        raise WeekFileError(f"{source}: the front matter opened with +++ is never closed")
    return "\n".join(lines[start + 1 : end]), "\n".join(lines[end + 1 :]), end + 2


def _is_yaml(lines: list[str], start: int | None) -> bool:
    return start is not None and lines[start].strip() == "---"


def read_front_matter(raw: str, source: str, tz: str = "UTC") -> FrontMatter:
    """The front matter's fields. A time without an offset is wall time in `tz`; so is a
    time with an offset when the file names another `timezone` (it was written for a
    seminar elsewhere: 5:29 pm there stays 5:29 pm here)."""
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise WeekFileError(f"{source}: the front matter is not valid TOML: {exc}") from exc
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise WeekFileError(f'{source}: the front matter has no title (title = "Week 1: …")')
    title = title.strip()
    warnings: list[str] = []
    slug = _slug(data.get("slug"), title, source)
    file_tz = _file_timezone(data.get("timezone"), source, tz, warnings)
    times = _Times(source, tz, file_tz)
    status = _status(data, source)
    return FrontMatter(
        title=title,
        slug=slug,
        number=_number(data, slug, title, source),
        class_date=_class_date(data.get("date"), source, warnings),
        draft=status != "published",
        status=status,
        deadline=times.read(data.get("deadline"), "deadline"),
        timezone=file_tz,
        settings=_settings(data, source, times),
        notes=_text(data.get("notes", ""), "notes", source),
        sections=_sections(data.get("sections", []), source, times),
        warnings=warnings,
    )


def _file_timezone(value: Any, source: str, tz: str, warnings: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WeekFileError(f'{source}: timezone must be a zone name, e.g. "America/New_York"')
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise WeekFileError(f"{source}: unknown time zone {value!r}") from exc
    if value != tz:
        warnings.append(
            f"the file's times are wall-clock times in {value}; they keep their hour in this"
            f" seminar's zone, {tz}"
        )
    return value


def _status(data: dict[str, Any], source: str) -> str:
    draft = _draft(data.get("draft", False), source)
    status = data.get("status")
    if status is None:
        return "draft" if draft else "published"
    if status not in STATUSES:
        raise WeekFileError(f"{source}: status must be one of {', '.join(STATUSES)}")
    if "draft" in data and draft != (status != "published"):
        raise WeekFileError(f"{source}: draft = {str(draft).lower()} contradicts status {status!r}")
    return str(status)


def _text(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str):
        raise WeekFileError(f"{source}: {key} must be a string")
    return value


def _choice(value: Any, key: str, choices: tuple[str, ...], source: str) -> str:
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise WeekFileError(f"{source}: {key} must be one of {allowed}, got {value!r}")
    return str(value)


def _flag(value: Any, key: str, source: str) -> bool:
    if not isinstance(value, bool):
        raise WeekFileError(f"{source}: {key} must be true or false, got {value!r}")
    return value


def _settings(data: dict[str, Any], source: str, times: _Times) -> dict[str, Any]:
    """The week's settings the file gives (a key it leaves out leaves the week's value)."""
    settings: dict[str, Any] = {}
    for key in DATETIME_SETTINGS:
        if key in data:
            settings[key] = times.read(data[key], key)
    if "late_policy" in data:
        settings["late_policy"] = _choice(data["late_policy"], "late_policy", LATE_POLICIES, source)
    for key in ("locked", "staff_run"):
        if key in data:
            settings[key] = _flag(data[key], key, source)
    rule = data.get("rule", {})
    if not isinstance(rule, dict):
        raise WeekFileError(f"{source}: rule must be a [rule] table")
    if "alternatives" in rule:
        alternatives = rule["alternatives"]
        settings["alternatives"] = _choice(alternatives, "alternatives", ALTERNATIVES, source)
    return settings


def _slug(value: Any, title: str, source: str) -> str:
    if value is None:
        slug = slugify(title)
    elif isinstance(value, str) and value.strip():
        slug = slugify(value.strip())
    else:
        raise WeekFileError(f"{source}: slug must be a non-empty string")
    if not slug:
        raise WeekFileError(f'{source}: cannot make a slug from the title; add slug = "…"')
    return slug[:80]


def _number(data: dict[str, Any], slug: str, title: str, source: str) -> int | None:
    value = data.get("number", data.get("week"))
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 32768:
            raise WeekFileError(f"{source}: number must be a whole number, got {value!r}")
        return value
    for text in (slug, title):
        match = WEEK_NUMBER.search(text)
        if match:
            return int(match.group(1))
    return None


def _class_date(value: Any, source: str, warnings: list[str]) -> dt.date | None:
    if value is None:
        warnings.append("no date in the front matter; deadline years default to this year")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
        text = " ".join(value.replace(",", " , ").split()).replace(" ,", ",")
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a date only
            except ValueError:
                continue
    raise WeekFileError(f'{source}: cannot read the date {value!r} (write e.g. "03 Sep 2023")')


def _draft(value: Any, source: str) -> bool:
    if isinstance(value, bool):
        return value
    raise WeekFileError(f"{source}: draft must be true or false, got {value!r}")


@dataclass
class _Times:
    source: str
    tz: str  # the seminar's
    file_tz: str  # the one the file names, "" if none

    def read(self, value: Any, key: str) -> dt.datetime | None:
        """An aware time: wall time in the seminar's zone unless it has an offset and the
        file names no zone of its own."""
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, dt.datetime):
            raise WeekFileError(
                f"{self.source}: {key} must be a date and time, e.g. 2023-09-03T17:29:00-04:00"
                " or 2023-09-03 17:29 (the seminar's time zone)"
            )
        zone = zoneinfo.ZoneInfo(self.tz)
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        if self.file_tz and self.file_tz != self.tz:
            wall = value.astimezone(zoneinfo.ZoneInfo(self.file_tz))
            return wall.replace(tzinfo=zone)
        return value


def _sections(value: Any, source: str, times: _Times) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise WeekFileError(f"{source}: sections must be a list of [[sections]] tables")
    for entry in value:
        if entry.get("deadline") is not None:
            entry["deadline"] = times.read(entry["deadline"], "deadline")
        answers = entry.get("required_answers", 1)
        if isinstance(answers, bool) or not isinstance(answers, int) or answers < 0:
            raise WeekFileError(f"{source}: required_answers must be a whole number")
        if "reveal" in entry:
            entry["reveal"] = _choice(entry["reveal"], "reveal", REVEAL_POLICIES, source)
        if "title" in entry:
            entry["title"] = _text(entry["title"], "title", source)
    return value
