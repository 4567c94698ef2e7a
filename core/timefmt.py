"""The one way a date and time reads, and in whose time zone.

Every time the app shows — on pages, in emails, in the calendar feed — is shown in the
VIEWER's zone and names it: `Sun 3 Sep, 5:29 pm EDT`. The viewer's zone is the one they
chose on their profile, else the seminar's (`viewer_zone`); the request carries it (the
access object's `tz`, and core.middleware activates it for templates), emails use the
recipient's.

`local_time` is a pure function of (instant, zone), so a cache of rendered HTML can key on
the zone. Deadlines add how far away they are: `in 2 days 3 hours`, `2 hours ago`.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from functools import lru_cache
from typing import Protocol

FALLBACK_ZONE = "America/New_York"


class HasZone(Protocol):
    """A user as far as zones go: their chosen zone name ('' for none)."""

    @property
    def time_zone(self) -> str: ...


@lru_cache(maxsize=1024)
def zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone called `name`, or None for a blank or unknown name."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def viewer_zone(user: object, default: zoneinfo.ZoneInfo | str) -> zoneinfo.ZoneInfo:
    """The zone a person reads times in: their own choice, else `default` (the seminar's)."""
    own = zone(getattr(user, "time_zone", "") or "")
    if own is not None:
        return own
    if isinstance(default, str):
        return zone(default) or zoneinfo.ZoneInfo(FALLBACK_ZONE)
    return default


def zone_abbreviation(local: dt.datetime) -> str:
    """`EDT`, `CET`, `IST`; zones without a letter abbreviation read `UTC+3`, `UTC+5:30`."""
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset() or dt.timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_time(when: dt.datetime, tz: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """`Sun 3 Sep, 5:29 pm EDT` in `tz`; the year is added when `now` is in another year."""
    local = when.astimezone(tz)
    hour = local.hour % 12 or 12
    meridiem = "am" if local.hour < 12 else "pm"
    day = f"{local:%a} {local.day} {local:%b}"
    if now is not None and now.astimezone(tz).year != local.year:
        day += f" {local.year}"
    return f"{day}, {hour}:{local.minute:02d} {meridiem} {zone_abbreviation(local)}"


@lru_cache(maxsize=4096)
def local_time(when: dt.datetime, tz: dt.tzinfo) -> tuple[str, str]:
    """(ISO 8601 for a <time> element, the text shown) of `when` in `tz`. Pure."""
    local = when.astimezone(tz)
    return local.isoformat(timespec="seconds"), format_time(local, tz)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _two_units(seconds: float) -> str:
    """The two largest units, the second one left out when it is zero."""
    minutes = math.floor(seconds / 60)
    if minutes < 60:
        return _plural(max(minutes, 1), "minute")
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    days, hours = divmod(hours, 24)
    return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")


def relative_time(when: dt.datetime, now: dt.datetime) -> str:
    """`in 2 days 3 hours`, `2 hours ago`, `in 5 minutes`, `in 3 weeks`; `just now`
    within a minute."""
    seconds = (when - now).total_seconds()
    size = abs(seconds)
    if size < 60:
        return "just now"
    if size < 14 * 86400:
        amount = _two_units(size)
    else:
        amount = _plural(math.floor(size / (7 * 86400)), "week")
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


@lru_cache(maxsize=1)
def zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, as (name, name with the underscores read as spaces), sorted."""
    names = sorted(
        n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith("Etc/")
    )
    return [(n, n.replace("_", " ")) for n in [*names, "UTC"]]
