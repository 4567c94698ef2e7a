"""allauth adapters: sign-up is by roster only, for email and for single sign-on."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from accounts.roster import is_rostered


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up stays open (the form refuses addresses off every roster, see
    `accounts.forms.RosterSignupForm`), unless no seminar has a roster at all."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        from accounts.models import RosterEntry

        return RosterEntry.objects.exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A new account through a provider only for an address on some roster; the provider
    must vouch for it (verified) before it attaches the user to a seminar."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return any(is_rostered(address.email) for address in sociallogin.email_addresses) or (
            bool(sociallogin.user.email) and is_rostered(sociallogin.user.email)
        )
