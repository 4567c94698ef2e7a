"""The sign-up form: allauth's, refusing addresses no seminar roster lists."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms

from accounts.roster import is_rostered

NOT_ON_ROSTER = (
    "This email is not on a seminar roster — ask your instructor to add you, "
    "or use the address they invited."
)


class RosterSignupForm(SignupForm):
    """Only an email on some seminar's roster may register.

    The roster is checked before allauth's own "already registered" handling, and the
    refusal never depends on whether an account exists: an address off every roster gets
    the same message either way, and a rostered address that already has an account goes
    through allauth's enumeration-safe path (the owner is emailed, the page says
    "verification sent" as for a new account).
    """

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if not is_rostered(email):
            raise forms.ValidationError(NOT_ON_ROSTER, code="not_on_roster")
        return super().clean_email()
