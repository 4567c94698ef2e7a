"""Announcements of published weeks, and the team duty reminders.

A week published (by staff now, or by its schedule) gets one announcement per enrolled
member who wants announcements — written in the publishing transaction, keyed on the
week, so publishing again after an unpublish announces nothing twice.

Duties: each member of the week's teams finds their duty on "For you" from the week's
publication (or its first reminder). The week's lead team is reminded by email
`lead_reminder_days` before class; the blogging team `blog_reminder_days` after class
while their post is not published. Each is due at 9:00 in the seminar's time zone and sent
once (outbox key), within a short grace period — a restart after days does not remind
people of duties long past.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from blog.models import BlogPost
from core.models import Week, WeekDuty
from leads.brief import TOP, week_brief
from notifications.emails import absolute, render_email
from notifications.inbox import duty_notices
from notifications.models import OutboxEmail
from notifications.outbox import enqueue_rendered, send_after_commit
from notifications.reminders import settings_for

Kind = OutboxEmail.Kind
DUTY_HOUR = 9
DUTY_GRACE = dt.timedelta(days=2)
TEAMS = {"lead": WeekDuty.Team.LEAD, "blog": WeekDuty.Team.BLOG}


def week_announce(week_id: int) -> int:
    """Write the announcement of a just-published week for each enrolled member who
    wants announcements; return how many are new. Call it inside the publishing
    transaction: the emails exist exactly when the publication commits."""
    week = Week.objects.select_related("seminar").filter(pk=week_id).first()
    if week is None or not week.is_published:
        return 0
    members = User.objects.filter(
        enrollments__seminar_id=week.seminar_id, is_active=True, email_announcements=True
    ).distinct()
    new_ids = []
    with transaction.atomic():
        duties = WeekDuty.objects.filter(week=week).select_related("user")
        for team in TEAMS.values():  # the teams' duty on "For you", from its publication
            duty_notices(week, team, [d.user for d in duties if d.team == team])
        for user in members:
            email = render_email(
                "announcement",
                recipient=user,
                seminar=week.seminar,
                category="announcements",
                reason="you are enrolled in this seminar",
                context={
                    "week": week,
                    "week_url": absolute(week.get_absolute_url()),
                    "tz": week.seminar.tz,
                    "readings": list(week.readings.filter(kind="required")),
                },
            )
            row = enqueue_rendered(Kind.ANNOUNCEMENT, user, f"week:{week.pk}", email)
            if row is not None:
                new_ids.append(row.pk)
        send_after_commit(new_ids)
    return len(new_ids)


# --- Team duties ---------------------------------------------------------------------------


def at_local(day: dt.date, week: Week, hour: int = DUTY_HOUR) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=week.seminar.tz)


def _team(week: Week, team: str) -> list[User]:
    return [m.user for m in week.week_duties.all() if m.team == team and m.user.is_active]


def _duty(
    week: Week, users: list[User], *, duty: str, days: int, due: dt.datetime,
    extra: dict[str, Any] | None = None,
) -> list[int]:  # fmt: skip
    """The duty's notice on "For you" for each member, its email for those who want it."""
    duty_notices(week, TEAMS[duty], users)
    ids = []
    for user in users:
        if not user.email_reminders:
            continue
        email = render_email(
            f"duty_{duty}",
            recipient=user,
            seminar=week.seminar,
            category="reminders",
            reason=f"you are on this week's {'lead' if duty == 'lead' else 'blogging'} team",
            context={
                "week": week,
                "week_url": absolute(week.get_absolute_url()),
                "days": days,
                "due": due,
                "tz": week.seminar.tz,
                **(extra or {}),
            },
        )
        row = enqueue_rendered(Kind.DUTY, user, f"week:{week.pk}:{duty}", email, offset=f"{days}d")
        if row is not None:
            ids.append(row.pk)
    return ids


def week_duties_send(week: Week, *, now: dt.datetime) -> int:
    """Write the duty reminders of one week that are due now; return how many are new."""
    config = settings_for(week.seminar)
    if week.class_date is None:
        return 0
    new_ids: list[int] = []
    with transaction.atomic():
        days = config.lead_reminder_days
        due = at_local(week.class_date - dt.timedelta(days=days), week)
        class_starts = at_local(week.class_date, week, hour=0)
        team = _team(week, WeekDuty.Team.LEAD)
        if team and due <= now < min(class_starts, due + DUTY_GRACE):
            extra = lead_brief_context(week, now) if week.is_published else None
            new_ids += _duty(week, team, duty="lead", days=days, due=due, extra=extra)
        days = config.blog_reminder_days
        due = at_local(week.class_date + dt.timedelta(days=days), week)
        if due <= now < due + DUTY_GRACE and not blog_published(week):
            new_ids += _duty(week, _team(week, WeekDuty.Team.BLOG), duty="blog", days=days, due=due)
        send_after_commit(new_ids)
    return len(new_ids)


def lead_brief_context(week: Week, now: dt.datetime) -> dict[str, Any]:
    """The short brief in the lead-duty email (leads.brief): the figures, the first few
    items of each list and the link to the whole brief. Who has not posted goes by count
    only: the names stay on the page, for the leads and staff who sign in to see it. Only
    for a published week: a draft has no discussion, and its leads cannot open the page."""
    brief = week_brief(week, now=now)
    return {
        "brief": brief,
        "brief_top_threads": brief.without_reply[:TOP],
        "brief_top_unanswered": brief.unanswered[:TOP],
        "brief_url": absolute(reverse("weeks:lead_brief", args=[week.seminar.slug, week.slug])),
    }


def blog_published(week: Week) -> bool:

    return BlogPost.objects.filter(week=week, status=BlogPost.Status.PUBLISHED).exists()


def duties_send_due(*, now: dt.datetime | None = None) -> int:
    """The periodic scan for team duties; safe to run twice or concurrently."""
    now = now or timezone.now()
    today = now.date()
    # Lead reminders come at most ~2 weeks ahead, blog ones at most ~5 weeks after class.
    near = Q(
        class_date__gte=today - dt.timedelta(days=40), class_date__lte=today + dt.timedelta(days=15)
    )
    weeks = (
        Week.objects.filter(near).select_related("seminar").prefetch_related("week_duties__user")
    )
    return sum(week_duties_send(week, now=now) for week in weeks)
