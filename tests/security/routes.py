"""Every URL pattern of the site, from the URL resolver, and a way to fill its kwargs.

`site_routes()` walks `get_resolver().url_patterns` recursively, so a route an app adds
later is tried as soon as it exists. `Route.url(values)` fills the kwargs by name (with
per-route overrides for names that mean different things in different places, like
`token`); a kwarg nobody knows is reported by `Route.missing(values)`, and the tests fail
on it instead of silently trying fewer URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Converter syntax (`<int:comment_id>`) and regex groups (`(?P<key>...)`, allauth's).
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "s/<slug:seminar_slug>/w/<slug:week_slug>/c/<int:comment_id>/"
    name: str  # namespaced, e.g. "discussions:detail"; "?" when the pattern has none

    @property
    def kwargs(self) -> list[str]:
        return [m["name"] or m["group"] for m in PLACEHOLDER.finditer(self.route)]

    def missing(self, values: dict[str, str]) -> list[str]:
        return [name for name in self.kwargs if name not in values]

    def url(self, values: dict[str, str]) -> str:
        filled = PLACEHOLDER.sub(lambda m: values[m["name"] or m["group"]], self.route)
        return "/" + filled.replace("^", "").replace("$", "")


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            yield Route(route=route, name=f"{namespace}{entry.name or '?'}")


def site_routes() -> list[Route]:
    """Every route of the site, once each, in the resolver's order."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.route, route)
    return list(seen.values())


def is_under(route: Route, prefixes: dict[str, str]) -> bool:
    return any(route.route.startswith(prefix) for prefix in prefixes)
