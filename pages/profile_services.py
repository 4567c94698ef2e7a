"""What the profile page changes: the calendar secret, and closing an account."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import RosterEntry, User, new_calendar_token
from core.models import Enrollment, Week, WeekDuty
from discussions.models import Draft
from teams.models import TeamMembership

FORMER_MEMBER = "Former member"


def calendar_token_reset(*, user: User) -> str:
    """Give the user a new calendar secret: the old feed URL answers 404 from now on."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def former_member_email(user: User) -> str:
    """A unique address no mail can reach (.invalid is reserved, RFC 2606)."""
    return f"former-member-{user.pk}@deleted.invalid"


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Close and anonymise an account, keeping what it wrote.

    The person's comments (and blog revisions) stay in their threads, shown under the name
    "Former member"; staff can still remove them in the admin. Everything that names or
    reaches the person goes: email (replaced by an unreachable one), names, pronouns, email
    addresses and single sign-on links, seminar enrollments and roster entries, team places
    in weeks not yet held, unfinished drafts. The account can no longer log in (inactive,
    no usable password: every open session fails its auth-hash check on the next request)
    and its calendar URL stops working. Safe to run twice.
    """
    today = timezone.localdate()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Enrollment.objects.filter(user=user).delete()
    RosterEntry.objects.filter(Q(user=user) | Q(email=user.email.lower())).delete()
    TeamMembership.objects.filter(user=user).delete()
    WeekDuty.objects.filter(user=user, week__class_date__gte=today).delete()
    WeekDuty.objects.filter(user=user, week__class_date__isnull=True).exclude(
        week__status=Week.Status.PUBLISHED
    ).delete()
    Draft.objects.filter(user=user).delete()
    user.email = former_member_email(user)
    user.display_name = FORMER_MEMBER
    user.first_name = user.last_name = user.pronouns = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.email_reply_notices = User.ReplyNotices.OFF
    user.email_reminders = user.email_announcements = False
    user.calendar_token = new_calendar_token()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
