"""The header's count of unread notices ("For you")."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.inbox import unread_count


def unread_notices(request: HttpRequest) -> dict[str, object]:
    """Lazy: one indexed query when a page shows the header, none for fragments, JSON
    or logged-out visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notices": 0}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user.pk))}
