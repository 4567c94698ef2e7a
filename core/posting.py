"""The posting window: the one place that decides until when a student may post in a thread.

A thread is a question (whose section may set its own deadline) or the week's general
thread. For one student in one thread, `posting_window` gives the deadline and the late
cut-off that apply to them — the class's, moved by their `Extension` for the week when
they have one — and the window says, at any instant, whether a post is on time (open, due
soon), late, or refused (closed), with the sentence that says why.

Everything that asks "may this student post now, and is it late" asks here: the posting
service (discussions.services), the week page's threads (discussions.selectors), the
participation rule's deadlines (participation.status), the reminders and the calendar
feed. Locks (a locked week, a locked thread) are not part of the window: they are
moderation, checked by discussions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.extension_models import Extension
from core.models import PostingState, QuestionSection, Week, posting_state
from core.timefmt import format_time

if TYPE_CHECKING:
    from core.access import WeekAccess


def class_deadline(week: Week, section: QuestionSection | None = None) -> dt.datetime | None:
    """The class's deadline for a thread: its section's own deadline when it sets one, else
    the week's (None when neither is set). No student's extension is applied."""
    if section is not None and section.deadline:
        return section.deadline
    return week.deadline


@dataclass(frozen=True)
class PostingWindow:
    """When one student may post in one thread of a week.

    `deadline`: posts until then are on time. `cutoff`: after the deadline, posts until
    then are accepted and marked late; None means the week's late `policy` decides (accept
    and mark late, or close). A cut-off is always after the deadline. `bypass`: the
    student's posts ignore the window (staff): always open, never late.
    """

    week: Week
    deadline: dt.datetime | None
    cutoff: dt.datetime | None
    policy: str
    extension: Extension | None = None
    bypass: bool = False

    @property
    def is_extended(self) -> bool:
        """Moved by the student's own extension for the week."""
        return self.extension is not None

    def state(self, now: dt.datetime) -> PostingState:
        """Open (due soon in its last 48 hours) before the deadline; late between the
        deadline and the cut-off (or after the deadline when the policy accepts late
        posts); closed after that. Always open with `bypass`."""
        if self.bypass:
            return PostingState.OPEN
        return posting_state(
            now=now, deadline=self.deadline, cutoff=self.cutoff, policy=self.policy
        )

    def accepts(self, now: dt.datetime) -> bool:
        """Whether a post at `now` is accepted (on time or late)."""
        return self.state(now) != PostingState.CLOSED

    def closed_message(self, tz: dt.tzinfo | None = None) -> str:
        """Why a post is refused once the window has closed, naming the instant it closed in
        `tz` (the viewer's zone; the seminar's when None)."""
        last = self.cutoff or self.deadline
        when = f" on {format_time(last, tz or self.week.seminar.tz)}" if last else ""
        if self.cutoff is not None:
            return f"Posting closed: the cut-off for late posts passed{when}."
        return f"Posting closed: the deadline passed{when} and this seminar takes no late posts."


def posting_window(
    week: Week,
    section: QuestionSection | None = None,
    *,
    extension: Extension | None = None,
    bypass: bool = False,
) -> PostingWindow:
    """The posting window of one thread (`section` None: the week's general thread) for a
    student whose extension for the week is `extension` (None: the class's window).

    Guarantees:
    - without an extension, the deadline is the section's own else the week's, and the
      cut-off the week's;
    - an extension never makes a deadline earlier: the student's deadline is the later of
      the class's and the extension's;
    - the student's cut-off is the extension's own; without one, a week with a cut-off
      keeps its late period, moved to start at the student's deadline (never before the
      class's cut-off);
    - a cut-off at or before the deadline is dropped (the late policy decides instead).
    """
    deadline = class_deadline(week, section)
    cutoff = week.cutoff
    if extension is not None:
        deadline = extension.deadline if deadline is None else max(deadline, extension.deadline)
        cutoff = extension.cutoff
        if cutoff is None and week.cutoff is not None:
            late_period = week.cutoff - (week.deadline or week.cutoff)
            cutoff = max(week.cutoff, deadline + late_period)
    if cutoff is not None and deadline is not None and cutoff <= deadline:
        cutoff = None
    return PostingWindow(
        week=week,
        deadline=deadline,
        cutoff=cutoff,
        policy=week.effective_late_policy,
        extension=extension,
        bypass=bypass,
    )


def student_deadline(
    week: Week, section: QuestionSection | None = None, extension: Extension | None = None
) -> dt.datetime | None:
    """The deadline this student works to in a thread: `posting_window(...).deadline`."""
    return posting_window(week, section, extension=extension).deadline


def extension_for(week: Week, user: object) -> Extension | None:
    """The user's extension for the week (one query; None for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Extension.objects.filter(week_id=week.pk, user_id=user.pk).first()  # type: ignore[attr-defined]


def viewer_extension(access: WeekAccess) -> Extension | None:
    """The viewer's extension for the access's week: looked up (one query) only for someone
    whose posts the window governs — a member who may post and does not bypass it."""
    if not access.can_post or access.bypasses_posting_rules:
        return None
    return extension_for(access.week, access.user)


def window_for(
    access: WeekAccess, section: QuestionSection | None, extension: Extension | None
) -> PostingWindow:
    """The viewer's posting window in a thread: their `extension` (from `viewer_extension`,
    loaded once per request) moves it; staff bypass it."""
    return posting_window(
        access.week, section, extension=extension, bypass=access.bypasses_posting_rules
    )
