"""Rendering one email (subject, text, HTML, headers) and its unsubscribe link.

Every email is a trio of templates in templates/notifications/ (`<name>_subject.txt`,
`<name>.txt`, `<name>.html`) extending the shared layout in templates/email/, which
names the seminar and carries the one-click unsubscribe link for the email's category.
The link holds a signed token (user and category): no login is needed to use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import Seminar
from core.timefmt import viewer_zone

UNSUBSCRIBE_SALT = "notifications.unsubscribe"

# What each category of email is called, and how the reader describes it.
CATEGORIES = {
    "reminders": "deadline and duty reminders",
    "announcements": "announcements of new weeks",
    "replies": "notices of replies to your comments",
}


def wants(user: User, category: str | None) -> bool:
    """Whether the user's preferences let an email of this category through."""
    if category is None:
        return True
    if category == "reminders":
        return user.email_reminders
    if category == "announcements":
        return user.email_announcements
    if category == "replies":
        return user.email_reply_notices != User.ReplyNotices.OFF
    raise ValueError(f"unknown email category {category!r}")


def preference_turn_off(user: User, category: str) -> bool:
    """Turn one category off for the user; False when it was already off."""
    if not wants(user, category):
        return False
    if category == "reminders":
        user.email_reminders = False
        fields = ["email_reminders"]
    elif category == "announcements":
        user.email_announcements = False
        fields = ["email_announcements"]
    else:
        user.email_reply_notices = User.ReplyNotices.OFF
        fields = ["email_reply_notices"]
    user.save(update_fields=fields)
    return True


def unsubscribe_token(user: User, category: str) -> str:
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, category) from a token, or None when it is forged or malformed."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in CATEGORIES:
        return None
    if not isinstance(data.get("u"), int):
        return None
    return data["u"], data["c"]


def unsubscribe_url(user: User, category: str) -> str:
    token = unsubscribe_token(user, category)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def render_email(
    name: str,
    *,
    recipient: User,
    seminar: Seminar,
    category: str | None,
    reason: str,
    context: dict[str, Any],
) -> RenderedEmail:
    """Render `templates/notifications/<name>*` for one recipient.

    `category` picks the unsubscribe link (and the List-Unsubscribe headers, RFC 8058);
    `reason` finishes "You get this email because …".
    """
    headers = {"Auto-Submitted": "auto-generated"}
    link = ""
    if category is not None:
        link = unsubscribe_url(recipient, category)
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Times read in the recipient's zone (their profile's, else the seminar's).
    tz = viewer_zone(recipient, seminar.tz)
    full = {
        **context,
        "tz": tz,
        "recipient": recipient,
        "seminar": seminar,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": link,
        "category_label": CATEGORIES.get(category or "", ""),
        "reason": reason,
    }
    with timezone.override(tz):
        subject = " ".join(render_to_string(f"notifications/{name}_subject.txt", full).split())
        full["subject"] = subject
        return RenderedEmail(
            subject=f"[{seminar.title}] {subject}",
            text=render_to_string(f"notifications/{name}.txt", full).strip() + "\n",
            html=render_to_string(f"notifications/{name}.html", full),
            headers=headers,
        )
