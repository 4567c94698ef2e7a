"""Times in the viewer's zone (core.timefmt): every request renders in the zone the user
chose on their profile, else the site's default. Seminar and week views narrow it to the
access object's zone (the user's, else the seminar's: core.access.decorators)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.lib.page_writes import acting_user
from core.timefmt import viewer_zone


class ViewerZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        own = user if user is not None and user.is_authenticated else None
        # acting_user: what the request writes to its user's own rows moves their counter
        # of stored pages only (core/lib/page_store.py).
        with (
            timezone.override(viewer_zone(own, settings.TIME_ZONE)),
            acting_user(own.pk if own is not None else None),
        ):
            return self.get_response(request)
