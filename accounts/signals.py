"""Attach people to their seminars once their address is proven theirs."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User
from accounts.roster import attach_user


@receiver(email_confirmed, dispatch_uid="accounts.attach_on_email_confirmed")
def attach_on_email_confirmed(
    request: HttpRequest | None, email_address: EmailAddress, **kwargs: Any
) -> None:
    """The owner of a rostered address confirmed it: enroll them where it is listed."""
    attach_user(email_address.user, email_address.email)


@receiver(user_signed_up, dispatch_uid="accounts.attach_on_signup")
def attach_on_signup(request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A sign-up whose address is already verified (a provider vouched for it) needs no
    confirmation step: enroll right away. Unverified sign-ups wait for email_confirmed."""
    for address in EmailAddress.objects.filter(user=user, verified=True):
        attach_user(user, address.email)
