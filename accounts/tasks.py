"""Background jobs of the accounts app: roster invitations."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import RosterEntry

log = logging.getLogger(__name__)


def invitation_message(entry: RosterEntry) -> EmailMessage:
    context = {
        "entry": entry,
        "seminar": entry.seminar,
        "signup_url": settings.SITE_URL + reverse("account_signup"),
        "login_url": settings.SITE_URL + reverse("account_login"),
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context)
    body = render_to_string("accounts/email/invitation_message.txt", context)
    return EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        to=[entry.email],
    )


def _claim(entry_id: int, *, resend: bool) -> RosterEntry | None:
    """Mark one entry invited now and return it — or None when it needs no invitation
    (it has an account, or was invited already and this is not a re-send). The claim is a
    conditional UPDATE, so two workers never both send the same first invitation."""
    entries = RosterEntry.objects.filter(pk=entry_id, user__isnull=True)
    if not resend:
        entries = entries.filter(invited_at__isnull=True)
    entry = entries.select_related("seminar").first()
    if entry is None or not entries.filter(invited_at=entry.invited_at).update(
        invited_at=timezone.now()
    ):
        return None
    return entry


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitations(entry_ids: list[int], resend: bool = False) -> int:
    """Email an invitation to register to each roster entry without an account, once
    (again only with `resend`). Returns how many were sent. A failed send un-marks its
    entry before the error propagates, so the retry sends it."""
    sent = 0
    for entry_id in entry_ids:
        with transaction.atomic():
            entry = _claim(entry_id, resend=resend)
            if entry is None:
                continue
            # Inside the transaction: if sending fails the claim rolls back with it.
            invitation_message(entry).send()
        sent += 1
    log.info("sent %d roster invitation(s) of %d asked", sent, len(entry_ids))
    return sent
