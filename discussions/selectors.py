"""Reads for the discussion on a week page, in a constant number of queries.

`week_discussion_context(access)` loads every comment of the week in one query (authors
joined), the week's questions, team, staff, locks and the viewer's drafts in one query
each, and builds the threads in Python: the number of queries never depends on how many
comments there are. Each comment gets the attributes its template needs (children,
badges, what the viewer may do), so templates never query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html_join

from core.access import WeekAccess
from core.models import Enrollment, PostingState, Question, RevealPolicy, WeekDuty
from discussions.forms import CommentForm
from discussions.models import MAX_NEST_DEPTH, Comment, Draft, Flag, ThreadLock

# Author columns the page never reads (decorate reads name parts, email, is_superuser).
DEFERRED_AUTHOR_FIELDS = (
    "author__password",
    "author__last_login",
    "author__is_staff",
    "author__is_active",
    "author__date_joined",
)
HIDDEN_NOTICE = "Hidden by a moderator."
DELETED_NOTICE = "Deleted by author."
REVEAL_NOTICES = {
    RevealPolicy.AFTER_OWN: "Classmates' answers in this section show once you post your own.",
    RevealPolicy.AFTER_DEADLINE: "Classmates' answers in this section show after the deadline.",
}


@dataclass
class Thread:
    """One thread as the viewer sees it: a question's answers, or the general thread."""

    question: Question | None
    comments: list[Comment] = field(default_factory=list)  # top level, replies in .children
    count: int = 0  # comments shown, replies included
    withheld: int = 0  # classmates' answers not shown under the reveal policy
    reveal_notice: str = ""
    locked: bool = False
    thread_locked: bool = False  # this thread's own lock (moderation), not the week's
    state: PostingState = PostingState.OPEN
    form: CommentForm | None = None

    @property
    def key(self) -> str:
        """Unique on the page: "q<id>" or "general"; ids are built from it."""
        return f"q{self.question.pk}" if self.question else "general"

    @property
    def action(self) -> str:
        """Where its form posts, relative to the week's URL."""
        return f"q/{self.question.pk}/answer/" if self.question else "general/comment/"

    @property
    def draft(self) -> str:
        """Where its form saves drafts, relative to the week's URL."""
        return f"draft/?question={self.question.pk}" if self.question else "draft/"


@dataclass
class Discussion:
    """Everything the thread templates read, under the one context name `discussion`."""

    access: WeekAccess
    threads: dict[int, Thread] = field(default_factory=dict)  # by question id
    general: Thread = field(default_factory=lambda: Thread(question=None))
    comment_count: int = 0
    now: dt.datetime = field(default_factory=timezone.now)
    open_flags: int = 0  # unresolved flags in this week (moderators only)

    @property
    def tz(self) -> Any:
        return self.access.week.seminar.tz

    @cached_property
    def base(self) -> str:
        """The week's URL; the discussion's endpoints hang below it (see discussions/urls.py).

        Templates build per-comment URLs from it instead of calling {% url %} per comment.
        """
        return self.access.week.get_absolute_url()

    @property
    def max_depth(self) -> int:
        return MAX_NEST_DEPTH

    @cached_property
    def media(self) -> Any:
        """Scripts the editors need (markdownx); render once per page."""
        return CommentForm().media

    def thread_for(self, question: Question) -> Thread | None:
        return self.threads.get(question.pk)


def week_discussion_context(access: WeekAccess, now: dt.datetime | None = None) -> dict[str, Any]:
    """Extra template context the week page needs to show its discussion: `discussion`."""
    return {"discussion": build_discussion(access, now=now)}


def build_discussion(access: WeekAccess, now: dt.datetime | None = None) -> Discussion:
    week = access.week
    now = now or timezone.now()
    questions = list(
        Question.objects.filter(section__week=week)
        .select_related("section")
        .order_by("section__position", "position")
    )
    comments = list(
        Comment.objects.filter(week=week)
        .select_related("author")
        .defer("body")
        .defer(*DEFERRED_AUTHOR_FIELDS)
    )  # Meta ordering: pinned first, then oldest first
    teams = dict(WeekDuty.objects.filter(week=week).values_list("user_id", "team"))
    staff_ids = set(
        Enrollment.objects.filter(
            seminar_id=week.seminar_id, role=Enrollment.Role.STAFF
        ).values_list("user_id", flat=True)
    )
    locks = set(ThreadLock.objects.filter(week=week).values_list("question_id", flat=True))
    drafts = load_drafts(access)
    flags = open_flag_counts(access)

    section_of = {q.pk: q.section for q in questions}
    by_id = {c.pk: c for c in comments}
    base = week.get_absolute_url()
    for comment in comments:
        decorate(comment, access, teams, staff_ids, by_id, base)
        comment.open_flags = flags.get(comment.pk, 0)
    own_sections = {
        section_of[c.question_id].pk
        for c in comments
        if c.parent_id is None
        and c.question_id in section_of
        and c.deleted_at is None
        and access.is_author(c)
    }
    top_level = attach_replies(comments, by_id)

    threads = {q.pk: Thread(question=q) for q in questions}
    general = Thread(question=None)
    for comment in top_level:
        thread = threads.get(comment.question_id) if comment.question_id else general
        if thread is not None:
            thread.comments.append(comment)
    for thread in [*threads.values(), general]:
        finish_thread(thread, access, own_sections, locks, drafts, now)
    return Discussion(
        access=access,
        threads=threads,
        general=general,
        comment_count=sum(t.count for t in [*threads.values(), general]),
        now=now,
        open_flags=sum(flags.values()),
    )


def open_flag_counts(access: WeekAccess) -> dict[int, int]:
    """Unresolved flags per comment of this week, for its moderators (one query)."""
    if not access.can_moderate:
        return {}
    counts: dict[int, int] = {}
    rows = Flag.objects.filter(comment__week=access.week, resolved_at__isnull=True)
    for comment_id in rows.values_list("comment_id", flat=True):
        counts[comment_id] = counts.get(comment_id, 0) + 1
    return counts


def load_drafts(access: WeekAccess) -> dict[int | None, str]:
    """The viewer's answer and general-comment drafts for this week, by question id."""
    if not access.can_post:
        return {}
    return dict(
        Draft.objects.filter(user=access.user, week=access.week, parent__isnull=True).values_list(
            "question_id", "body"
        )
    )


def decorate(
    comment: Comment,
    access: WeekAccess,
    teams: dict[int, str],
    staff_ids: set[int],
    by_id: dict[int, Comment],
    base: str | None = None,
) -> None:
    """Set what the comment template reads: badges, notices, what the viewer may do.

    Strings (URLs, the local time, the badges' markup) are built here once rather than by
    template filters and tags per comment: a 300-comment page renders several times faster.
    """
    author = comment.author
    base = base if base is not None else access.week.get_absolute_url()
    comment.key = str(comment.pk)
    comment.url = f"{base}c/{comment.pk}/"
    comment.author_name = author.name
    comment.author_pronouns = author.pronouns
    local = comment.created_at.astimezone(access.week.seminar.tz)
    comment.time_iso = local.isoformat(timespec="seconds")
    comment.time_text = (
        f"{local:%a %b} {local.day}, {local.hour % 12 or 12}:{local:%M %p} {local.tzname()}"
    )
    comment.children = []
    comment.level = min(comment.depth, MAX_NEST_DEPTH)  # how far it is indented
    comment.is_author_staff = author.is_superuser or author.pk in staff_ids
    comment.is_author_lead = teams.get(author.pk) == WeekDuty.Team.LEAD
    comment.is_author_blogger = teams.get(author.pk) == WeekDuty.Team.BLOG
    comment.container_id = container_of(comment, by_id)
    parent = by_id.get(comment.parent_id) if comment.parent_id else None
    comment.in_reply_to = parent.author.name if parent and comment.container_id != parent.pk else ""
    comment.notice = ""
    comment.show_body = True
    if comment.deleted_at is not None:
        comment.notice, comment.show_body = DELETED_NOTICE, False
    elif comment.is_hidden and not access.can_moderate:
        if access.is_author(comment):
            comment.notice = f"Hidden by a moderator: {comment.hidden_reason or 'no reason given'}."
        else:
            comment.notice, comment.show_body = HIDDEN_NOTICE, False
    comment.viewer_can_edit = access.can_edit(comment)
    comment.viewer_can_delete = access.can_delete(comment)
    comment.viewer_can_reply = access.can_reply and comment.deleted_at is None
    comment.viewer_is_author = access.is_author(comment)
    comment.viewer_sees_history = comment.edited_at is not None and access.can_see_history
    # Moderation (discussions/moderation_views.py): controls for this week's moderators, a
    # Flag link for members on comments they can read and did not write.
    comment.viewer_can_moderate = access.can_moderate and comment.deleted_at is None
    comment.viewer_can_flag = (
        access.can_flag
        and not access.can_moderate
        and comment.show_body
        and comment.deleted_at is None
        and not comment.viewer_is_author
    )
    comment.can_credit = not comment.is_answer
    comment.open_flags = 0
    comment.has_actions = has_actions(comment)
    comment.nests = comment.depth < MAX_NEST_DEPTH
    comment.badges = badges_html(comment, access)


def has_actions(comment: Comment) -> bool:
    """Whether the comment shows a row of actions (reply, edit, history, flag, moderate)."""
    return (
        comment.viewer_can_reply
        or comment.viewer_can_edit
        or comment.viewer_sees_history
        or comment.viewer_can_flag
        or comment.viewer_can_moderate
    )


def badges_html(comment: Comment, access: WeekAccess) -> str:
    badges = []
    if comment.is_author_staff:
        badges.append(("staff", "staff"))
    if comment.is_author_lead:
        badges.append(("lead", "lead"))
    if comment.is_author_blogger:
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


def attach_replies(comments: Iterable[Comment], by_id: dict[int, Comment]) -> list[Comment]:
    """Hang each reply under its container; return the top-level comments, in order."""
    top: list[Comment] = []
    for comment in comments:
        if comment.parent_id is None:
            top.append(comment)
        elif comment.container_id in by_id:
            by_id[comment.container_id].children.append(comment)
    return top


def count_tree(comments: Iterable[Comment]) -> int:
    return sum(1 + count_tree(c.children) for c in comments)


def finish_thread(
    thread: Thread,
    access: WeekAccess,
    own_sections: set[int],
    locks: set[int | None],
    drafts: dict[int | None, str],
    now: dt.datetime,
) -> None:
    """Apply the reveal policy, and add the posting state and the form with its draft."""
    question = thread.question
    week = access.week
    if question is not None:
        section = question.section
        if not access.can_see_answers(section, answered_section_ids=own_sections, now=now):
            mine = [c for c in thread.comments if access.is_author(c)]
            thread.withheld = len(thread.comments) - len(mine)
            thread.comments = mine
            thread.reveal_notice = REVEAL_NOTICES.get(section.reveal_policy, "")
        deadline = section.deadline or week.deadline
    else:
        deadline = week.deadline
    thread.count = count_tree(thread.comments)
    thread.thread_locked = (question.pk if question else None) in locks
    thread.locked = week.is_locked or thread.thread_locked
    thread.state = week.posting_state(now=now, deadline=deadline)
    may_post = access.can_post and (
        access.bypasses_posting_rules or (not thread.locked and thread.state != PostingState.CLOSED)
    )
    if not may_post:
        no_reply_links(thread.comments)
    if may_post:
        qid = question.pk if question else None
        thread.form = CommentForm(
            key=thread.key,
            label=answer_label(question),
            initial={"body": drafts.get(qid, "")},
            draft_url=week.get_absolute_url() + thread.draft,
        )


def no_reply_links(comments: Iterable[Comment]) -> None:
    """A thread that takes no posts (closed, locked) offers no Reply links."""
    for comment in comments:
        comment.viewer_can_reply = False
        comment.has_actions = has_actions(comment)
        no_reply_links(comment.children)


def answer_label(question: Question | None) -> str:
    if question is None:
        return "Your comment on the readings"
    return f"Your answer to question {question.number}"


def comment_for_user(access: WeekAccess, comment_id: int) -> Comment:
    """A comment of this week the viewer may see (404 otherwise), with its author."""
    comment = (
        Comment.objects.filter(week=access.week, pk=comment_id)
        .select_related("author", "question__section")
        .first()
    )
    if comment is None or not may_see(access, comment):
        raise Http404("No such comment")
    return comment


def may_see(access: WeekAccess, comment: Comment) -> bool:
    """Whether the viewer may see this comment's thread position (reveal policy applied)."""
    if not access.can_view:
        return False
    if comment.question_id is None or access.sees_all_answers:
        return True
    root = comment
    while root.parent_id is not None:
        root = Comment.objects.select_related("question__section").get(pk=root.parent_id)
    if access.is_author(root):
        return True
    section = root.question.section
    answered: set[int] = set()
    if section.reveal_policy == RevealPolicy.AFTER_OWN and access.user.is_authenticated:
        own = Comment.objects.filter(
            week=access.week,
            question__section=section,
            parent__isnull=True,
            deleted_at__isnull=True,
            author=access.user,
        )
        if own.exists():
            answered.add(section.pk)
    return access.can_see_answers(section, answered_section_ids=answered)
