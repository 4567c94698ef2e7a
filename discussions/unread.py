"""What's new for a viewer in a week's discussion: read state, markers, marking as seen.

The record is discussions.read_models.WeekRead (one row per viewer and week). A comment is
*new* for a viewer when they can read it (not deleted, not hidden from them, not withheld
by the reveal policy), did not write it, and never saw it; it is *edited since you read*
when its last edit is later than the time they read it. Only what the page shows is ever
counted: the week page asks `comment_status` for each comment it shows, after the reveal
policy has withheld what the viewer may not see yet; the seminar home (`unread_by_week`)
applies the same rule (core.access's `can_see_answers`) to the rows it counts.

Nothing is written on GET: the page carries the ids it showed and the time it was drawn,
and a POST after load (htmx `hx-trigger="load"`; without JavaScript the "Mark all as read"
button of the same form) calls `mark_seen`, a monotonic merge under a row lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.http import account
from core.access import SeminarAccess, WeekAccess
from core.models import QuestionSection, Week, WeekDuty
from discussions.comment_view import notice_for
from discussions.models import Comment
from discussions.read_models import WeekRead

NEW = "new"
EDITED = "edited"


def to_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass
class ReadState:
    """The viewer's record for one week; `tracked` is False for anonymous visitors."""

    tracked: bool = False
    seen: dict[str, int] = field(default_factory=dict)
    last_visit: dt.datetime | None = None

    def status(self, comment: Any, *, own: bool, shown: bool) -> str:
        """NEW, EDITED or "" for a comment (`shown`: its text is shown to the viewer)."""
        if not self.tracked or own or not shown or comment.deleted_at is not None:
            return ""
        read_at = self.seen.get(str(comment.pk))
        if read_at is None:
            return NEW
        if comment.edited_at is not None and to_ms(comment.edited_at) > read_at:
            return EDITED
        return ""


def read_state(access: WeekAccess) -> ReadState:
    """The viewer's read state of this week (one query; none for anonymous visitors)."""
    if not access.can_track_reading:
        return ReadState()
    row = (
        WeekRead.objects.filter(user=account(access.user), week_id=access.week.pk)
        .values_list("seen", "last_visit")
        .first()
    )
    if row is None:
        return ReadState(tracked=True)
    return ReadState(tracked=True, seen=dict(row[0] or {}), last_visit=row[1])


def mark_seen(access: WeekAccess, ids: Iterable[int], at: dt.datetime) -> int:
    """Record that the viewer read the comments `ids` of this week as they were at `at`
    (the time the page was drawn, never later than now). A monotonic merge: a comment's
    read time only grows, and nothing is ever un-seen, whichever tab's POST comes last.
    Ids of other weeks are ignored. Returns how many comments were newly seen."""
    now = timezone.now()
    at_ms = to_ms(min(at, now))
    wanted = {int(i) for i in ids}
    valid = set(
        Comment.objects.filter(week_id=access.week.pk, pk__in=wanted).values_list("pk", flat=True)
    )
    user = account(access.user)
    with transaction.atomic():
        WeekRead.objects.get_or_create(user=user, week=access.week, defaults={"last_visit": now})
        row = WeekRead.objects.select_for_update().get(user=user, week=access.week)
        seen = dict(row.seen or {})
        added = 0
        for pk in valid:
            key = str(pk)
            before = seen.get(key)
            added += before is None
            if before is None or before < at_ms:
                seen[key] = at_ms
        row.seen = seen
        row.last_visit = max(row.last_visit, now)
        row.save(update_fields=["seen", "last_visit"])
    return added


def unread_by_week(access: SeminarAccess, weeks: Sequence[Week]) -> dict[int, int]:
    """New comments per week for the seminar home, in three queries for all weeks.

    The rule of the week page: the viewer's own, deleted, hidden-from-them and withheld
    (reveal policy) comments never count. Each week's sections come prefetched
    (`week.sections.all()`, with their reveal policy and deadline)."""
    user = access.user
    if not user.is_authenticated or not weeks:
        return {}
    week_ids = [week.pk for week in weeks]
    seen = dict(
        WeekRead.objects.filter(user_id=user.pk, week_id__in=week_ids).values_list(
            "week_id", "seen"
        )
    )
    teams = dict(
        WeekDuty.objects.filter(user_id=user.pk, week_id__in=week_ids).values_list(
            "week_id", "team"
        )
    )
    sections = {}
    for week in weeks:
        for section in week.sections.all():
            section.week = week  # the deadline rule reads it
            sections[section.pk] = section
    rows = list(
        Comment.objects.filter(week_id__in=week_ids).values_list(
            "pk",
            "week_id",
            "parent_id",
            "author_id",
            "question__section_id",
            "is_hidden",
            "deleted_at",
            "edited_at",
        )  # fmt: skip
    )
    accesses = {
        week.pk: WeekAccess(week=week, seminar_access=access, team=teams.get(week.pk))
        for week in weeks
    }
    return count_new(rows, accesses, sections, seen, user.pk)


def apply_read_state(
    threads: Iterable[Any], by_id: dict[int, Comment], state: ReadState, access: WeekAccess
) -> None:
    """Set each thread's read markers (`statuses`: comment id -> NEW or EDITED), counts,
    first new comment and `seen_ids` (what the page marks as read: shown comments the
    viewer did not write). Run after the reveal policy: withheld comments are not in the
    threads' `tops` any more (discussions/page_cache.py: each Top lists its comments' ids
    in page order)."""
    for thread in threads:
        thread.new_count = thread.edited_count = 0
        thread.first_new = ""
        thread.seen_ids = []
        thread.statuses = {}
        for pk in walk(thread.tops):
            comment = by_id[pk]
            own = access.is_author(comment)
            shown = notice_for(comment, access, is_author=own)[1]
            status = state.status(comment, own=own, shown=shown)
            if status:
                thread.statuses[pk] = status
                thread.new_count += status == NEW
                thread.edited_count += status == EDITED
                if not thread.first_new:
                    thread.first_new = str(pk)
            if shown and not own and comment.deleted_at is None:
                thread.seen_ids.append(pk)


def walk(tops: Iterable[Any]) -> Iterable[int]:
    """The ids of the comments in these trees, in page order: each one, then its replies."""
    for top in tops:
        for part in top.parts:
            if type(part) is int:
                yield part


@dataclass(frozen=True)
class _Row:
    pk: int
    deleted_at: dt.datetime | None
    edited_at: dt.datetime | None


def count_new(
    rows: list[tuple[Any, ...]],
    accesses: dict[int, WeekAccess],
    sections: dict[int, QuestionSection],
    seen: dict[int, dict[str, int]],
    user_id: int,
) -> dict[int, int]:
    """Count each week's new comments from its rows (see unread_by_week)."""
    author_of = {row[0]: row[3] for row in rows}
    parent_of = {row[0]: row[2] for row in rows}
    # Sections where the viewer has a live answer (Comment.objects.answered_section_ids)
    answered = {
        row[4] for row in rows
        if row[3] == user_id and row[2] is None and row[4] is not None and row[6] is None
    }  # fmt: skip

    def root_author(pk: int) -> int:
        while parent_of.get(pk) is not None:
            pk = parent_of[pk]
        return author_of.get(pk, -1)

    now = timezone.now()
    visible_sections: dict[int, bool] = {}
    counts: dict[int, int] = {week_id: 0 for week_id in accesses}
    for pk, week_id, _parent, author_id, section_id, is_hidden, deleted_at, edited_at in rows:
        week_access = accesses[week_id]
        if is_hidden and not week_access.can_moderate:
            continue
        if section_id is not None:
            if section_id not in visible_sections:
                visible_sections[section_id] = week_access.can_see_answers(
                    sections[section_id], answered_section_ids=answered, now=now
                )
            if not visible_sections[section_id] and root_author(pk) != user_id:
                continue
        state = ReadState(tracked=True, seen=seen.get(week_id, {}))
        row = _Row(pk=pk, deleted_at=deleted_at, edited_at=edited_at)
        if state.status(row, own=author_id == user_id, shown=True) == NEW:
            counts[week_id] += 1
    return counts
