"""Values every page's layout needs: the site name and the user's seminars for the switcher."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.access import may_use_admin
from core.models import Enrollment


def _memberships(request: HttpRequest) -> list[Enrollment]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(
        Enrollment.objects.filter(user_id=user.pk)
        .select_related("seminar")
        .order_by("-seminar__created_at", "seminar__title")
    )


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages that never render the switcher (fragments, JSON) pay no query.
    return {
        "SITE_NAME": "Seminar",
        "DEBUG": settings.DEBUG,
        "my_memberships": SimpleLazyObject(lambda: _memberships(request)),
        "can_use_admin": may_use_admin(getattr(request, "user", AnonymousUser())),
    }
