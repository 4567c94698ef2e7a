"""The one date/time filter: `{% load when_tags %}`.

    <time datetime="{{ value|when_iso }}">{{ value|when }}</time>   in the request's zone
    {{ value|when:tz }}                                                 in the given zone
    {{ value|until }}                                       "in 2 days 3 hours", "2 hours ago"

The request's zone is the viewer's (core.middleware, core.access.decorators); an email
passes its recipient's as `tz`. The wording is core.timefmt's.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from core import timefmt

register = template.Library()


def _zone(tz: dt.tzinfo | str | None) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    return timefmt.zone(tz) or timezone.get_current_timezone()


@register.filter
def when(value: dt.datetime | None, tz: dt.tzinfo | str | None = None) -> str:
    """`Sun 3 Sep, 5:29 pm EDT` in `tz`, else the current (viewer's) zone."""
    if not isinstance(value, dt.datetime):
        return ""
    return timefmt.local_time(value, _zone(tz))[1]


@register.filter
def when_iso(value: dt.datetime | None, tz: dt.tzinfo | str | None = None) -> str:
    """The same instant as ISO 8601, for a <time datetime> attribute."""
    if not isinstance(value, dt.datetime):
        return ""
    return timefmt.local_time(value, _zone(tz))[0]


@register.filter
def until(value: dt.datetime | None) -> str:
    """How far away `value` is from now: `in 2 days 3 hours`, `2 hours ago`."""
    if not isinstance(value, dt.datetime):
        return ""
    return timefmt.relative_time(value, timezone.now())
