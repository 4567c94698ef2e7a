"""View preconditions: resolve the seminar or week from the URL, check one capability.

    @week_view("can_moderate", "Only this week's leads and staff moderate it.")
    def lock_week(request, access): ...

The view receives the access object in place of the slugs. What the user may not see is
404 (a logged-out visitor is sent to log in instead, so an emailed link works after
login and reveals nothing); what they may see but not do is 403 with the message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from core.access.lookups import memberships, require, seminar_for_user, week_for_user
from core.access.standing import SeminarAccess, WeekAccess
from core.lib.page_store import counted

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)  # views may take a narrower request (htmx, signed in)
A = TypeVar("A", SeminarAccess, WeekAccess)
SeminarView = Callable[Concatenate[R, SeminarAccess, P], HttpResponse]
WeekView = Callable[Concatenate[R, WeekAccess, P], HttpResponse]

DEFAULT_MESSAGE = "You may not do that here."


def _checked(kind: type, capability: str | None) -> str | None:
    # A misspelt capability fails at import, not as a silent 403 in production.
    if capability is not None and not hasattr(kind, capability):
        raise AttributeError(f"{kind.__name__} has no capability {capability!r}")
    return capability


class _LogIn(Exception):
    """A logged-out visitor asked for what only members see: send them to log in."""


def _resolved(request: HttpRequest, lookup: Callable[..., A], *slugs: str) -> A:
    """`lookup(user, *slugs)`; for a logged-out visitor a 404 becomes _LogIn, so the
    page asks them to log in and reveals nothing about what exists."""
    memberships(request.user)  # one read of the viewer's enrolments, shared with the header
    try:
        return lookup(request.user, *slugs)
    except Http404:
        if request.user.is_authenticated:
            raise
        raise _LogIn from None


def _gate(
    request: HttpRequest, lookup: Callable[..., A], slugs: tuple[str, ...], capability: str | None,
    message: str, then: Callable[[A], HttpResponse],
) -> HttpResponse:  # fmt: skip
    try:
        access = _resolved(request, lookup, *slugs)
    except _LogIn:
        return redirect_to_login(request.get_full_path())
    if capability is not None:
        require(getattr(access, capability), message)
    # Templates' times read in the viewer's zone: their own, else the seminar's.
    with timezone.override(access.tz):
        return then(access)


def seminar_view(
    capability: str | None = None, message: str = DEFAULT_MESSAGE
) -> Callable[[SeminarView[R, P]], Callable[..., HttpResponse]]:
    """The view gets the SeminarAccess for `seminar_slug`; `capability` must be true."""
    _checked(SeminarAccess, capability)

    def decorator(view: SeminarView[R, P]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(
            request: R, seminar_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            return _gate(
                request, seminar_for_user, (seminar_slug,), capability, message,
                lambda access: view(request, access, *args, **kwargs),
            )  # fmt: skip

        return wrapped

    return decorator


def week_view(
    capability: str | None = None, message: str = DEFAULT_MESSAGE
) -> Callable[[WeekView[R, P]], Callable[..., HttpResponse]]:
    """The view gets the WeekAccess for `seminar_slug`/`week_slug`; `capability` must be
    true."""
    _checked(WeekAccess, capability)

    def decorator(view: WeekView[R, P]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(
            request: R, seminar_slug: str, week_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            # A GET reads the stored pages' counters first (core/lib/page_store.py): the
            # access check then reads what it needs once per value of the `site` counter.
            with counted(request):
                return _gate(
                    request, week_for_user, (seminar_slug, week_slug), capability, message,
                    lambda access: view(request, access, *args, **kwargs),
                )  # fmt: skip

        return wrapped

    return decorator
