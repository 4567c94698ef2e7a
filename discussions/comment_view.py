"""The typed view of one comment: what discussions/render.py and the comment templates
read, built once per comment by `comment_view` (a view model, not a Django view).

The week page builds one for every comment of the week with lookups made once for the
page (discussions.selectors.build_discussion); the fragments htmx swaps in and the pages
that quote one comment build it with `load_comment_view` (a few queries, one comment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from django.utils.html import format_html_join

from core.access import WeekAccess
from core.models import Enrollment, WeekDuty
from core.timefmt import local_time
from discussions.models import MAX_NEST_DEPTH, Comment, Flag

HIDDEN_NOTICE = "Hidden by a moderator."
DELETED_NOTICE = "Deleted by author."


@dataclass(slots=True, eq=False)
class CommentView:
    """One comment as one viewer sees it: exactly what discussions/render.py and the comment
    templates read, built once by `comment_view` so that rendering only puts strings
    together. Strings (URLs, the local time, the badges' markup) are ready to print;
    `body_html` is the sanitised HTML stored with the comment.

    Slotted rather than frozen: a thread that takes no posts turns its Reply links off
    afterwards (no_reply_links), and replies are hung under `children` as they are built.
    """

    pk: int
    key: str  # str(pk): element ids ("c12", "main-c12", "replies-c12") are built from it
    url: str  # the comment's base URL: its endpoints (edit/, reply/, ...) hang below it
    question_id: int | None  # the thread it belongs to (None: the general thread)
    container_id: int | None  # the comment whose reply list shows it (None: top level)
    week_id: int  # with author_id and deleted_at, what core.access's rules read of a comment
    author_id: int
    deleted_at: dt.datetime | None
    author_name: str
    author_pronouns: str
    time_iso: str
    time_text: str
    level: int  # how far it is indented (depth, capped at MAX_NEST_DEPTH)
    nests: bool  # whether its replies nest under it (else they show flat, further up)
    in_reply_to: str  # the name of the author it answers, when shown flat away from it
    notice: str  # deleted, or hidden (with the reason for its author)
    show_body: bool
    body_html: str
    badges: str  # markup: staff, lead, blogger, pinned, endorsed, late, edited, ...
    is_pinned: bool
    is_endorsed: bool
    is_hidden: bool
    credited_substantive: bool
    can_credit: bool  # replies and general comments; answers count for their section
    open_flags: int  # unresolved flags (counted for moderators only)
    viewer_can_reply: bool
    viewer_can_edit: bool  # and delete: the same people
    viewer_sees_history: bool
    viewer_can_flag: bool
    viewer_can_moderate: bool
    children: list[CommentView] = field(default_factory=list)
    read_status: str = ""  # discussions.unread: "new", "edited" (since the viewer read it)

    @property
    def is_new(self) -> bool:
        return self.read_status == "new"

    @property
    def edited_since_read(self) -> bool:
        return self.read_status == "edited"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def has_actions(self) -> bool:
        """Whether it shows a row of actions (reply, edit, history, flag, moderate)."""
        return (
            self.viewer_can_reply
            or self.viewer_can_edit
            or self.viewer_sees_history
            or self.viewer_can_flag
            or self.viewer_can_moderate
        )


def comment_view(
    comment: Comment,
    access: WeekAccess,
    teams: dict[int, str],
    staff_ids: AbstractSet[int],
    by_id: dict[int, Comment],
    base: str | None = None,
    open_flags: int = 0,
) -> CommentView:
    """The one builder of a CommentView: badges, notices, what the viewer may do.

    `teams` (user id -> WeekDuty team) and `staff_ids` say who the author is this week;
    `by_id` holds the comment's ancestors (for where it shows and whom it answers).
    Strings are built here once rather than by template filters and tags per comment:
    a 300-comment page renders several times faster.
    """
    author = comment.author
    base = base if base is not None else access.week.get_absolute_url()
    time_iso, time_text = local_time(comment.created_at, access.tz)
    container_id = container_of(comment, by_id)
    parent = by_id.get(comment.parent_id) if comment.parent_id else None
    deleted = comment.deleted_at is not None
    is_author = access.is_author(comment)
    notice, show_body = notice_for(comment, access, is_author=is_author)
    return CommentView(
        pk=comment.pk,
        key=str(comment.pk),
        url=f"{base}c/{comment.pk}/",
        question_id=comment.question_id,
        container_id=container_id,
        week_id=comment.week_id,
        author_id=comment.author_id,
        deleted_at=comment.deleted_at,
        author_name=author.name,
        author_pronouns=author.pronouns or "",
        time_iso=time_iso,
        time_text=time_text,
        level=min(comment.depth, MAX_NEST_DEPTH),
        nests=comment.depth < MAX_NEST_DEPTH,
        in_reply_to=parent.author.name if parent and container_id != parent.pk else "",
        notice=notice,
        show_body=show_body,
        body_html=comment.body_html,
        badges=badges_html(comment, access, teams, staff_ids),
        is_pinned=comment.is_pinned,
        is_endorsed=comment.is_endorsed,
        is_hidden=comment.is_hidden,
        credited_substantive=comment.credited_substantive,
        can_credit=not comment.is_answer,
        open_flags=open_flags,
        viewer_can_reply=access.can_reply and not deleted,
        viewer_can_edit=access.can_edit(comment),
        viewer_sees_history=comment.edited_at is not None and access.can_see_history_of(comment),
        # Moderation (discussions/moderation_views.py): controls for this week's moderators,
        # a Flag link for members on comments they can read and did not write.
        viewer_can_moderate=access.can_moderate and not deleted,
        viewer_can_flag=(
            access.can_flag and not access.can_moderate and show_body and not is_author
        ),
    )


def notice_for(comment: Comment, access: WeekAccess, *, is_author: bool) -> tuple[str, bool]:
    """The notice in place of (or over) the text, and whether the text shows."""
    if comment.deleted_at is not None:
        return DELETED_NOTICE, False
    if comment.is_hidden and not access.can_moderate:
        if is_author:
            return f"Hidden by a moderator: {comment.hidden_reason or 'no reason given'}.", True
        return HIDDEN_NOTICE, False
    return "", True


def seminar_staff_ids(seminar_id: int) -> frozenset[int]:
    """The seminar's staff: their comments carry the staff badge (one query)."""
    rows = Enrollment.objects.filter(seminar_id=seminar_id, role=Enrollment.Role.STAFF)
    return frozenset(rows.values_list("user_id", flat=True))


def load_comment_view(
    access: WeekAccess, comment: Comment, *, with_flags: bool = False
) -> CommentView:
    """One comment's view, for the fragments htmx swaps in and the pages that quote it: the
    week page's builder, with lookups for this comment only (a few queries). `with_flags`
    counts its open flags for a moderator (the moderation controls show them)."""
    week = access.week
    teams = dict(
        WeekDuty.objects.filter(week=week, user_id=comment.author_id).values_list("user_id", "team")
    )
    staff_ids = set(
        Enrollment.objects.filter(
            seminar_id=week.seminar_id, user_id=comment.author_id, role=Enrollment.Role.STAFF
        ).values_list("user_id", flat=True)
    )
    by_id = {comment.pk: comment}
    ancestor = comment.parent if comment.parent_id else None
    while ancestor is not None:  # up to the top, or to the deepest nested level
        by_id[ancestor.pk] = ancestor
        ancestor = ancestor.parent if ancestor.parent_id and ancestor.depth >= 1 else None
    open_flags = 0
    if with_flags and access.can_moderate and comment.deleted_at is None:
        open_flags = Flag.objects.filter(comment=comment, resolved_at__isnull=True).count()
    return comment_view(comment, access, teams, staff_ids, by_id, open_flags=open_flags)


def badges_html(
    comment: Comment, access: WeekAccess, teams: dict[int, str], staff_ids: AbstractSet[int]
) -> str:
    """The badges' markup: who the author is this week, then what the comment is."""
    author, badges = comment.author, []
    if author.is_superuser or author.pk in staff_ids:
        badges.append(("staff", "staff"))
    team = teams.get(author.pk)
    if team == WeekDuty.Team.LEAD:
        badges.append(("lead", "lead"))
    if team == WeekDuty.Team.BLOG:
        badges.append(("blogger", "blogger"))
    if comment.is_pinned:
        badges.append(("pinned", "pinned"))
    if comment.is_endorsed:
        badges.append(("endorsed", "endorsed"))
    if comment.is_late:
        badges.append(("late", "late"))
    if comment.edited_at is not None and comment.deleted_at is None:
        badges.append(("edited", "edited"))
    if comment.is_hidden and access.can_moderate:
        reason = f"hidden: {comment.hidden_reason}" if comment.hidden_reason else "hidden"
        badges.append(("hidden", reason))
    if comment.credited_substantive and (access.can_moderate or access.is_author(comment)):
        badges.append(("credited", "credited as substantive"))
    return format_html_join("", '<span class="badge badge-{}">{}</span>', badges)


def container_of(comment: Comment, by_id: dict[int, Comment]) -> int | None:
    """The comment whose reply list shows this one: its parent up to the nesting limit,
    else the ancestor at the deepest nested level (deeper replies show flat there)."""
    if comment.parent_id is None:
        return None
    target_depth = min(comment.depth - 1, MAX_NEST_DEPTH - 1)
    node = by_id.get(comment.parent_id)
    while node is not None and node.depth > target_depth and node.parent_id:
        node = by_id.get(node.parent_id)
    return node.pk if node is not None else None
