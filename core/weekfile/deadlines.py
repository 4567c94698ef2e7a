"""Deadline sentences: "Before 5:29pm on Sunday, September 3, …" → an aware datetime.

The year is not in the sentence; it comes from the week's class date (the year that puts
the deadline closest to it, so a January deadline of a late-December week lands in the
next year). Times are wall-clock times in the seminar's time zone.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<nmonth>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"(?<![\d/])(?P<nmonth>1[0-2]|0?[1-9])/(?P<day>[0-3]?\d)(?:/(?P<year>\d{4}))?\b"),
)
TIME_12H = re.compile(
    r"\b(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))?\s*(?P<ampm>[ap])\.?m\b\.?", re.IGNORECASE
)
TIME_24H = re.compile(r"(?<![\d:/])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?![\d:])")
TIME_WORDS = re.compile(r"\b(?P<word>noon|midday|midnight|end of (?:the )?day)\b", re.IGNORECASE)
TRIGGER = re.compile(r"\b(?:before|by|due|deadline|until|till|no later than)\b", re.IGNORECASE)
WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
DEFAULT_TIME = dt.time(23, 59)


@dataclass
class Deadline:
    when: dt.datetime
    text: str  # the sentence it was read from
    has_time: bool
    weekday_mismatch: str = ""  # the weekday the sentence names when it disagrees with the date

    def warnings(self) -> list[str]:
        out = []
        if not self.has_time:
            out.append(
                f"deadline {self.text!r} gives no time; using {DEFAULT_TIME:%H:%M} "
                f"({self.when:%a %d %b %Y %H:%M %Z})"
            )
        if self.weekday_mismatch:
            out.append(
                f"deadline {self.text!r} says {self.weekday_mismatch} but "
                f"{self.when:%d %b %Y} is a {self.when:%A}"
            )
        return out


def find_deadline(text: str, *, tz: str, near: dt.date | None) -> Deadline | None:
    """The deadline a sentence states, or None when it states none (needs a trigger word)."""
    for line in [*text.splitlines(), " ".join(text.split())]:
        found = _deadline_in(line, tz=tz, near=near)
        if found is not None:
            return found
    return None


def find_deadlines(text: str, *, tz: str, near: dt.date | None) -> list[Deadline]:
    """Every line's deadline (one line per section), else the paragraph's own if it has one."""
    found = [d for line in text.splitlines() if (d := _deadline_in(line, tz=tz, near=near))]
    if found:
        return found
    whole = _deadline_in(" ".join(text.split()), tz=tz, near=near)
    return [whole] if whole else []


def _deadline_in(line: str, *, tz: str, near: dt.date | None) -> Deadline | None:
    trigger = TRIGGER.search(line)
    if trigger is None:
        return None
    date = _find_date(line, near)
    if date is None:
        return None
    time, has_time = _find_time(line)
    when = dt.datetime.combine(date, time, tzinfo=zoneinfo.ZoneInfo(tz))
    sentence = " ".join(line.split()).strip("*_ ")
    named = [m.group(1).lower() for m in WEEKDAY.finditer(line)]
    actual = WEEKDAYS[date.weekday()]
    mismatch = named[0].capitalize() if named and actual not in named else ""
    return Deadline(when=when, text=sentence, has_time=has_time, weekday_mismatch=mismatch)


def _find_date(line: str, near: dt.date | None) -> dt.date | None:
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(line):
            parts = match.groupdict()
            name = parts.get("month")
            month = MONTHS[name.lower()[:3]] if name else int(parts["nmonth"])
            day = int(parts["day"])
            year = int(parts["year"]) if parts.get("year") else None
            date = _dated(year, month, day, near)
            if date is not None:
                return date
    return None


def _dated(year: int | None, month: int, day: int, near: dt.date | None) -> dt.date | None:
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    anchor = near or timezone.now().date()
    candidates = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(dt.date(y, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - anchor).days))


def _find_time(line: str) -> tuple[dt.time, bool]:
    if (match := TIME_12H.search(line)) is not None:
        hour = int(match.group("hour")) % 12 + (12 if match.group("ampm").lower() == "p" else 0)
        return dt.time(hour, int(match.group("minute") or 0)), True
    if (match := TIME_24H.search(line)) is not None:
        return dt.time(int(match.group("hour")), int(match.group("minute"))), True
    if (match := TIME_WORDS.search(line)) is not None:
        word = match.group("word").lower()
        return (dt.time(12, 0) if word in ("noon", "midday") else dt.time(23, 59)), True
    return DEFAULT_TIME, False


def weekday_in(text: str) -> str:
    """The first weekday name in a text, capitalised ("" if none)."""
    match = WEEKDAY.search(text)
    return match.group(1).capitalize() if match else ""
