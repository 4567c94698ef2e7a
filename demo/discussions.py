"""The demo discussion: what the class has written by the time someone logs in.

`seed_demo(summary)` is called by demo.weeks.build_demo (see its docstring) inside its
transaction. It fills the open week (week 2, the imported seed week) with answers by
student1 … student12 to every question, replies and a reply to a reply, two general
comments (one by the lead, pinned), one answer endorsed by the lead, one reply credited as
substantive, one reply hidden by the lead with a reason and one answer flagged by a
classmate (an open flag for the lead's brief); and the closed week (week 1)
with a few answers, one of them posted late (after the deadline, before the cut-off).

student1 has not answered question 1 of the open week: the demo's first step is "as
student1, answer question 1" (and pasting a classmate's answer there shows the duplicate
warning). The posts themselves are data, in demo/posts/.

Idempotent: each post is looked up by (week, author, question, parent) and created only
when missing, and the moderation steps do nothing when already done; posts written in
the demo (or edited there) are left as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.models import Question, Week
from demo.posts import CLOSED_WEEK, LEAD, OPEN_WEEK, Post
from discussions import moderation
from discussions.models import Comment, Flag
from notifications.inbox import comment_notices
from notifications.models import Notice

if TYPE_CHECKING:
    from accounts.models import User
    from demo.weeks import DemoSummary

# Moderation in the open week, by lead@example.edu.
ENDORSED = "q1-camila"
PINNED = "general-lead"
CREDITED = "r-q1-camila-dev"
HIDDEN = "r-q6-blake-jonas"
HIDDEN_REASON = (
    "Please don't post working jailbreak prompts or suffixes in full, even for research "
    "discussion: describe the technique and cite the paper instead. Happy to talk about "
    "what you found in class."
)
# One open flag for the lead's brief and the flag queue: a classmate (student7) reports an
# answer to the leads.
FLAGGED = "q3-ibrahim"
FLAGGER = 7
FLAG_REASON = (
    "The part about constitutional AI reads almost word for word like the paper's "
    "section 4. Could the leads check whether it needs quotation marks?"
)


def seed_demo(summary: DemoSummary) -> None:
    """The demo discussion of the open and closed weeks (see the module docstring)."""
    people = {LEAD: summary.lead} | {n: s for n, s in enumerate(summary.students, start=1)}
    now = timezone.now()
    open_week = summary.weeks["open"]
    reference = min(now, open_week.deadline or now)  # the demo's weeks all have deadlines
    posts = seed_posts(open_week, OPEN_WEEK, people, reference=reference)
    lead = summary.lead
    live = {key: post for key, post in posts.items() if post.deleted_at is None}
    if ENDORSED in live:
        moderation.endorse(live[ENDORSED], actor=lead)
    if PINNED in live:
        moderation.pin(live[PINNED], actor=lead)
    if CREDITED in live:
        moderation.credit(live[CREDITED], actor=lead)
    if HIDDEN in live:
        moderation.hide(live[HIDDEN], actor=lead, reason=HIDDEN_REASON)
    flagger = people[FLAGGER]
    if FLAGGED in live and not Flag.objects.filter(comment=live[FLAGGED], user=flagger).exists():
        moderation.flag(live[FLAGGED], user=flagger, reason=FLAG_REASON)  # once, even resolved
    closed_week = summary.weeks["closed"]
    seed_posts(closed_week, CLOSED_WEEK, people, reference=closed_week.deadline or now)
    seed_notices([post for post in live.values() if post.parent_id is not None])


def seed_notices(replies: list[Comment]) -> None:
    """For you shows the open week's replies to their authors' comments, as if posted live
    (once per comment and person, so a second seed adds none). Their email is not due: a
    demo does not mail its students about posts it made up."""
    with transaction.atomic():  # the batch email is scheduled on commit: nothing is due by then
        for reply in replies:
            comment_notices(reply)
        Notice.objects.filter(comment__in=replies).update(email_due=False)


def seed_posts(
    week: Week, posts: tuple[Post, ...], people: dict[int, User], *, reference: dt.datetime
) -> dict[str, Comment]:
    """Create the posts that are missing, in order (parents first); return all by key."""
    questions = {q.number: q for q in Question.objects.filter(section__week=week)}
    made: dict[str, Comment] = {}
    for post in posts:
        parent = made[post.reply_to] if post.reply_to else None
        question = parent.question if parent else questions.get(str(post.question))
        if post.question is not None and question is None:
            continue  # the week file lost that question: skip rather than misplace the post
        made[post.key] = ensure_post(week, post, people[post.author], question, parent, reference)
    return made


def ensure_post(
    week: Week,
    post: Post,
    author: User,
    question: Question | None,
    parent: Comment | None,
    reference: dt.datetime,
) -> Comment:
    existing = Comment.objects.filter(
        week=week, author=author, question=question, parent=parent
    ).first()
    if existing is not None:
        return existing
    created_at = reference - dt.timedelta(hours=post.hours)
    comment = Comment.objects.create(
        week=week,
        question=question,
        parent=parent,
        author=author,
        body=post.body,
        depth=parent.depth + 1 if parent else 0,
        is_late=week.deadline is not None and created_at > week.deadline,
    )
    # created_at is auto_now_add: set the demo's own time afterwards.
    Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
    comment.created_at = created_at
    return comment
