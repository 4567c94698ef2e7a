"""Moderating a week's discussion: hide, pin, endorse, credit, lock, flag.

Each function changes one thing and writes it to the moderation log (ModerationAction:
who, what, when, why) in the same transaction. Nothing here asks who may do it: views ask
core.access (WeekAccess.can_moderate, can_flag) first. What may not be done to the
object itself (crediting an answer, hiding without a reason, a question of another week)
raises ValidationError with a message meant for the person who tried.

Asking for the state a thing is already in (pinning a pinned comment) changes nothing and
logs nothing; hiding a hidden comment with a new reason updates the reason and logs it.

Flags are reports by members, not moderation: a flag is recorded as a Flag row (who,
when, why); resolving it is moderation and is logged (FLAG_RESOLVE).

The log has no column saying "the whole week" for locks: a lock of the week's general
thread and a lock of the whole week both have no question, so week locks are logged with
reasons starting with WEEK_SCOPE.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.models import Question, Week
from discussions.events import comment_moderated
from discussions.models import Comment, Flag, ModerationAction, ThreadLock

Action = ModerationAction.Action

REASON_REQUIRED = "Give a reason for hiding this comment: its author will see it."
FLAG_REASON_REQUIRED = "Say what is wrong with this comment: the moderators read your reason."
ANSWERS_NOT_CREDITED = (
    "Only replies and general comments can be credited as substantive: "
    "an answer to a question already counts for its section."
)
DELETED_NOT_CREDITED = "A comment deleted by its author cannot be credited."
OTHER_WEEK_QUESTION = "That question belongs to another week."
REASON_MAX = 1000
WEEK_SCOPE = "[whole week]"


def _reason(reason: str | None) -> str:
    return (reason or "").strip()[:REASON_MAX]


def log(
    week: Week,
    action: str,
    *,
    actor: User | None,
    comment: Comment | None = None,
    question: Question | None = None,
    reason: str = "",
) -> ModerationAction:
    """Write one line of the moderation log."""
    return ModerationAction.objects.create(
        week=week, comment=comment, question=question, actor=actor, action=action, reason=reason
    )


def _log_comment(comment: Comment, action: str, actor: User, reason: str = "") -> None:
    """Log an action on a comment and tell the layers above (e.g. a notice to its author)."""
    row = log(
        comment.week,
        action,
        actor=actor,
        comment=comment,
        question=comment.question,
        reason=reason,
    )
    comment_moderated.send(Comment, comment=comment, action=action, actor=actor, log=row)


# --- Comments ---------------------------------------------------------------------------


def hide(comment: Comment, *, actor: User, reason: str) -> Comment:
    """Hide a comment from everyone but its author (who sees the reason) and moderators."""
    reason = _reason(reason)
    if not reason:
        raise ValidationError(REASON_REQUIRED, code="reason_required")
    if comment.is_hidden and comment.hidden_reason == reason:
        return comment
    comment.is_hidden = True
    comment.hidden_reason = reason
    comment.hidden_by = actor
    comment.hidden_at = timezone.now()
    with transaction.atomic():
        comment.save(
            update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"]
        )
        _log_comment(comment, Action.HIDE, actor, reason)
    return comment


def unhide(comment: Comment, *, actor: User) -> Comment:
    if not comment.is_hidden:
        return comment
    comment.is_hidden = False
    comment.hidden_reason = ""
    comment.hidden_by = None
    comment.hidden_at = None
    with transaction.atomic():
        comment.save(
            update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"]
        )
        _log_comment(comment, Action.UNHIDE, actor)
    return comment


def _set_pinned(comment: Comment, value: bool, actor: User) -> Comment:
    if comment.is_pinned == value:
        return comment
    comment.is_pinned = value
    with transaction.atomic():
        comment.save(update_fields=["is_pinned", "updated_at"])
        _log_comment(comment, Action.PIN if value else Action.UNPIN, actor)
    return comment


def pin(comment: Comment, *, actor: User) -> Comment:
    """Pinned comments show first in their thread (or reply list)."""
    return _set_pinned(comment, True, actor)


def unpin(comment: Comment, *, actor: User) -> Comment:
    return _set_pinned(comment, False, actor)


def endorse(comment: Comment, *, actor: User) -> Comment:
    if comment.is_endorsed:
        return comment
    comment.is_endorsed = True
    comment.endorsed_by = actor
    comment.endorsed_at = timezone.now()
    with transaction.atomic():
        comment.save(update_fields=["is_endorsed", "endorsed_by", "endorsed_at", "updated_at"])
        _log_comment(comment, Action.ENDORSE, actor)
    return comment


def unendorse(comment: Comment, *, actor: User) -> Comment:
    if not comment.is_endorsed:
        return comment
    comment.is_endorsed = False
    comment.endorsed_by = None
    comment.endorsed_at = None
    with transaction.atomic():
        comment.save(update_fields=["is_endorsed", "endorsed_by", "endorsed_at", "updated_at"])
        _log_comment(comment, Action.UNENDORSE, actor)
    return comment


def credit(comment: Comment, *, actor: User) -> Comment:
    """Credit a reply or general comment as substantive (it then counts for the weekly rule)."""
    if comment.is_answer:
        raise ValidationError(ANSWERS_NOT_CREDITED, code="answer")
    if comment.deleted_at is not None:
        raise ValidationError(DELETED_NOT_CREDITED, code="deleted")
    if comment.credited_substantive:
        return comment
    comment.credited_substantive = True
    comment.credited_by = actor
    comment.credited_at = timezone.now()
    with transaction.atomic():
        comment.save(
            update_fields=["credited_substantive", "credited_by", "credited_at", "updated_at"]
        )
        _log_comment(comment, Action.CREDIT, actor)
    return comment


def uncredit(comment: Comment, *, actor: User) -> Comment:
    if not comment.credited_substantive:
        return comment
    comment.credited_substantive = False
    comment.credited_by = None
    comment.credited_at = None
    with transaction.atomic():
        comment.save(
            update_fields=["credited_substantive", "credited_by", "credited_at", "updated_at"]
        )
        _log_comment(comment, Action.UNCREDIT, actor)
    return comment


# --- Threads and the week ----------------------------------------------------------------


def _check_question(week: Week, question: Question | None) -> None:
    if question is not None and question.section.week_id != week.pk:
        raise ValidationError(OTHER_WEEK_QUESTION, code="other_week")


def thread_lock(week: Week, question: Question | None) -> ThreadLock | None:
    locks = ThreadLock.objects.filter(week=week)
    locks = locks.filter(question=question) if question else locks.filter(question__isnull=True)
    return locks.first()


def lock_thread(
    week: Week, question: Question | None, *, actor: User, reason: str = ""
) -> ThreadLock:
    """Lock a question's thread (or, question None, the week's general thread)."""
    _check_question(week, question)
    reason = _reason(reason)
    existing = thread_lock(week, question)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            lock = ThreadLock.objects.create(
                week=week, question=question, locked_by=actor, reason=reason
            )
            log(week, Action.LOCK, actor=actor, question=question, reason=reason)
    except IntegrityError:  # locked by someone else at the same moment
        existing = thread_lock(week, question)
        if existing is None:
            raise
        return existing
    return lock


def unlock_thread(week: Week, question: Question | None, *, actor: User) -> None:
    _check_question(week, question)
    lock = thread_lock(week, question)
    if lock is None:
        return
    with transaction.atomic():
        lock.delete()
        log(week, Action.UNLOCK, actor=actor, question=question)


def lock_week(week: Week, *, actor: User, reason: str = "") -> Week:
    """Lock every thread of the week: no new posts (staff excepted)."""
    if week.is_locked:
        return week
    week.is_locked = True
    with transaction.atomic():
        week.save(update_fields=["is_locked", "updated_at"])
        log(week, Action.LOCK, actor=actor, reason=f"{WEEK_SCOPE} {_reason(reason)}".strip())
    return week


def unlock_week(week: Week, *, actor: User) -> Week:
    if not week.is_locked:
        return week
    week.is_locked = False
    with transaction.atomic():
        week.save(update_fields=["is_locked", "updated_at"])
        log(week, Action.UNLOCK, actor=actor, reason=WEEK_SCOPE)
    return week


# --- Flags -------------------------------------------------------------------------------


def flag(comment: Comment, *, user: User, reason: str, submission_key: str | None = None) -> Flag:
    """A member reports a comment to the week's leads and staff (one open flag per member
    and comment: flagging again updates the reason). A repeat of a `submission_key` (the
    form's one-time key) returns the flag it made, even once resolved."""
    if submission_key:
        sent = Flag.objects.filter(user=user, submission_key=submission_key).first()
        if sent is not None:
            return sent
    reason = _reason(reason)
    if not reason:
        raise ValidationError(FLAG_REASON_REQUIRED, code="reason_required")
    open_flag = Flag.objects.filter(comment=comment, user=user, resolved_at__isnull=True).first()
    if open_flag is not None:
        if open_flag.reason != reason:
            open_flag.reason = reason
            open_flag.save(update_fields=["reason"])
        return open_flag
    try:
        with transaction.atomic():
            return Flag.objects.create(
                comment=comment, user=user, reason=reason, submission_key=submission_key or None
            )
    except IntegrityError:  # the same member flagged twice at once
        if submission_key:
            sent = Flag.objects.filter(user=user, submission_key=submission_key).first()
            if sent is not None:
                return sent
        return Flag.objects.get(comment=comment, user=user, resolved_at__isnull=True)


def resolve_flag(flag: Flag, *, actor: User, reason: str = "") -> Flag:
    """Take a flag off the queue (whatever was done about the comment is logged apart)."""
    if flag.resolved_at is not None:
        return flag
    comment = flag.comment
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    note = _reason(reason) or f"Flag by {flag.user.name}: {flag.reason}"[:REASON_MAX]
    with transaction.atomic():
        flag.save(update_fields=["resolved_at", "resolved_by"])
        log(
            comment.week,
            Action.FLAG_RESOLVE,
            actor=actor,
            comment=comment,
            question=comment.question,
            reason=note,
        )
    return flag


def resolve_flags(comment: Comment, *, actor: User) -> int:
    """Resolve every open flag on a comment; how many were open."""
    flags = list(
        Flag.objects.filter(comment=comment, resolved_at__isnull=True).select_related("user")
    )
    for item in flags:
        item.comment = comment
        resolve_flag(item, actor=actor)
    return len(flags)
