"""One viewer's threads put together from a week's stored comments (discussions/page_cache.py).

Per thread: the stored skeleton of its top-level comments (reveal policy and order applied
per viewer by the caller), each comment's main part as stored for the viewer's *kind*, the
viewer's OWN comments rendered for them, their read markers dropped into the stored slots
and their Follow buttons. No viewer's controls are ever stored in the shared parts.

A thread joined for a viewer is kept too (THREADS, per process, bounded in bytes), for that
viewer's next page while the thread itself did not change: after a reply in one thread,
the week's other threads are not joined again. It is used only when everything it was
joined from is the same: the same viewer and kind, the very same stored skeletons (a
change to any comment of the thread lays it out anew, discussions/page_cache.py), the
same own comments' markup, read markers and follows.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from core.access import WeekAccess
from core.lib.lru import ByteLRU
from discussions import render
from discussions.comment_view import CommentView, comment_view
from discussions.models import Comment
from discussions.page_cache import CSRF_SLOT, Main, Top, WeekComments, rendered

# Joined threads, by viewer (see the module docstring); JOINED_THREADS_MAX_BYTES per process.
THREADS = ByteLRU(getattr(settings, "JOINED_THREADS_MAX_BYTES", 16 * 1024 * 1024))


@dataclass(frozen=True)
class Joined:
    """A thread as joined for one viewer, with what it was joined from (held, so that
    identity checks compare live objects)."""

    tops: tuple[Top, ...]
    own: tuple[Main, ...]
    html: str

    @property
    def size(self) -> int:
        return len(self.html)


class StandIn:
    """A viewer of the same kind as `access` who wrote none of the comments: what the
    stored fragments are rendered for (comment_view reads these)."""

    def __init__(self, access: WeekAccess, reply_ok: bool) -> None:
        self.week = access.week
        self.tz = access.tz
        self.can_moderate = access.can_moderate
        self.can_reply = access.can_reply and reply_ok
        self.can_see_history = access.can_see_history
        self.can_flag = access.can_flag

    def is_author(self, comment: Comment) -> bool:
        return False

    def can_edit(self, comment: Comment) -> bool:
        return False

    def can_see_history_of(self, comment: Comment) -> bool:
        return self.can_see_history  # wrote none of them: staff's right only


def viewer_kind(access: WeekAccess, reply_ok: bool, flags: dict[int, int]) -> Hashable:
    """Everything a stored main part depends on about its viewer."""
    kind = (access.can_moderate, access.can_reply and reply_ok, access.can_see_history)
    flag_state = tuple(sorted(flags.items())) if access.can_moderate else ()
    return (*kind, access.can_flag, flag_state)


@dataclass
class Assembler:
    """Puts one viewer's threads together from a WeekComments (see the module docstring)."""

    access: WeekAccess
    week: WeekComments
    teams: dict[int, str]
    staff_ids: AbstractSet[int]
    flags: dict[int, int]
    base: str
    follows: Collection[int] | None = None  # threads the viewer follows; None: no buttons
    kinds: dict[bool, dict[int, Main]] = field(default_factory=dict)  # by reply_ok

    def shared_main(self, pk: int, reply_ok: bool) -> Main:
        """A comment's main part for this kind of viewer, rendered once."""
        mains = self.kinds.get(reply_ok)
        if mains is None:
            kind = viewer_kind(self.access, reply_ok, self.flags)
            mains = self.kinds[reply_ok] = self.week.mains.setdefault(kind, {})
        found = mains.get(pk)
        if found is None:
            stand_in: Any = StandIn(self.access, reply_ok)
            found = mains[pk] = rendered(self.view(self.week.by_id[pk], stand_in))
        return found

    def view(self, comment: Comment, viewer: Any) -> CommentView:
        return comment_view(
            comment,
            viewer,
            self.teams,
            self.staff_ids,
            self.week.by_id,
            self.base,
            self.flags.get(comment.pk, 0),
        )

    def own_mains(self, tops: Iterable[Top], reply_ok: bool) -> dict[int, Main]:
        """The viewer's own comments in these trees, rendered for them now."""
        uid = self.access.seminar_access.user_id
        if uid is None:
            return {}
        own = {}
        for top in tops:
            for part in top.parts:
                if type(part) is int and self.week.by_id[part].author_id == uid:
                    view = self.view(self.week.by_id[part], self.access)
                    view.viewer_can_reply = view.viewer_can_reply and reply_ok
                    own[part] = rendered(view)
        return own

    def html(self, tops: list[Top], reply_ok: bool, statuses: dict[int, str]) -> str:
        """The thread's comments as this viewer sees them, with their read markers: joined
        before for this viewer from the same parts (THREADS), else now."""
        if not tops:
            return ""
        own = self.own_mains(tops, reply_ok)
        follows = None if self.follows is None else tuple(t.pk in self.follows for t in tops)
        kind = viewer_kind(self.access, reply_ok, self.flags)
        uid = self.access.seminar_access.user_id
        marks = tuple(statuses.items())
        key = (uid, kind, marks, follows, tuple(own), tuple(top.pk for top in tops))
        kept = THREADS.get(key)
        if (
            kept is not None
            and all(a is b for a, b in zip(kept.tops, tops, strict=True))
            and all(a is b for a, b in zip(kept.own, own.values(), strict=True))
        ):
            return kept.html
        html = self.join(tops, reply_ok, statuses, own)
        THREADS.put(key, Joined(tuple(tops), tuple(own.values()), html))
        return html

    def join(
        self, tops: list[Top], reply_ok: bool, statuses: dict[int, str], own: dict[int, Main]
    ) -> str:
        out = []
        for top in tops:
            for part in top.parts:
                if type(part) is str:
                    out.append(part)
                    continue
                pk: int = part  # type: ignore[assignment]
                main = own.get(pk) or self.shared_main(pk, reply_ok)
                out.append(main.marked(statuses[pk]) if pk in statuses else main.full)
                if part == top.pk:
                    out.append(self.follow_form(top))
        return "".join(out)

    def follow_form(self, top: Top) -> str:
        """The viewer's Follow / Unfollow button of a thread, after its first comment."""
        if self.follows is None or self.week.by_id[top.pk].deleted_at is not None:
            return ""
        url = f"{self.base}c/{top.pk}/"
        return render.follow_form(url, top.pk in self.follows, CSRF_SLOT)
