"""Reads for the discussion on a week page, in a constant number of queries.

`week_discussion_context(access)` reads the week's questions, team, staff, locks and the
viewer's drafts in one query each, and takes the comments' markup from
discussions/page_cache.py (rendered once per change for each kind of viewer, one stamp
query per request; the viewer's own comments rendered for them): the number of queries
never depends on how many comments there are, and a repeat view renders no comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from accounts.http import account
from core.access import WeekAccess
from core.lib.page_store import by_site, by_viewer
from core.models import (
    Extension,
    PostingState,
    Question,
    QuestionSection,
    RevealPolicy,
    Week,
    WeekDuty,
)
from core.posting import viewer_extension, window_for
from core.timefmt import local_time
from discussions import assembly, page_cache
from discussions.comment_view import seminar_staff_ids
from discussions.follow_models import followed_roots
from discussions.forms import CommentForm
from discussions.models import MAX_NEST_DEPTH, Comment, Draft, Flag, ThreadLock
from discussions.page_cache import Top
from discussions.unread import ReadState, apply_read_state, read_state, to_ms

REVEAL_NOTICES: dict[str, str] = {
    RevealPolicy.AFTER_OWN: "Classmates' answers in this section show once you post your own.",
    RevealPolicy.AFTER_DEADLINE: "Classmates' answers in this section show after the deadline.",
}


@dataclass
class Thread:
    """One thread as the viewer sees it: a question's answers, or the general thread."""

    question: Question | None
    tops: list[Top] = field(default_factory=list)  # top-level comments shown, with replies
    # The comments' markup for this viewer (discussions/page_cache.py), assembled when first
    # read: a question's own page assembles its thread only.
    assemble: Callable[[], str] | None = field(default=None, repr=False)
    may_post: bool = False  # the viewer may post (and reply) in it now
    count: int = 0  # comments shown, replies included
    withheld: int = 0  # classmates' answers not shown under the reveal policy
    reveal_notice: str = ""
    locked: bool = False
    thread_locked: bool = False  # this thread's own lock (moderation), not the week's
    state: PostingState = PostingState.OPEN
    form: CommentForm | None = None
    # What's new for the viewer (discussions.unread.apply_read_state)
    new_count: int = 0
    edited_count: int = 0
    first_new: str = ""  # the key of its first new or edited comment, in page order
    seen_ids: list[int] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)  # comment id -> its read marker
    answer_count: int = 0  # top-level comments shown, deleted ones left out
    answered_by_me: bool = False  # the viewer has a live answer of their own here

    @cached_property
    def html(self) -> SafeString:
        return SafeString(self.assemble() if self.assemble is not None else "")

    @property
    def key(self) -> str:
        """Unique on the page: "q<id>" or "general"; ids are built from it."""
        return f"q{self.question.pk}" if self.question else "general"

    @property
    def action(self) -> str:
        """Where its form posts, relative to the week's URL."""
        return f"q/{self.question.pk}/answer/" if self.question else "general/comment/"

    @property
    def page(self) -> str:
        """Its own page, relative to the week's URL (the question's page; the general
        thread lives on the week page)."""
        return f"q/{self.question.pk}/" if self.question else "#thread-general"

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
    read: ReadState = field(default_factory=ReadState)  # the viewer's record (unread.py)
    sort: str = "oldest"  # a key of SORTS
    focus: Thread | None = None  # a question's own page: what's new counts this thread only
    comments: dict[int, Comment] = field(default_factory=dict)  # the week's, by id (shared)

    @property
    def all_threads(self) -> list[Thread]:
        return [self.focus] if self.focus else [*self.threads.values(), self.general]

    @property
    def sorts(self) -> list[tuple[str, str, bool]]:
        """The sort choices for the templates' links: (value, label, current)."""
        return [(value, label, value == self.sort) for value, label in SORTS.items()]

    @property
    def new_count(self) -> int:
        return sum(t.new_count for t in self.all_threads)

    @property
    def edited_count(self) -> int:
        return sum(t.edited_count for t in self.all_threads)

    @property
    def first_new(self) -> str:
        return next((t.first_new for t in self.all_threads if t.first_new), "")

    @property
    def seen_ids(self) -> str:
        """The comments the page shows, for the form that marks them read."""
        return ",".join(str(pk) for t in self.all_threads for pk in t.seen_ids)

    @property
    def last_visit_text(self) -> str:
        """When the viewer last marked this week read, as the page shows times."""
        return local_time(self.read.last_visit, self.tz)[1] if self.read.last_visit else ""

    @property
    def drawn_at(self) -> int:
        """When the page was drawn (ms): what was read is the comments as they were then."""
        return to_ms(self.now)

    @property
    def tz(self) -> Any:
        return self.access.tz

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


def week_discussion_context(
    access: WeekAccess,
    now: dt.datetime | None = None,
    sort: str = "oldest",
    questions: list[Question] | None = None,
    teams: dict[int, str] | None = None,
) -> dict[str, Any]:
    """Extra template context the week page needs to show its discussion: `discussion`.
    `questions` (the week's, with their sections, in page order) and `teams` (the week's
    duties: user id -> "lead" or "blog"), if the caller read them already."""
    discussion = build_discussion(access, now=now, sort=sort, questions=questions, teams=teams)
    return {"discussion": discussion}


def build_discussion(
    access: WeekAccess,
    now: dt.datetime | None = None,
    sort: str = "oldest",
    questions: list[Question] | None = None,
    teams: dict[int, str] | None = None,
) -> Discussion:
    """The viewer's threads: stored fragments (discussions/page_cache.py) put together with
    the viewer's own comments and read markers, under the reveal policy and posting window
    of this request, in the order `sort` asks. `questions` as week_discussion_context."""
    week = access.week
    now = now or timezone.now()
    questions = week_questions(week) if questions is None else questions
    if teams is None:
        teams = dict(WeekDuty.objects.filter(week=week).values_list("user_id", "team"))
    staff_ids = by_site(("staff", week.seminar_id), lambda: seminar_staff_ids(week.seminar_id))
    locks = set(ThreadLock.objects.filter(week=week).values_list("question_id", flat=True))
    uid = access.seminar_access.user_id
    drafts = by_viewer(("drafts", week.pk, uid), lambda: load_drafts(access))
    flags = open_flag_counts(access)
    stored = page_cache.week_comments(access, teams, staff_ids, access.tz)  # the viewer's zone
    # Follows change in the follower's own requests (a comment deleted for good takes its
    # follows along, but then it is not on the page either): kept per the viewer's counter.
    follows = by_viewer(("follows", week.pk, uid), lambda: viewer_follows(access))
    assembler = assembly.Assembler(
        access, stored, teams, staff_ids, flags, week.get_absolute_url(), follows
    )
    own_sections = answered_sections(access, [q.section for q in questions])
    # Once per page: every thread's window reads it.
    extension = by_site(("extension", week.pk, uid), lambda: viewer_extension(access))

    threads = {q.pk: Thread(question=q) for q in questions}
    general = Thread(question=None)
    for thread in [*threads.values(), general]:
        tops = stored.tops.get(thread.question.pk if thread.question else None, [])
        finish_thread(thread, access, own_sections, locks, drafts, now, extension, tops=tops)
        sort_thread(thread, sort)
    read = by_viewer(("read-state", week.pk, uid), lambda: read_state(access))
    threads_in_order = [*threads.values(), general]
    apply_read_state(threads_in_order, stored.by_id, read, access)
    for thread in threads_in_order:
        live = [top for top in thread.tops if stored.by_id[top.pk].deleted_at is None]
        thread.answer_count = len(live)
        thread.answered_by_me = any(uid is not None and top.author_id == uid for top in live)
        thread.assemble = partial(assembler.html, thread.tops, thread.may_post, thread.statuses)
    return Discussion(
        access=access,
        threads=threads,
        general=general,
        comment_count=sum(t.count for t in [*threads.values(), general]),
        now=now,
        open_flags=sum(flags.values()),
        read=read,
        sort=sort if sort in SORTS else "oldest",
        comments=stored.by_id,
    )


def week_questions(week: Week) -> list[Question]:
    """The week's questions with their sections, in page order (one query)."""
    return list(
        Question.objects.filter(section__week=week)
        .select_related("section")
        .order_by("section__position", "position")
    )


SORTS = {"oldest": "Oldest first", "newest": "Newest first", "replies": "Most replied"}


def sort_thread(thread: Thread, sort: str) -> None:
    """Order a thread's top-level comments: oldest first (the default), newest first or
    most replied; pinned comments stay on top."""
    if sort == "newest":
        thread.tops.reverse()  # stored oldest first; pinned ones now last
    elif sort == "replies":
        thread.tops.sort(key=lambda top: -top.count)
    else:
        return
    thread.tops.sort(key=lambda top: not top.pinned)  # stable: keeps the order above


def viewer_follows(access: WeekAccess) -> set[int] | None:
    """The threads (top-level comments) of the week the viewer follows, one query; None
    for those who may not follow (no buttons)."""
    if not access.can_flag:  # the members who may flag a comment may follow
        return None
    return followed_roots(access.seminar_access.user_id, access.week.pk)


def answered_sections(access: WeekAccess, sections: Iterable[QuestionSection]) -> set[int]:
    """The sections where the viewer has answered (Comment.objects.answered_section_ids),
    asked only when the reveal policy of one of `sections` depends on it."""
    if access.sees_all_answers or not access.user.is_authenticated:
        return set()
    if all(section.reveal_policy != RevealPolicy.AFTER_OWN for section in sections):
        return set()
    return Comment.objects.answered_section_ids(access.user, access.week)


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
        Draft.objects.filter(
            user=account(access.user), week=access.week, parent__isnull=True
        ).values_list("question_id", "body")
    )


def finish_thread(
    thread: Thread,
    access: WeekAccess,
    own_sections: set[int],
    locks: Collection[int | None],
    drafts: dict[int | None, str],
    now: dt.datetime,
    extension: Extension | None = None,
    *,
    tops: list[Top],
) -> None:
    """Apply the reveal policy to the thread's top-level comments `tops`, and add the
    posting state and the form with its draft.

    The state is the viewer's posting window (core.posting, moved by their `extension`),
    the same one the posting service enforces."""
    question = thread.question
    week = access.week
    section = question.section if question is not None else None
    thread.tops = list(tops)  # sorted per viewer: never the stored list itself
    if section is not None and not access.can_see_answers(
        section, answered_section_ids=own_sections, now=now
    ):
        uid = access.seminar_access.user_id
        thread.tops = [top for top in tops if uid is not None and top.author_id == uid]
        thread.withheld = len(tops) - len(thread.tops)
        thread.reveal_notice = REVEAL_NOTICES.get(section.reveal_policy, "")
    thread.count = sum(top.count for top in thread.tops)
    thread.thread_locked = (question.pk if question else None) in locks
    thread.locked = week.is_locked or thread.thread_locked
    thread.state = window_for(access, section, extension).state(now)
    thread.may_post = access.can_post and (
        access.bypasses_posting_rules or (not thread.locked and thread.state != PostingState.CLOSED)
    )
    if thread.may_post:
        qid = question.pk if question else None
        thread.form = CommentForm(
            key=thread.key,
            label=answer_label(question),
            initial={"body": drafts.get(qid, "")},
            draft_url=week.get_absolute_url() + thread.draft,
        )


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


def may_see(
    access: WeekAccess, comment: Comment, root: Comment | None = None, mine: set[int] | None = None
) -> bool:
    """Whether the viewer may see this comment's thread position (reveal policy applied).
    `root` (thread_root) and `mine` (the viewer's answered sections) when known."""
    if not access.can_view:
        return False
    if comment.question_id is None or access.sees_all_answers:
        return True
    root = thread_root(comment) if root is None else root
    if access.is_author(root):
        return True
    assert root.question is not None  # the root of a thread with a question
    section = root.question.section
    mine = answered_sections(access, [section]) if mine is None else mine
    return access.can_see_answers(section, answered_section_ids=mine)


def thread_root(comment: Comment) -> Comment:
    """The top-level comment of the comment's thread, with its question's section."""
    while comment.parent_id is not None:
        comment = Comment.objects.select_related("question__section").get(pk=comment.parent_id)
    return comment
