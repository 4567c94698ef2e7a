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


@dataclass
class FrontMatter:
    title: str
    slug: str
    number: int | None
    class_date: dt.date | None
    draft: bool
    deadline: dt.datetime | None = None
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
    """The front matter's fields; a deadline without an offset is wall time in `tz`."""
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
    fm = FrontMatter(
        title=title,
        slug=slug,
        number=_number(data, slug, title, source),
        class_date=_class_date(data.get("date"), source, warnings),
        draft=_draft(data.get("draft", False), source),
        deadline=_deadline(data.get("deadline"), source, tz),
        sections=_sections(data.get("sections", []), source, tz),
        warnings=warnings,
    )
    return fm


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


def _deadline(value: Any, source: str, tz: str) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zoneinfo.ZoneInfo(tz))
    raise WeekFileError(
        f"{source}: deadline must be a date and time, e.g. 2023-09-03T17:29:00-04:00"
        " or 2023-09-03 17:29 (the seminar's time zone)"
    )


def _sections(value: Any, source: str, tz: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise WeekFileError(f"{source}: sections must be a list of [[sections]] tables")
    for entry in value:
        if entry.get("deadline") is not None:
            entry["deadline"] = _deadline(entry["deadline"], source, tz)
        answers = entry.get("required_answers", 1)
        if isinstance(answers, bool) or not isinstance(answers, int) or answers < 0:
            raise WeekFileError(f"{source}: required_answers must be a whole number")
    return value
