"""The moderation log as people read it: who did what to which comment, when and why.

`log_entries` reads ModerationAction rows of one week (a lead's view) or a whole seminar
(staff), filtered by week, action and moderator, with names instead of ids, in a fixed
number of queries whatever the number of rows; `log_csv` writes the same rows as CSV.
Who may read which scope is core.access's to say (WeekAccess / SeminarAccess
`can_see_moderation_log`); nothing here asks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from core.models import Seminar, Week
from discussions.models import ModerationAction
from discussions.moderation import WEEK_SCOPE

EXCERPT_CHARS = 80
PAGE_SIZE = 100


@dataclass(frozen=True)
class LogEntry:
    action: ModerationAction
    moderator: str
    target: str  # "Ann's answer to question 3", "thread of question 2", "the whole week"
    excerpt: str  # the comment's first words ("" when there is no comment)
    reason: str
    url: str  # the comment (or the week) on the site

    @property
    def when(self) -> dt.datetime:
        return self.action.created_at

    @property
    def week(self) -> Week:
        return self.action.week

    @property
    def label(self) -> str:
        return self.action.get_action_display()


def _comment_kind(comment: Any) -> str:
    if comment.parent_id is not None:
        return "reply"
    return "answer" if comment.question_id is not None else "general comment"


def _describe(row: ModerationAction) -> tuple[str, str, str]:
    """(target, excerpt, reason) of one log row, in words."""
    reason = row.reason
    comment = row.comment
    if comment is not None:
        kind = _comment_kind(comment)
        where = f" to question {row.question.number}" if row.question is not None else ""
        author = comment.author.name if comment.author_id else "someone"
        if comment.deleted_at is not None:
            return f"{author}'s {kind}{where}", "(deleted by its author)", reason
        body = " ".join(comment.body.split())
        excerpt = body if len(body) <= EXCERPT_CHARS else body[: EXCERPT_CHARS - 1] + "…"
        return f"{author}'s {kind}{where}", excerpt, reason
    if reason.startswith(WEEK_SCOPE):
        return "the whole week", "", reason[len(WEEK_SCOPE) :].strip()
    if row.question is not None:
        return f"the thread of question {row.question.number}", "", reason
    if row.action in (ModerationAction.Action.LOCK, ModerationAction.Action.UNLOCK):
        return "the general thread", "", reason
    return "a comment since removed", "", reason


def _url(row: ModerationAction) -> str:
    base = row.week.get_absolute_url()
    if row.comment_id is not None:
        return f"{base}#c{row.comment_id}"  # the comment in its thread (its permalink's target)
    return base


def entry(row: ModerationAction) -> LogEntry:
    target, excerpt, reason = _describe(row)
    moderator = row.actor.name if row.actor is not None else "(account removed)"
    return LogEntry(
        action=row,
        moderator=moderator,
        target=target,
        excerpt=excerpt,
        reason=reason,
        url=_url(row),
    )


def log_queryset(seminar: Seminar, week: Week | None = None) -> QuerySet[ModerationAction]:
    """The log of one seminar (or of one of its weeks), newest first, with everything a
    row shows already joined."""
    rows = ModerationAction.objects.filter(week__seminar_id=seminar.pk)
    if week is not None:
        rows = rows.filter(week_id=week.pk)
    return rows.select_related("week__seminar", "actor", "comment__author", "question").order_by(
        "-created_at", "-id"
    )


class LogFilterForm(forms.Form):
    """The log's filters, from the query string; a value that is not a choice is refused
    next to its field and that filter is not applied."""

    week = forms.ChoiceField(required=False, label="Week")
    action = forms.ChoiceField(required=False, label="Action")
    moderator = forms.ChoiceField(required=False, label="Moderator")
    fields: dict[str, forms.ChoiceField]  # type: ignore[assignment]  # all three are choices

    def __init__(
        self, data: Any, *, weeks: list[Week] | None, moderators: list[tuple[int, str]]
    ) -> None:
        super().__init__(data)
        if weeks is None:
            del self.fields["week"]  # one week's log (a lead's): nothing to choose
        else:
            self.fields["week"].choices = [("", "All weeks")] + [
                (w.slug, f"Week {w.number}: {w.title}") for w in weeks
            ]
        self.fields["action"].choices = [("", "All actions"), *ModerationAction.Action.choices]
        self.fields["moderator"].choices = [("", "Everyone")] + [
            (str(pk), name) for pk, name in moderators
        ]

    def value(self, name: str) -> str:
        """The chosen value of a filter; "" when none or not a valid choice."""
        if not self.is_bound:
            return ""
        self.is_valid()  # cleaned_data then holds the valid fields only
        return str(self.cleaned_data.get(name) or "")


def moderators(rows: QuerySet[ModerationAction]) -> list[tuple[int, str]]:
    """Everyone who has acted in these rows, by name: one query."""
    people = User.objects.filter(pk__in=rows.order_by().values("actor_id"))
    return sorted(((u.pk, u.name) for u in people), key=lambda item: item[1].lower())


def filtered(rows: QuerySet[ModerationAction], form: LogFilterForm) -> QuerySet[ModerationAction]:
    week, action, moderator = form.value("week"), form.value("action"), form.value("moderator")
    if week:
        rows = rows.filter(week__slug=week)
    if action:
        rows = rows.filter(action=action)
    if moderator:
        rows = rows.filter(actor_id=int(moderator))
    return rows


CSV_HEADER = (
    "time",
    "week",
    "moderator",
    "moderator email",
    "action",
    "target",
    "comment excerpt",
    "reason",
    "link",
)


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def log_csv(entries: list[LogEntry], *, tz: dt.tzinfo, absolute: Any) -> str:
    """The rows as CSV, times in `tz` (the viewer's) with their offset; `absolute(path)`
    makes a full URL."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for item in entries:
        actor = item.action.actor
        writer.writerow(
            [
                item.when.astimezone(tz).isoformat(timespec="seconds"),
                item.week.number,
                _cell(item.moderator),
                actor.email if actor is not None else "",
                item.label,
                _cell(item.target),
                _cell(item.excerpt),
                _cell(item.reason),
                absolute(item.url),
            ]
        )
    return out.getvalue()
