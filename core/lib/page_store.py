"""Stored pages: a repeat view of the week page answered from the page as assembled before.

The week page a viewer gets is a function of the database, the viewer, the URL and the
minute (deadlines and "in 3 hours" are written to the minute). So the page assembled for a
viewer is kept (per server process, an LRU bounded in bytes) under a key made of:

- the URL (path and query) and the viewer (user id, session's CSRF secret, time zone);
- the counter `site` (core.page_models.PageGeneration), which moves after every committed
  write to any table but the few below, whoever makes it, however it is made: a model's
  save, a queryset's update() or bulk_create, raw SQL, the admin, a Celery task. Writes are
  seen on the database connection itself (core/lib/page_writes.py: an execute wrapper
  reading each statement's verb and table), not through signals, which bulk writes skip;
- the counter `user:<id>`, which moves after writes to what only that user's own pages
  show: their read marks, drafts and follows (written in their own requests). So one
  student marking a week read does not throw away everyone's stored pages;
- the current minute.

A request then costs one query for the counters (read first, before the access check,
whose reads are kept per value of `site` like the page's own: `counted`, `by_site`), the
access check and the copy of the stored bytes, with what must differ in every response
put in fresh: the viewer's CSRF token (Django masks it anew per response), the forms'
one-time submission keys (two tabs never share one: a shared key would make their two
posts one) and the time the page was drawn.

A page is never stored or served when it carries a message (a "posted" banner shows once),
for an htmx request, or for anything but a 200. The counters move after the transaction
commits (on_commit; a write outside any transaction, at once), and a request reads them
before it reads anything else, so a page stored under a counter value holds the data of
that value or newer, never older. Inside a test's wrapping transaction (never committed)
they move at once, in it.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection as default_connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from core.lib import gzip_parts, page_writes
from core.lib.lru import LRU, ByteLRU

T = TypeVar("T")

SITE, TALK = page_writes.SITE, page_writes.TALK
TABLE = page_writes.TABLE
READ = 'SELECT "name", "n" FROM "weeks_pagegeneration" WHERE "name" IN (%s, %s, %s)'

# The counters the page being assembled was keyed by, (site, user:<id>, the user's id), for
# what is kept per counter value (by_site, by_viewer); None outside stored_page.
PAGE_COUNTERS: contextvars.ContextVar[tuple[int, int, int | None] | None] = contextvars.ContextVar(
    "page_counters", default=None
)

# What a stored page holds in place of per-response values. The CSRF slot is random per
# process (no comment can contain it; comments are escaped anyway).
CSRF_SLOT = f"pagecsrf{secrets.token_hex(16)}"
CSRF, KEY, AT = 0, 1, 2
KINDS = (CSRF, KEY, AT)
# Each value's length: Django's masked token, a uuid4 hex key, a time in ms (13 digits).
SLOT_LENGTHS = {
    CSRF: CSRF_TOKEN_LENGTH,
    KEY: len(b'name="submission_key" value="%s"' % (b"0" * 32)),
    AT: len(b'name="at" value="%d"' % (10**12)),
}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding
# Each kind of slot: the literal that starts it and the pattern of the whole. Found with
# bytes.find (one literal each): a regex alternation is ~50x slower on a 500 KB page.
SLOTS = {
    CSRF: (CSRF_SLOT.encode(), re.compile(re.escape(CSRF_SLOT.encode()))),
    KEY: (
        b'name="submission_key" value="',
        re.compile(rb'name="submission_key" value="[0-9a-f]{32}"'),
    ),
    AT: (b'name="at" value="', re.compile(rb'name="at" value="[0-9]+"')),
}


# -- Reading the counters --------------------------------------------------------------


def generations(user_id: int | None) -> tuple[int, int, int]:
    """The counters `site`, `talk` and `user:<id>` now (one query)."""
    names = [SITE, TALK, f"user:{user_id}"]
    with default_connection.cursor() as cursor:
        cursor.execute(READ, names)
        found = dict(cursor.fetchall())
    return found.get(SITE, 0), found.get(TALK, 0), found.get(names[2], 0)


# -- Keeping pages ------------------------------------------------------------------------


@dataclass
class Stored:
    """A page with slots: bytes, and in place of each per-response value its kind."""

    parts: tuple[bytes | int, ...]
    etag: str
    size: int
    content_type: str
    deflated: gzip_parts.Deflated | None = None  # when first asked for with gzip
    deflatable: bool = True  # False: compressed whole each time (gzip_parts.py)

    @classmethod
    def of(cls, content: bytes, content_type: str) -> Stored:
        parts: list[bytes | int] = []
        start = 0
        for begin, end, kind in slots(content):
            parts += [content[start:begin], kind]
            start = end
        parts.append(content[start:])
        digest = hashlib.blake2b(digest_size=16)
        for part in parts:
            digest.update(part if isinstance(part, bytes) else b"\0%d\0" % part)
        return cls(tuple(parts), f'"{digest.hexdigest()}"', len(content), content_type)

    def pieces(self, request: HttpRequest) -> list[bytes]:
        """The parts for this response: a fresh CSRF mask, fresh keys, drawn now."""
        token = get_token(request).encode()
        drawn = b'name="at" value="%d"' % int(time.time() * 1000)
        keys = iter(fresh_keys(self.parts.count(KEY)))
        out = []
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
            elif part == CSRF:
                out.append(token)
            elif part == KEY:
                out.append(next(keys))
            else:
                out.append(drawn)
        return out

    def filled(self, request: HttpRequest) -> bytes:
        return b"".join(self.pieces(request))

    def gzipped(self, request: HttpRequest) -> bytes:
        """The page for this response as gzip: the fixed text deflated once (core/lib/
        gzip_parts.py), this response's values put in uncompressed."""
        if self.deflated is None and self.deflatable:  # two threads may: the same bytes
            fixed = [part if isinstance(part, bytes) else None for part in self.parts]
            lengths = [SLOT_LENGTHS[part] for part in self.parts if isinstance(part, int)]
            self.deflated = gzip_parts.Deflated.of(fixed, lengths)
            self.deflatable = self.deflated is not None
        pieces = self.pieces(request)
        values = [piece for piece, part in zip(pieces, self.parts, strict=True) if part in KINDS]
        if self.deflated is not None:
            with contextlib.suppress(ValueError):  # a value of another length
                return self.deflated.member(pieces, values)
        return compress_string(b"".join(pieces), max_random_bytes=100)


def fresh_keys(count: int) -> list[bytes]:
    """`count` new one-time submission keys as their form fields: 128 random bits each, as
    core.lib.submission.new_key's uuid4 (read from the OS in one call)."""
    hexes = secrets.token_hex(16 * count).encode()
    return [
        b'name="submission_key" value="%s"' % hexes[i : i + 32] for i in range(0, 32 * count, 32)
    ]


def slots(content: bytes) -> list[tuple[int, int, int]]:
    """Where each per-response value is in `content`: (start, end, kind), in order."""
    found = []
    for kind, (literal, pattern) in SLOTS.items():
        at = content.find(literal)
        while at != -1:
            match = pattern.match(content, at)
            if match is not None:
                found.append((at, match.end(), kind))
            at = content.find(literal, at + len(literal))
    return sorted(found)


STORE = ByteLRU(getattr(settings, "PAGE_STORE_MAX_BYTES", 64 * 1024 * 1024))


def storable(request: HttpRequest) -> bool:
    if not getattr(settings, "PAGE_STORE", True) or request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "htmx", False):
        return False
    return len(get_messages(request)) == 0  # counts without using them up


def counters(request: HttpRequest) -> tuple[int, int, int]:
    """The counters `site`, `talk` and `user:<id>` as this request first read them (one
    query, once per request)."""
    found: tuple[int, int, int] | None = getattr(request, "page_counters", None)
    if found is None:
        found = generations(getattr(request.user, "pk", None))
        request.page_counters = found  # type: ignore[attr-defined]
    return found


@contextmanager
def counted(request: HttpRequest) -> Iterator[None]:
    """For a GET of a week's view (core.access.week_view): the counters are read first,
    before the access check, and what the check and the view read through by_site and
    by_viewer is kept per counter value. Never for a POST: a read inside a transaction
    that writes (and may roll back) is never kept for others."""
    if not storable(request):
        yield
        return
    site, _talk, own = counters(request)
    token = PAGE_COUNTERS.set((site, own, getattr(request.user, "pk", None)))
    try:
        yield
    finally:
        PAGE_COUNTERS.reset(token)


def page_key(request: HttpRequest) -> tuple[Any, ...]:
    """Everything the page depends on that is not a counter (see the module docstring)."""
    user_id = getattr(request.user, "pk", None)
    site, talk, own = counters(request)
    minute = int(time.time() // 60)
    zone = str(timezone.get_current_timezone())
    secret = request.META.get("CSRF_COOKIE")
    return (request.get_full_path(), user_id, secret, zone, site, talk, own, minute)


def stored_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a view's GET from the stored page when nothing it shows has changed (see
    the module docstring); the response carries the page's ETag (core/lib/conditional.py)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not storable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)  # read before anything the page shows
        page = STORE.get(key)
        if page is None:
            request.page_csrf_slot = CSRF_SLOT  # type: ignore[attr-defined]
            try:
                with counted(request):  # the same counters as the key (read once)
                    response = view(request, *args, **kwargs)
            finally:
                del request.page_csrf_slot  # type: ignore[attr-defined]
            if response.streaming:
                return response
            if response.status_code != 200:  # not stored: its own token in place of the slot
                response.content = Stored.of(response.content, "").filled(request)
                return response
            page = Stored.of(response.content, response["Content-Type"])
            STORE.put(key, page)
        if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(page.gzipped(request), content_type=page.content_type)
            response["Content-Encoding"] = "gzip"  # so GZipMiddleware leaves it alone
            response["ETag"] = f"W/{page.etag}"  # as GZipMiddleware marks what it compresses
        else:
            response = HttpResponse(page.filled(request), content_type=page.content_type)
            response["ETag"] = page.etag
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    return wrapped


# Kept values: a few per week and, per viewer, about seven (their enrolments, week, duties
# and extension; drafts, read state, follows): room for a few hundred viewers a process.
BY_SITE = LRU(2048)


def by_site(key: Hashable, build: Callable[[], T]) -> T:
    """`build()`, kept in this process while the counter `site` stays where it was when
    the page being assembled read it: for what only tables outside the discussion show (a
    week's readings, questions and teams, the seminar's staff, a student's extension),
    which a post, a reply or a read mark leaves alone. Built anew outside `stored_page`
    (no counter read). What is kept is shared by requests: callers copy what they change,
    and put in `key` whatever else it depends on (the week, the viewer)."""
    return _kept(key, build, per_viewer=False)


def by_viewer(key: Hashable, build: Callable[[], T]) -> T:
    """As `by_site`, kept while the viewer's own counter `user:<id>` stays put too: for
    what the viewer's own rows show (their read marks, drafts, follows). The viewer's id
    is part of the key."""
    return _kept(key, build, per_viewer=True)


def _kept(key: Hashable, build: Callable[[], T], *, per_viewer: bool) -> T:
    page = PAGE_COUNTERS.get()  # (site, user:<id>, the user's id) of the page being built
    if page is None or (per_viewer and page[2] is None):
        return build()
    values = page if per_viewer else page[0]
    return BY_SITE.get_or_build((key, values), build)  # type: ignore[no-any-return]


def csrf_slot(request: HttpRequest) -> dict[str, str]:
    """The template context's `csrf_token` while a page is assembled to be stored (the
    slot the token goes into per response); else nothing (Django's own token)."""
    slot = getattr(request, "page_csrf_slot", None)
    return {"csrf_token": slot} if slot else {}
