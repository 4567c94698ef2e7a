"""The lead's brief: what needs attention in one week's discussion, for its lead team and
staff (the page under /w/<week>/brief/, and the short version in the lead-duty email).

`week_brief(week)` reads the week in five queries whatever the number of comments or
students: its questions, its comments, its students, its duties and its open flags.

What counts:
- a post is a live comment (not deleted by its author, not hidden by a moderator); an
  answer is a post at the top of a question's thread, a reply any post below one;
- a question is *unanswered* with no answer, and *quiet* when it has answers but nobody
  posted in its thread for QUIET_AFTER;
- a thread without a reply is an answer with no live reply under it, oldest first (it has
  waited the longest);
- a student has not posted yet when enrolled as a student, owing posts this week (not on
  its lead or blogging team: core.exemption decides) and with no post at all this week;
  and has not answered in a section with no answer to any of its questions (replies
  credited in their place are participation's rule: its week list shows them);
- an open flag is one nobody resolved, on a comment of this week (hidden ones included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import unescape

from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import User
from core.exemption import is_exempt
from core.models import Enrollment, Question, QuestionSection, Week, WeekDuty
from discussions.models import Comment, Flag

RECENT = dt.timedelta(hours=24)  # "new": posted within the last 24 hours
QUIET_AFTER = dt.timedelta(hours=48)  # a question with answers and no post for this long
TOP = 3  # items of each list the email shows


@dataclass
class QuestionRow:
    """One question's thread (or the general thread, `question` None) in figures."""

    question: Question | None
    anchor: str  # the fragment of the week page it links to
    answers: int = 0
    replies: int = 0
    new: int = 0  # answers and replies posted within RECENT
    last_post: dt.datetime | None = None

    @property
    def label(self) -> str:
        return f"Question {self.question.number}" if self.question else "General discussion"

    @property
    def posts(self) -> int:
        return self.answers + self.replies

    @property
    def text(self) -> str:
        """The question as plain text, to show beside its label."""
        return plain_text(self.question.body_html) if self.question else ""

    @property
    def section_id(self) -> int | None:
        return self.question.section_id if self.question else None

    def quiet_since(self, since: dt.datetime) -> bool:
        """Nobody posted in this thread after `since`."""
        return self.last_post is not None and self.last_post < since


@dataclass(frozen=True)
class Thread:
    """An answer nobody replied to, with the question it answers."""

    answer: Comment
    row: QuestionRow

    @property
    def text(self) -> str:
        return plain_text(self.answer.body_html)


@dataclass(frozen=True)
class SectionGap:
    """The students owing posts who have not answered any question of one section yet."""

    section: QuestionSection
    anchor: str
    students: list[User]

    @property
    def label(self) -> str:
        day = f"{self.section.day_label}: " if self.section.day_label else ""
        return f"{day}{self.section.title}"


@dataclass
class Brief:
    week: Week
    now: dt.datetime
    questions: list[QuestionRow]  # every question in page order
    general: QuestionRow  # the week's general thread
    unanswered: list[QuestionRow]
    quiet: list[QuestionRow]
    without_reply: list[Thread]  # answers nobody replied to, oldest first
    not_posted: list[User]  # students owing posts who have posted nothing, by name
    not_answered: list[SectionGap]  # per section, students owing posts with no answer there
    students_owing: int  # students who owe posts this week (not exempt)
    flags: list[Flag]  # unresolved, oldest first
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def needs_attention(self) -> int:
        """How many items the brief lists for the leads to act on."""
        return len(self.unanswered) + len(self.quiet) + len(self.without_reply) + len(self.flags)


def plain_text(html: str) -> str:
    """Rendered markdown as plain text (the template escapes it again)."""
    return unescape(strip_tags(html)).strip()


def week_brief(week: Week, *, now: dt.datetime | None = None) -> Brief:
    """The brief of `week` as it stands at `now` (five queries)."""
    now = now or timezone.now()
    questions = list(
        Question.objects.filter(section__week=week)
        .select_related("section")
        .order_by("section__position", "position")
    )
    rows = {q.pk: QuestionRow(question=q, anchor=f"question-{q.pk}") for q in questions}
    general = QuestionRow(question=None, anchor="thread-general")
    posts = _posts(week)
    _count(posts, rows, general, now)
    ordered = [rows[q.pk] for q in questions]
    answers = [post for post in posts if post.parent_id is None and post.question_id in rows]
    thread = {answer.pk: rows[answer.question_id or 0] for answer in answers}
    replied = {post.parent_id for post in posts if post.parent_id is not None}
    owing = _students_owing(week)
    posted_by = {post.author_id for post in posts}
    answered = {(thread[a.pk].section_id, a.author_id) for a in answers}
    sections = list({q.section_id: q.section for q in questions}.values())
    return Brief(
        week=week,
        now=now,
        questions=ordered,
        general=general,
        unanswered=[row for row in ordered if row.answers == 0],
        quiet=[row for row in ordered if row.answers and row.quiet_since(now - QUIET_AFTER)],
        without_reply=[Thread(answer=a, row=thread[a.pk]) for a in answers if a.pk not in replied],
        not_posted=[user for user in owing if user.pk not in posted_by],
        not_answered=[
            SectionGap(
                section=section,
                anchor=f"section-{section.position}",
                students=[user for user in owing if (section.pk, user.pk) not in answered],
            )
            for section in sections
        ],
        students_owing=len(owing),
        flags=_open_flags(week),
        totals={
            "answers": sum(row.answers for row in ordered),
            "replies": sum(row.replies for row in ordered) + general.posts,
            "new": sum(row.new for row in ordered) + general.new,
        },
    )


def _posts(week: Week) -> list[Comment]:
    """The week's posts (live, not hidden) with their authors' names, oldest first."""
    posts = list(
        Comment.objects.public()
        .filter(week=week)
        .select_related("author")
        .only(
            "id", "week_id", "question_id", "parent_id", "created_at", "body_html",
            "author__id", "author__email", "author__display_name",
            "author__first_name", "author__last_name",
        )
        .order_by("created_at", "id")
    )  # fmt: skip
    for post in posts:
        post.week = week  # get_absolute_url without a query
    return posts


def _count(
    posts: list[Comment], rows: dict[int, QuestionRow], general: QuestionRow, now: dt.datetime
) -> None:
    """Add each post to its question's row (or the general thread's)."""
    for post in posts:
        row = rows.get(post.question_id or 0, general)
        if post.parent_id is None and post.question_id is not None:
            row.answers += 1
        else:
            row.replies += 1
        row.new += post.created_at >= now - RECENT
        row.last_post = post.created_at


def _students_owing(week: Week) -> list[User]:
    """The active students who owe posts this week (core.exemption: not on its lead or
    blogging team), by name (two queries)."""
    teams = dict(WeekDuty.objects.filter(week=week).values_list("user_id", "team"))
    students = [
        enrollment.user
        for enrollment in Enrollment.objects.filter(
            seminar_id=week.seminar_id, role=Enrollment.Role.STUDENT, user__is_active=True
        ).select_related("user")
        if not is_exempt(enrollment.role, teams.get(enrollment.user_id))
    ]
    students.sort(key=lambda user: (user.name.casefold(), user.email))
    return students


def _open_flags(week: Week) -> list[Flag]:
    flags = list(
        Flag.objects.filter(comment__week=week, resolved_at__isnull=True)
        .select_related("comment__author", "user")
        .order_by("created_at", "id")
    )
    for flag in flags:
        flag.comment.week = week
    return flags
