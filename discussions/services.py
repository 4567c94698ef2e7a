"""Writing to the discussion: posting, editing, deleting, drafts.

Every rule of posting lives here (views only translate): who may post is asked of
core.access; what may be posted, where and when is checked below (when: core.posting's
window, the one the week page shows) and refused with a ValidationError whose message
tells the writer what to do. Callers keep the writer's text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.http import account
from core.access import WeekAccess, require
from core.models import PostingState, Question
from core.posting import viewer_extension, window_for
from discussions import duplicates
from discussions.events import comment_edited, comment_posted
from discussions.follow_models import follow_by_default, thread_root_id
from discussions.models import Comment, CommentRevision, Draft, ThreadLock

EMPTY = "Your comment is empty: write something before posting."
OTHER_WEEK_QUESTION = "That question belongs to another week: answer it on its own week's page."
OTHER_WEEK_PARENT = "That comment belongs to another week: reply to it on its own week's page."
DELETED_PARENT = "That comment was deleted by its author: reply in the thread instead."
WRONG_THREAD = "A reply belongs to the thread of the comment it answers."
WEEK_LOCKED = "This week's discussion is locked: no new posts are accepted."
KEY_USED = "This form was already sent from another page: reload the page, then post again."
THREAD_LOCKED = "This thread is locked by the moderators: no new posts are accepted."


def clean_body(body: str) -> str:
    """The body as typed, or a ValidationError for empty and too-long text."""
    body = body or ""
    if not body.strip():
        raise ValidationError(EMPTY, code="empty")
    limit = settings.MARKDOWN_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            f"Too long: a comment has at most {limit:,} characters and this one has "
            f"{len(body):,}. Shorten it or split it into two comments; your text is kept below.",
            code="too_long",
        )
    return body


def check_open(access: WeekAccess, question: Question | None, now: dt.datetime) -> PostingState:
    """The posting state for a new post in this thread, or a ValidationError saying why not.

    Locks are checked here; the deadline, the cut-off and the writer's extension are the
    posting window's (core.posting), the same one the week page shows."""
    week = access.week
    if access.bypasses_posting_rules:
        return PostingState.OPEN
    if week.is_locked:
        raise ValidationError(WEEK_LOCKED, code="locked")
    locks = ThreadLock.objects.filter(week=week)
    locks = locks.filter(question=question) if question else locks.filter(question__isnull=True)
    if locks.exists():
        raise ValidationError(THREAD_LOCKED, code="locked")
    section = question.section if question is not None else None
    window = window_for(access, section, viewer_extension(access))
    state = window.state(now)
    if state == PostingState.CLOSED:
        raise ValidationError(window.closed_message(access.tz), code="closed")
    return state


def check_place(access: WeekAccess, question: Question | None, parent: Comment | None) -> None:
    week = access.week
    if question is not None and question.section.week_id != week.pk:
        raise ValidationError(OTHER_WEEK_QUESTION, code="other_week")
    if parent is not None:
        if parent.week_id != week.pk:
            raise ValidationError(OTHER_WEEK_PARENT, code="other_week")
        if parent.deleted_at is not None:
            raise ValidationError(DELETED_PARENT, code="deleted")
        if question is not None and parent.question_id != question.pk:
            raise ValidationError(WRONG_THREAD, code="wrong_thread")


def posted_with_key(access: WeekAccess, submission_key: str | None) -> Comment | None:
    """The comment this user already posted with this one-time form key, if any."""
    if not submission_key or not access.user.is_authenticated:
        return None
    mine = Comment.objects.filter(author=access.user.pk, submission_key=submission_key)
    return mine.filter(week=access.week).first()


def post_comment(
    access: WeekAccess,
    question: Question | None,
    parent: Comment | None,
    body: str,
    *,
    now: dt.datetime | None = None,
    allow_duplicate: bool = True,
    submission_key: str | None = None,
) -> Comment:
    """Post an answer (question), a general comment (neither) or a reply (parent).

    Raises PermissionDenied when the user may not post in this week at all, and
    ValidationError for anything about this post (text, place, deadline, lock); with
    `allow_duplicate=False`, duplicates.NearDuplicate for an answer very similar to one
    the writer can see (until they choose "post anyway").

    With a `submission_key` (the form's one-time key) the post is stored once: a repeat,
    concurrent or after a lost response, returns the comment first stored with it.
    """
    require(access.can_post, "You may not post in this week's discussion.")
    if (existing := posted_with_key(access, submission_key)) is not None:
        return existing
    now = now or timezone.now()
    if parent is not None and question is None:
        question = parent.question
    check_place(access, question, parent)
    body = clean_body(body)
    state = check_open(access, question, now)
    if not allow_duplicate and question is not None and parent is None:
        try:
            duplicates.refuse_near_duplicate(access, question, body, now=now)
        except duplicates.NearDuplicate:
            # A concurrent twin of this very submission may have just been stored.
            if (existing := posted_with_key(access, submission_key)) is not None:
                return existing
            raise
    comment = Comment(
        week=access.week,
        question=question,
        parent=parent,
        author=account(access.user),  # can_post: a signed-in member
        body=body,
        depth=(parent.depth + 1) if parent is not None else 0,
        is_late=state == PostingState.LATE,
        submission_key=submission_key or None,
    )
    return _store(access, comment, submission_key)


def _store(access: WeekAccess, comment: Comment, submission_key: str | None) -> Comment:
    """Save the new comment, clear the writer's draft and tell the layers above; with a
    key already stored (a concurrent twin), the comment stored first."""
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the unique key decides a race
                comment.save()
        except IntegrityError:
            if (existing := posted_with_key(access, submission_key)) is not None:
                return existing
            mine = Comment.objects.filter(author=comment.author, submission_key=submission_key)
            if submission_key and mine.exists():
                raise ValidationError(KEY_USED, code="key_used") from None  # another week's
            raise
        clear_draft(access, question=comment.question, parent=comment.parent)
        follow_by_default(comment.author_id, thread_root_id(comment))
        comment_posted.send(Comment, comment=comment)  # e.g. a notice to the author replied to
    return comment


def edited_with_key(comment: Comment, submission_key: str | None) -> bool:
    """Whether this comment was already edited with this one-time form key."""
    if not submission_key:
        return False
    return CommentRevision.objects.filter(comment=comment, submission_key=submission_key).exists()


def edit_comment(
    access: WeekAccess, comment: Comment, body: str, *, submission_key: str | None = None
) -> Comment:
    """Replace the text of one's own comment, keeping the previous text as a revision.

    With a `submission_key` the edit is applied once: a repeat makes no second revision."""
    require(access.can_edit(comment), "Only the author can edit this comment.")
    body = clean_body(body)
    if body == comment.body or edited_with_key(comment, submission_key):
        return comment
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the unique key decides a race
                CommentRevision.objects.create(
                    comment=comment,
                    body=comment.body,
                    edited_by=account(access.user),
                    submission_key=submission_key or None,
                )
        except IntegrityError:
            if not edited_with_key(comment, submission_key):
                raise
            comment.refresh_from_db()
            return comment
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at", "updated_at"])
        comment_edited.send(Comment, comment=comment)  # e.g. a notice to a newly mentioned
    return comment


def delete_comment(access: WeekAccess, comment: Comment) -> Comment:
    """Soft delete: the comment stays in its thread as "deleted by author", replies kept."""
    require(access.can_delete(comment), "Only the author can delete this comment.")
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at", "updated_at"])
    return comment


# --- Drafts -------------------------------------------------------------------------------


def _draft_filter(
    access: WeekAccess, question: Question | None, parent: Comment | None
) -> dict[str, Any]:
    where: dict[str, Any] = {"user": access.user, "week": access.week}
    if parent is not None:
        where["parent"] = parent
    else:
        where.update(parent__isnull=True)
        where.update({"question": question} if question else {"question__isnull": True})
    return where


def save_draft(
    access: WeekAccess, *, question: Question | None, parent: Comment | None, body: str
) -> Draft | None:
    """Keep the unfinished text on the server; empty text removes the draft."""
    require(access.can_post, "You may not post in this week's discussion.")
    if parent is not None and question is None:
        question = parent.question
    check_place(access, question, parent)
    body = (body or "")[: settings.MARKDOWN_MAX_LENGTH * 2]  # a bound, not the posting rule
    if not body.strip():
        clear_draft(access, question=question, parent=parent)
        return None
    draft, _ = Draft.objects.update_or_create(
        **_draft_filter(access, question, parent),
        defaults={"body": body, "question": question, "parent": parent},
    )
    return draft


def load_draft(access: WeekAccess, *, question: Question | None, parent: Comment | None) -> str:
    if not access.user.is_authenticated:
        return ""
    draft = Draft.objects.filter(**_draft_filter(access, question, parent)).first()
    return draft.body if draft else ""


def clear_draft(access: WeekAccess, *, question: Question | None, parent: Comment | None) -> None:
    Draft.objects.filter(**_draft_filter(access, question, parent)).delete()
