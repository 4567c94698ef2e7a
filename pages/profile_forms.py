"""Forms of the profile page: name and email preferences, and the account-deletion check."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from core import timefmt


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = (
            "display_name",
            "pronouns",
            "time_zone",
            "email_reply_notices",
            "email_reminders",
            "email_announcements",
        )
        labels = {
            "display_name": "Display name",
            "pronouns": "Pronouns (optional)",
            "time_zone": "Show times in",
            "email_reply_notices": "Email me when someone replies to my comments",
            "email_reminders": "Email me reminders before deadlines and team duties",
            "email_announcements": "Email me when a new week is published",
        }
        help_texts = {
            "display_name": (
                "How classmates see you in discussions and on teams. Blank: your name on "
                "the roster, else the first part of your email address."
            ),
            "pronouns": "Shown next to your name on your profile and your comments, e.g. she/her.",
            "time_zone": (
                "Deadlines and comment times on pages, in emails and in your calendar feed "
                "are shown in this zone, and name it. Travelling? Pick where you are."
            ),
        }
        widgets = {"email_reply_notices": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every IANA zone; blank keeps each seminar's own (the default for everyone).
        self.fields["time_zone"].widget = forms.Select(
            choices=[("", "Each seminar's own time zone"), *timefmt.zone_choices()]
        )

    def clean_display_name(self) -> str:
        return " ".join(self.cleaned_data["display_name"].split())

    def clean_pronouns(self) -> str:
        return " ".join(self.cleaned_data["pronouns"].split())


class DeleteAccountForm(forms.Form):
    """The person proves it is them and that they mean it: their email, and their password
    when the account has one (accounts made through single sign-on may not)."""

    email = forms.EmailField(
        label="Type your email address to confirm",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError("This is not the email address of your account.")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your password.")
        return password
