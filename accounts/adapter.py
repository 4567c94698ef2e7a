"""allauth adapters: sign-up is by roster only, for email and for single sign-on.

The roster check for email sign-up lives in the form (`accounts.forms.RosterSignupForm`),
where its message can sit next to the field; sign-up itself stays open so that page is
always the same for everyone.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from accounts.models import RosterEntry, User
from accounts.roster import is_rostered


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> User:
        """A new account starts with the name staff gave on the roster, which the person
        can change in their profile."""
        user = super().save_user(request, user, form, commit=False)
        if not user.display_name:
            name = (
                RosterEntry.objects.filter(email=user.email.lower())
                .exclude(name="")
                .values_list("name", flat=True)
                .first()
            )
            user.display_name = (name or "")[: User._meta.get_field("display_name").max_length]
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A new account through a provider only for an address on some roster (anyone else
    sees account/signup_closed.html); it joins a seminar once the address is verified."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        emails = [address.email for address in sociallogin.email_addresses]
        if sociallogin.user is not None and sociallogin.user.email:
            emails.append(sociallogin.user.email)
        return any(is_rostered(email) for email in emails)
