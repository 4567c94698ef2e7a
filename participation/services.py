"""Staff and leads' writes: overrides, extensions, credit and dismissal, the nudge."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.hooks import mailer
from core.models import Extension, Week
from discussions import moderation
from discussions.models import Comment
from participation.models import CreditDismissal, StatusOverride


def set_override(week: Week, user: User, *, state: str, note: str, actor: User) -> StatusOverride:
    """A new override row (blank state clears); older rows stay as the history."""
    return StatusOverride.objects.create(
        week=week, user=user, state=state, note=note.strip(), set_by=actor
    )


def grant_extension(
    week: Week,
    user: User,
    *,
    deadline: dt.datetime,
    cutoff: dt.datetime | None,
    note: str,
    actor: User,
) -> Extension:
    extension, _ = Extension.objects.update_or_create(
        week=week,
        user=user,
        defaults={
            "deadline": deadline,
            "cutoff": cutoff,
            "note": note.strip(),
            "granted_by": actor,
            "granted_at": timezone.now(),
        },
    )
    return extension


def remove_extension(week: Week, user: User) -> bool:
    return Extension.objects.filter(week=week, user=user).delete()[0] > 0


def credit(comment: Comment, *, actor: User) -> Comment:
    """Credit as substantive through the moderation services (logged there)."""
    with transaction.atomic():
        CreditDismissal.objects.filter(comment=comment).delete()
        return moderation.credit(comment, actor=actor)


def dismiss(comment: Comment, *, actor: User) -> CreditDismissal:
    """Not substantive: out of the queue (it may still be credited later)."""
    dismissal, _ = CreditDismissal.objects.get_or_create(
        comment=comment, defaults={"dismissed_by": actor}
    )
    return dismissal


def undismiss(comment: Comment) -> None:
    CreditDismissal.objects.filter(comment=comment).delete()


def nudge(week: Week, *, actor: User) -> int:
    """Email every student who still owes a post, through the reminder outbox; returns how
    many emails were queued (the mail layer decides who wants them)."""
    return mailer().nudge(week, actor)
