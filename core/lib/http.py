"""Request helpers: the request type of views that answer htmx, and safe redirect targets.

django-htmx's HtmxMiddleware (seminar.settings) sets `request.htmx` on every request:
truthy for an htmx request (HX-Request: true), with the other HX-* headers as attributes
(`request.htmx.target`, ...). Views annotate their request as HtmxHttpRequest so that the
type checker knows the attribute; at run time it is the ordinary HttpRequest.

Every redirect target that comes from a request (a `next` field or parameter) goes through
`safe_next`, so no link or form can send a user to another site ("//evil.example",
"https://evil.example", "/\\evil.example") or run a script ("javascript:...").
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def is_safe_next(request: HttpRequest, target: str) -> bool:
    """True when `target` is a path on this site or a URL of this host (over https when
    the request came over https): Django's own check, as its LoginView makes it."""
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, fallback: str, *, target: str | None = None) -> str:
    """Where to redirect after an action: `target` (by default the request's `next`, from
    the POST data, else the query string) when it stays on this site, else `fallback`."""
    if target is None:
        target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_safe_next(request, target) else fallback
