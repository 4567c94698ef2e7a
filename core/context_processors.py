"""Values every page's layout needs: the site name and the user's seminars for the switcher."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.access import may_use_admin, memberships
from core.lib.page_store import csrf_slot
from core.models import Enrollment


def _memberships(request: HttpRequest) -> list[Enrollment]:
    # The same per-request read the access checks use (core/access): no second query.
    return memberships(getattr(request, "user", AnonymousUser()))


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages that never render the switcher (fragments, JSON) pay no query.
    return {
        "SITE_NAME": "Seminar",
        "DEBUG": settings.DEBUG,
        "my_memberships": SimpleLazyObject(lambda: _memberships(request)),
        "can_use_admin": may_use_admin(getattr(request, "user", AnonymousUser())),
        **csrf_slot(request),  # a page assembled to be stored: its token's slot
    }
