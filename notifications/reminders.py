"""Deadline reminders: before each deadline, email the students who still owe a post.

For each published week with a deadline coming up, and each of the seminar's offsets
(default 48 h and 3 h before), every enrolled, non-exempt student who still owes a post
gets one reminder naming what is still owed — per section deadline where sections have
their own. "Never twice for the same week, student and offset" is the outbox's unique
key, not a check-then-send; so two scans at once, or a retried one, insert each reminder
once. A reminder whose time passed while nothing ran is sent when things come back, if
that student's deadline has not passed; only the latest offset due is sent (no burst of
48 h and 3 h together), and never after the deadline (the row expires then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from core.models import QuestionSection, Seminar, Week
from core.posting import posting_window, student_deadline
from notifications.emails import RenderedEmail, absolute, render_email
from notifications.models import NotificationSettings, OutboxEmail
from notifications.outbox import enqueue_rendered, send_after_commit
from participation.status import StudentWeekStatus, week_statuses

Kind = OutboxEmail.Kind


def settings_for(seminar: Seminar) -> NotificationSettings:
    """The seminar's reminder settings; an unsaved row of defaults when staff set none."""
    found = NotificationSettings.objects.filter(seminar_id=seminar.pk).first()
    return found or NotificationSettings(seminar=seminar)


@dataclass
class Owed:
    """What one student still owes before one deadline of one week."""

    user: User
    key: str  # the outbox subject key: week:<id>, or section:<id> for a section's own deadline
    deadline: dt.datetime | None
    sections: list[QuestionSection] = field(default_factory=list)


def group_key(week: Week, section: QuestionSection) -> tuple[str, QuestionSection | None]:
    """Sections with their own deadline are reminded apart; the rest share the week's."""
    if section.deadline:
        return f"section:{section.pk}", section
    return f"week:{week.pk}", None


def owed_before_deadlines(week: Week, *, now: dt.datetime) -> list[Owed]:
    """Every (student, deadline) of the week with something still owed and not yet due."""
    statuses = week_statuses(week, now=now)
    owing = [s for s in statuses.values() if s.owes]
    users = User.objects.in_bulk([s.user_id for s in owing])
    result = []
    for status in owing:
        user = users.get(status.user_id)
        if user is None or not user.is_active or not user.email_reminders:
            continue
        groups: dict[str, Owed | None] = {}  # None: that deadline has passed
        for section in status.owed_sections:
            key, own = group_key(week, section)
            if key not in groups:
                deadline = student_deadline(week, own, status.extension)
                ahead = deadline is not None and deadline > now
                groups[key] = Owed(user=user, key=key, deadline=deadline) if ahead else None
            if (owed := groups[key]) is not None:
                owed.sections.append(section)
        result += [owed for owed in groups.values() if owed is not None]
    return result


def offset_due(deadline: dt.datetime, offsets: list[int], now: dt.datetime) -> int | None:
    """The latest offset whose time has come (3 rather than 48 once both have), or None."""
    due = [hours for hours in offsets if deadline - dt.timedelta(hours=hours) <= now < deadline]
    return min(due) if due else None


def next_deadline(week: Week, now: dt.datetime) -> dt.datetime | None:
    """The earliest deadline of the week still ahead (its own, a section's, an extension's)."""
    candidates = [week.deadline] if week.deadline and week.deadline > now else []
    candidates += [
        d
        for d in week.sections.filter(deadline__gt=now).values_list("deadline", flat=True)
        if d is not None
    ]
    candidates += [
        d
        for d in week.extensions.filter(deadline__gt=now).values_list("deadline", flat=True)
        if d is not None
    ]
    return min(candidates, default=None)


def weeks_with_deadlines_ahead(now: dt.datetime) -> QuerySet[Week]:
    ahead = Q(deadline__gt=now) | Q(sections__deadline__gt=now) | Q(extensions__deadline__gt=now)
    ids = Week.objects.published().filter(ahead).values_list("pk", flat=True).distinct()
    return Week.objects.filter(pk__in=list(ids)).select_related("seminar").order_by("pk")


def week_reminders_send(week: Week, *, now: dt.datetime | None = None) -> int:
    """Write the reminders now due for one week; return how many are new."""
    now = now or timezone.now()
    offsets = settings_for(week.seminar).offsets
    upcoming = next_deadline(week, now)
    if not offsets or upcoming is None or upcoming - dt.timedelta(hours=max(offsets)) > now:
        return 0  # nothing is due for anyone yet: skip computing statuses
    new_ids = []
    with transaction.atomic():
        for owed in owed_before_deadlines(week, now=now):
            # owed_before_deadlines only lists deadlines still ahead
            hours = offset_due(owed.deadline, offsets, now) if owed.deadline else None
            if hours is None:
                continue
            email = reminder_email(week, owed, now=now)
            row = enqueue_rendered(
                Kind.REMINDER,
                owed.user,
                owed.key,
                email,
                offset=f"{hours}h",
                expires_at=owed.deadline,
            )
            if row is not None:
                new_ids.append(row.pk)
        send_after_commit(new_ids)
    return len(new_ids)


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """The periodic scan: write every reminder now due, for every week. Safe to run twice
    or concurrently (the outbox key inserts each once); returns how many are new."""
    now = now or timezone.now()
    return sum(week_reminders_send(week, now=now) for week in weeks_with_deadlines_ahead(now))


def reminder_email(
    week: Week, owed: Owed, *, now: dt.datetime, actor: User | None = None
) -> RenderedEmail:
    deadline = owed.deadline
    hours_left = max(1, round((deadline - now).total_seconds() / 3600)) if deadline else 0
    return render_email(
        "reminder",
        recipient=owed.user,
        seminar=week.seminar,
        category="reminders",
        reason="you are enrolled in this seminar and still owe a post this week",
        context={
            "week": week,
            "week_url": absolute_week_url(week),
            "deadline": owed.deadline,
            "hours_left": hours_left,
            "overdue": deadline is not None and deadline <= now,
            "sections": owed.sections,
            "tz": week.seminar.tz,
            "actor": actor,
        },
    )


def absolute_week_url(week: Week) -> str:
    return absolute(week.get_absolute_url())


# --- The manual nudge ----------------------------------------------------------------------


def may_still_post(status: StudentWeekStatus, now: dt.datetime) -> bool:
    """Whether the student's posting window (core.posting, with their extension) still takes
    a post in one of the sections they owe (the week's general thread when none is named)."""
    sections: list[QuestionSection | None] = [*status.owed_sections] or [None]
    return any(
        posting_window(status.week, section, extension=status.extension).accepts(now)
        for section in sections
    )


def send_manual_reminders(week: Week, actor: User, *, now: dt.datetime | None = None) -> int:
    """Staff's "nudge now": remind every student who still owes a post for the week.

    Recorded as a reminder with offset "manual-<date>" (the seminar's date), so clicking
    twice the same day emails each student once. Students who switched reminders off are
    skipped; nobody is nudged once their posting window has closed (an extension keeps it
    open for that student). Returns how many emails are new.
    """
    now = now or timezone.now()
    offset = f"manual-{now.astimezone(week.seminar.tz):%Y-%m-%d}"
    statuses = week_statuses(week, now=now)
    owing = {s.user_id: s for s in statuses.values() if s.owes and may_still_post(s, now)}
    if not owing:
        return 0
    new_ids = []
    with transaction.atomic():
        for user in User.objects.filter(pk__in=list(owing), is_active=True, email_reminders=True):
            deadline = student_deadline(week, None, owing[user.pk].extension)
            owed = Owed(
                user=user,
                key=f"week:{week.pk}",
                deadline=deadline,
                sections=owing[user.pk].owed_sections,
            )
            email = reminder_email(week, owed, now=now, actor=actor)
            # Useful until the student's deadline (a nudge after it, for a late post: the
            # kind's lifetime): retried until then, never sent after.
            until = deadline if deadline and deadline > now else None
            row = enqueue_rendered(
                Kind.REMINDER, user, owed.key, email, offset=offset, expires_at=until
            )
            if row is not None:
                new_ids.append(row.pk)
        send_after_commit(new_ids)
    return len(new_ids)
