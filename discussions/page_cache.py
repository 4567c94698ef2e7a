"""Render once, assemble per viewer: the week page's comments without per-request rendering.

The HTML of a week's comments is the same for every viewer of one *kind* (moderator or not,
may reply in the thread or not, sees history, may flag), in one time zone, as long as
nothing the comments show has changed. So it is rendered once and kept in this process
(an LRU of a few weeks), under a key that changes whenever anything it shows changes:

- the week's comments: their number and latest `updated_at` (one indexed aggregate query;
  every save, edit, moderation action and delete changes `updated_at`, a hard delete the
  number, and renaming a user touches their comments, see `touch_renamed_author`);
- who the authors are this week: the week's teams and the seminar's staff (the badges),
  read anyway by the page;
- for moderators, the open flags per comment (read anyway for their controls);
- the time zone the times are written in.

A request then only assembles: per thread, the stored fragments of the top-level comments
it may see (the reveal policy is applied per viewer, per request), with the viewer's OWN
comments rendered for them (edit and delete controls, a hidden comment's reason, their
"credited" badge: a handful of comments), and the viewer's CSRF token put in place of
`CSRF_SLOT` in the moderators' forms. No viewer's controls are ever stored: what is stored
is rendered for a stand-in viewer of the same kind who wrote none of the comments.

Fragments are kept per process (nothing to pickle, no network): each gunicorn worker
renders a changed week once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Hashable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, Max
from django.template import Context
from django.utils import timezone

from core.access import WeekAccess
from core.lib.lru import LRU
from discussions import render
from discussions.comment_view import CommentView, container_of
from discussions.models import MAX_NEST_DEPTH, Comment

# Stands for the viewer's CSRF token in stored moderation forms; random per process, so
# no comment text can contain it.
CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"
MARKER_SLOT = "<!--read-marker-->"  # where a comment's read marker goes (found in its header)
MAX_WEEKS = 32  # weeks (x kinds of viewer) kept per process
MAX_RENDERED = 50_000  # comments' main parts kept per process
# Author columns the page never reads (comment_view reads name parts, email, is_superuser).
DEFERRED_AUTHOR_FIELDS = (
    "author__password",
    "author__last_login",
    "author__is_staff",
    "author__is_active",
    "author__date_joined",
)
# The author fields the comments show (name, pronouns, staff badge): changing one touches
# the author's comments so that the pages showing them render again.
SHOWN_AUTHOR_FIELDS = frozenset(
    {"first_name", "last_name", "display_name", "pronouns", "email", "is_superuser"}
)


STORE = LRU(MAX_WEEKS)
LATEST = LRU(MAX_WEEKS)  # each week's newest read (by week, teams, staff, zone)
# Saves this much older than the newest one seen are read again: a transaction that
# committed after a later one (its updated_at earlier) is not missed.
LATE_COMMIT_MARGIN = dt.timedelta(seconds=5)
# What a comment's markup is made of: every field of its view but the replies.
VIEW_FIELDS = tuple(f.name for f in fields(CommentView) if f.name != "children")
RENDERED = LRU(MAX_RENDERED)  # Main by everything its view shows (see `rendered`)


@dataclass
class Top:
    """A top-level comment with its replies: what the reveal policy shows or withholds."""

    pk: int
    author_id: int
    pinned: bool
    count: int  # comments in the tree, itself included
    # Markup, and in place of each comment's opening <article> tag and main part its id
    # (in page order: a comment, then its replies).
    parts: list[str | int]


@dataclass
class WeekComments:
    """A week's comments as read once for a key (see the module docstring)."""

    comments: list[Comment]
    by_id: dict[int, Comment]
    tops: dict[int | None, list[Top]]  # by question id (None: the general thread)
    # By kind of viewer: each comment's main part, rendered when a page first shows it.
    mains: dict[Hashable, dict[int, Main]] = field(default_factory=dict)
    stamp: tuple[int, dt.datetime | None] = (0, None)  # comments_stamp when read


@dataclass(frozen=True, slots=True)
class Main:
    """A comment's opening <article> tag and main part, split where the viewer's read
    marker goes: `head` + class + `mid` + marker + `tail` (`full` without either)."""

    full: str
    head: str
    mid: str
    tail: str

    def marked(self, status: str) -> str:
        if not status:
            return self.full
        return f"{self.head} unread-{status}{self.mid}{render.MARKERS[status]}{self.tail}"


def comments_stamp(week_id: int) -> tuple[int, dt.datetime | None]:
    """What changes whenever a comment of the week changes (one indexed query)."""
    row = Comment.objects.filter(week_id=week_id).aggregate(n=Count("id"), t=Max("updated_at"))
    return row["n"], row["t"]


def load_comments(week_id: int, since: dt.datetime | None = None) -> list[Comment]:
    """The week's comments (those saved since `since`) with their authors, in the page's
    order (one query)."""
    rows = Comment.objects.filter(week_id=week_id)
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    return list(rows.select_related("author").defer("body").defer(*DEFERRED_AUTHOR_FIELDS))
    # Meta ordering: pinned first, then oldest first


def page_order(comment: Comment) -> tuple[bool, dt.datetime, int]:
    return (not comment.is_pinned, comment.created_at, comment.pk)  # Comment.Meta.ordering


def week_comments(
    access: WeekAccess, teams: dict[int, str], staff_ids: AbstractSet[int], tz: dt.tzinfo
) -> WeekComments:
    """The week's comments and their threads' skeletons, from the store, else brought up
    to date from the week's previous read (only the comments saved since), else read now."""
    week_id = access.week.pk
    base = (week_id, tuple(sorted(teams.items())), tuple(sorted(staff_ids)), str(tz))
    stamp = comments_stamp(week_id)
    key = ("week", *base, stamp)
    found = STORE.get(key)
    if found is not None:
        return found
    previous = LATEST.get(base)
    week = updated(previous, stamp) if previous is not None else None
    if week is None:
        comments = load_comments(week_id)
        by_id = {c.pk: c for c in comments}
        week = WeekComments(comments, by_id, skeletons(comments, by_id), stamp=stamp)
    LATEST.put(base, week)
    return STORE.put(key, week)


def updated(previous: WeekComments, stamp: tuple[int, dt.datetime | None]) -> WeekComments | None:
    """`previous` with the comments saved since it was read (a margin earlier, for saves
    that committed late), keeping every main part whose comment and ancestors did not
    change; None when that cannot be told (a comment deleted for good, a count that does
    not add up): then the week is read whole."""
    count, latest = stamp
    since = previous.stamp[1]
    if since is None or latest is None or latest < since or not previous.comments:
        return None
    changed = load_comments(previous.comments[0].week_id, since=since - LATE_COMMIT_MARGIN)
    by_id = {**previous.by_id, **{c.pk: c for c in changed}}
    if len(by_id) != count:
        return None
    comments = sorted(by_id.values(), key=page_order)
    known = previous.by_id
    saved = {c.pk for c in changed if c.pk not in known or known[c.pk].updated_at != c.updated_at}
    affected = with_descendants(saved, comments)
    mains = {
        kind: {pk: main for pk, main in kept.items() if pk not in affected}
        for kind, kept in previous.mains.items()
    }
    # Only the threads a saved comment is in are laid out again; the others keep theirs.
    threads = {by_id[root_of(pk, by_id)].question_id for pk in saved}
    tops = {q: kept for q, kept in previous.tops.items() if q not in threads}
    tops.update(skeletons(comments, by_id, threads))
    return WeekComments(comments, by_id, tops, mains, stamp)


def root_of(pk: int, by_id: dict[int, Comment]) -> int:
    """The top-level comment of the thread comment `pk` is in."""
    comment = by_id[pk]
    while comment.parent_id is not None and comment.parent_id in by_id:
        comment = by_id[comment.parent_id]
    return comment.pk


def with_descendants(ids: set[int], comments: list[Comment]) -> set[int]:
    """`ids` and every reply below them (a comment's markup shows its ancestors)."""
    children: dict[int, list[int]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            children.setdefault(comment.parent_id, []).append(comment.pk)
    found, todo = set(ids), list(ids)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def skeletons(
    comments: list[Comment],
    by_id: dict[int, Comment],
    threads: Collection[int | None] | None = None,
) -> dict[int | None, list[Top]]:
    """Each thread's top-level comments with their trees' markup around each comment's
    main part (discussions/render.py's comment_tree, with the main parts left as slots);
    only the threads of these question ids (None: the general thread) when `threads` is
    given (a reply is in its top-level comment's thread)."""
    children: dict[int, list[Comment]] = {}
    tops: dict[int | None, list[Top]] = {} if threads is None else {q: [] for q in threads}
    top_level = []
    for comment in comments:
        if comment.parent_id is None:
            if threads is None or comment.question_id in threads:
                top_level.append(comment)
            continue
        container = container_of(comment, by_id)
        if container is not None and container in by_id:
            children.setdefault(container, []).append(comment)
    for comment in top_level:
        parts: list[str | int] = []
        count = tree_parts(comment, children, parts)
        top = Top(comment.pk, comment.author_id, comment.is_pinned, count, parts)
        tops.setdefault(comment.question_id, []).append(top)
    return tops


def tree_parts(comment: Comment, children: dict[int, list[Comment]], parts: list[str | int]) -> int:
    """Append the markup of `comment`'s tree to `parts`; return how many comments it holds."""
    parts.append(comment.pk)
    count = 1
    parts.append("\n")
    if comment.depth < MAX_NEST_DEPTH:
        parts.append(f'<div class="replies" id="replies-c{comment.pk}">')
        for child in children.get(comment.pk, ()):
            count += tree_parts(child, children, parts)
        parts.append("</div>")
    parts.append("\n</article>\n")
    return count


def rendered(view: CommentView) -> Main:
    """A comment's Main for this view, rendered once per distinct view: after a change
    to one comment, the week's other comments are not rendered again (their views, which
    hold everything the markup shows, are the same)."""
    key = tuple(getattr(view, name) for name in VIEW_FIELDS)
    found = RENDERED.get(key)
    if found is None:
        found = RENDERED.put(key, render_main(view))
    return found


def render_main(view: CommentView) -> Main:
    """The comment's <article> opening and main part, with a slot for the marker."""
    context = Context({"csrf_token": CSRF_SLOT})
    html = render.comment_main(view, context, marker=MARKER_SLOT)
    before, _slot, tail = html.partition(MARKER_SLOT)  # the header precedes the text
    classes = render.article_classes(view.level, view.is_pinned, view.is_deleted)
    head = f'<article class="{classes}'
    mid = f'" id="c{view.key}">\n{before}'
    return Main(f"{head}{mid}{tail}", head, mid, tail)


def fill_csrf(html: str, token: str) -> str:
    """The viewer's CSRF token in place of the slot in stored moderation forms."""
    return html.replace(CSRF_SLOT, token) if CSRF_SLOT in html else html


def touch_renamed_author(sender: Any, instance: Any, update_fields: Any = None, **kw: Any) -> None:
    """A user's shown name, pronouns or staff status may have changed: their comments are
    touched (`updated_at`), so every page showing them renders again (post_save of User,
    connected in discussions/apps.py). Saves of other fields (last_login) touch nothing."""
    if kw.get("raw") or kw.get("created"):
        return
    if update_fields is not None and not SHOWN_AUTHOR_FIELDS.intersection(update_fields):
        return
    Comment.objects.filter(author_id=instance.pk).update(updated_at=timezone.now())
