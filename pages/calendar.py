"""The personal calendar feed: a user's deadlines and team duties as iCalendar (RFC 5545).

Calendar apps subscribe to `/calendar/<token>.ics` without logging in, so the secret token
in the URL is the only credential: the feed shows exactly what the user's own pages show
(published weeks of the seminars they are enrolled in, and their own duties), and
resetting the token (accounts.profile_services.calendar_token_reset) makes the old URL 404.

Deadlines are instants written in the user's zone (their profile's, else the seminar's:
core.timefmt), with its VTIMEZONE, and their description says the time in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from accounts.models import User
from core.exemption import exempt_reason
from core.models import Enrollment, Extension, QuestionSection, Week, WeekDuty
from core.posting import posting_window
from core.timefmt import format_time, viewer_zone

PRODID = "-//Seminar//Deadlines and team duties//EN"

AbsoluteUrl = Callable[[str], str]


@dataclass(frozen=True)
class CalendarEntry:
    """One event: an instant (a deadline) or a whole day (a duty, a blog due date)."""

    uid: str
    summary: str
    start: dt.datetime | dt.date
    url: str
    description: str = ""


def _week_label(week: Week) -> str:
    """Which seminar and which week, e.g. 'LLM Risks, Week 3: Oversight' (calendars mix them)."""
    return f"{week.seminar.title}, {week.numbered_title}"


def _at(when: dt.datetime, tz: ZoneInfo, note: str = "") -> tuple[dt.datetime, str]:
    """The instant in the user's zone, and the description: its time in words, then `note`."""
    return when.astimezone(tz), " ".join(filter(None, [f"Due {format_time(when, tz)}.", note]))


def _deadline_entries(
    week: Week,
    url: str,
    exempt_because: str | None,
    extension: Extension | None = None,
    tz: ZoneInfo | None = None,
) -> Iterable[CalendarEntry]:
    """The week's posting deadline, the sections' own deadlines and the late cut-off, as
    they apply to this user: their posting window (core.posting), moved by their extension
    when they have one; in `tz` (the user's zone; the seminar's when None)."""
    tz = tz or week.seminar.tz
    note = f"You are exempt from posting this week: {exempt_because}." if exempt_because else ""
    if extension is not None:
        note = "Your own deadline: staff gave you an extension for this week."
    label = _week_label(week)
    window = posting_window(week, extension=extension)
    deadline = window.deadline
    if deadline:
        start, description = _at(deadline, tz, note)
        yield CalendarEntry(
            uid=f"week-{week.pk}-deadline",
            summary=f"Posts due: {label}",
            start=start,
            url=url,
            description=description,
        )
    for section in week.sections.all():
        own = posting_window(week, section, extension=extension).deadline
        if own and own != deadline:
            name = section.day_label or section.title
            start, description = _at(own, tz, note)
            yield CalendarEntry(
                uid=f"section-{section.pk}-deadline",
                summary=f"Posts due ({name}): {label}",
                start=start,
                url=url,
                description=description,
            )
    if window.cutoff is not None:
        start, description = _at(window.cutoff, tz)
        yield CalendarEntry(
            uid=f"week-{week.pk}-cutoff",
            summary=f"Late posts close: {label}",
            start=start,
            url=url,
            description=description,
        )


def _extensions(user: User) -> dict[int, Extension]:
    """The user's per-week extensions, by week id (one query)."""
    return {e.week_id: e for e in Extension.objects.filter(user_id=user.pk)}


def _duty_entries(member: WeekDuty, url: str) -> Iterable[CalendarEntry]:
    """A duty is a whole day, on the week's class date: leading it, blogging it, and the
    blog draft and final version due the seminar's number of days after class."""
    week, seminar = member.week, member.week.seminar
    if week.class_date is None:
        return
    label = _week_label(week)
    if member.team == WeekDuty.Team.LEAD:
        yield CalendarEntry(
            uid=f"week-{week.pk}-lead-{member.user_id}",
            summary=f"You lead {label}",
            start=week.class_date,
            url=url,
            description="Your team leads this week's discussion.",
        )
        return
    yield CalendarEntry(
        uid=f"week-{week.pk}-blog-{member.user_id}",
        summary=f"You blog {label}",
        start=week.class_date,
        url=url,
        description="Your team writes this week's summary post.",
    )
    for kind, days in (
        ("draft", seminar.blog_draft_due_days),
        ("final", seminar.blog_final_due_days),
    ):
        yield CalendarEntry(
            uid=f"week-{week.pk}-blog-{kind}-{member.user_id}",
            summary=f"Blog {kind} due: {label}",
            start=week.class_date + dt.timedelta(days=days),
            url=url,
        )


def calendar_entries(user: User, absolute_url: AbsoluteUrl) -> list[CalendarEntry]:
    """Every deadline of the published weeks of the user's seminars, and the user's own team
    duties there, in five queries whatever the number of seminars and weeks.

    Deadlines are the user's own: a student with an extension for a week sees the
    extended deadline (and cut-off) instead of the class's.
    """
    enrollments = list(Enrollment.objects.filter(user_id=user.pk).select_related("seminar"))
    seminars = {e.seminar_id: e.seminar for e in enrollments}
    roles = {e.seminar_id: e.role for e in enrollments}
    duties = list(
        WeekDuty.objects.filter(user_id=user.pk, week__seminar_id__in=list(seminars))
        .select_related("week")
        .order_by("week__seminar_id", "week__number")
    )
    duty_of_week = {member.week_id: member.team for member in duties}
    sections = QuestionSection.objects.only("id", "week_id", "deadline", "title", "day_label")
    weeks = (
        Week.objects.published()
        .filter(seminar_id__in=list(seminars))
        .prefetch_related(Prefetch("sections", queryset=sections))
        .order_by("seminar_id", "number")
    )
    extensions = _extensions(user)
    entries: list[CalendarEntry] = []
    for week in weeks:
        week.seminar = seminars[week.seminar_id]
        reason = exempt_reason(roles.get(week.seminar_id), duty_of_week.get(week.pk))
        url = absolute_url(week.get_absolute_url())
        tz = viewer_zone(user, week.seminar.tz)
        entries.extend(_deadline_entries(week, url, reason, extensions.get(week.pk), tz))
    for member in duties:
        member.week.seminar = seminars[member.week.seminar_id]
        # A draft week has no page the student may open yet: link to the seminar instead.
        page = member.week.get_absolute_url() if member.week.is_published else None
        url = absolute_url(page or member.week.seminar.get_absolute_url())
        entries.extend(_duty_entries(member, url))
    return entries


def calendar_ical(
    user: User, absolute_url: AbsoluteUrl, *, host: str, now: dt.datetime | None = None
) -> bytes:
    """The user's feed as an iCalendar file (CRLF lines, folded and escaped by icalendar)."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Seminar: {user.name}")
    calendar.add("x-published-ttl", "PT1H")
    for entry in calendar_entries(user, absolute_url):
        event = Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", entry.start)
        if not isinstance(entry.start, dt.datetime):
            event.add("dtend", entry.start + dt.timedelta(days=1))
        # A deadline or a duty day does not make the user busy in their calendar app.
        event.add("transp", "TRANSPARENT")
        event.add("summary", entry.summary)
        event.add("url", entry.url)
        if entry.description:
            event.add("description", f"{entry.description}\n{entry.url}")
        else:
            event.add("description", entry.url)
        calendar.add_component(event)
    # A VTIMEZONE for every TZID used, so calendar apps read the times as written.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def user_for_token(token: str) -> User:
    """The active user whose calendar token this is; 404 for any other token."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not token:
        raise Http404("No such calendar")
    return user


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = user_for_token(token)
    body = calendar_ical(user, request.build_absolute_uri, host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="seminar.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
