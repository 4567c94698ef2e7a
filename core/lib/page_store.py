"""Stored pages: a repeat view of the week page answered from the page as assembled before.

The week page a viewer gets is a function of the database, the viewer, the URL and the
minute (deadlines and "in 3 hours" are written to the minute). So the page assembled for a
viewer is kept (per server process, an LRU bounded in bytes) under a key made of:

- the URL (path and query) and the viewer (user id, session's CSRF secret, time zone);
- the counter `site` (core.page_models.PageGeneration), which moves after every committed
  write to any table but the few below, whoever makes it, however it is made: a model's
  save, a queryset's update() or bulk_create, raw SQL, the admin, a Celery task. Writes are
  seen on the database connection itself (an execute wrapper reading each statement's
  verb and table), not through signals, which bulk writes skip;
- the counter `user:<id>`, which moves after writes to what only that user's own pages
  show: their read marks, drafts and follows (written in their own requests). So one
  student marking a week read does not throw away everyone's stored pages;
- the current minute.

A request then costs the access check, one query for the two counters and the copy of the
stored bytes, with what must differ in every response put in fresh: the viewer's CSRF token
(Django masks it anew per response), the forms' one-time submission keys (two tabs never
share one: a shared key would make their two posts one) and the time the page was drawn.

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
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from core.lib import gzip_parts
from core.lib.lru import LRU, ByteLRU
from core.page_models import PageGeneration

T = TypeVar("T")

SITE, TALK = "site", "talk"
TABLE = PageGeneration._meta.db_table
# Only their own user's pages show these (discussions: WeekRead, Draft, Follow).
PER_USER_TABLES = frozenset({"discussions_weekread", "discussions_draft", "discussions_follow"})
# Never shown on a stored page: sessions, the email outbox (its sweep runs every minute;
# the seminar home's mail warning is not stored), the admin's history.
# The discussion (comments, their revisions, flags, locks, moderation log, notices): its
# own counter, so what does not show it (core.lib.page_store.by_site) outlives a post.
TALK_PREFIXES = ("discussions_", "notifications_notice")
IGNORED_TABLES = frozenset(
    {TABLE, "django_session", "notifications_outboxemail", "django_admin_log"}
)
WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)
SCHEMA_VERBS = ("CREATE", "DROP T", "ALTER ")
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE", "WITH", "MERGE")
UPSERT = (  # the table's name as a literal: TABLE, checked in tests/test_page_store.py
    'INSERT INTO "weeks_pagegeneration" ("name", "n") VALUES (%s, 1) '
    'ON CONFLICT ("name") DO UPDATE SET "n" = "weeks_pagegeneration"."n" + 1'
)
READ = 'SELECT "name", "n" FROM "weeks_pagegeneration" WHERE "name" IN (%s, %s, %s)'

# The viewer whose request is writing: a per-user table's write moves their counter.
ACTING_USER: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "acting_user", default=None
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


# -- Seeing writes ------------------------------------------------------------------------


def written(sql: str) -> set[str] | None:
    """The counters a statement moves (None: it writes nothing a page shows)."""
    head = sql[:32].lstrip()[:8].upper()  # a slice first: SELECTs can be long
    if not head.startswith(WRITE_VERBS):
        return None
    match = WRITE.match(sql)
    if match is None:  # TRUNCATE, WITH ... UPDATE, anything unparsed: assume the worst
        return {SITE} if head.startswith(("TRUNCATE", "MERGE")) or _writes(sql) else None
    table = match.group(1).lower()
    if table in IGNORED_TABLES:
        return None
    if table in PER_USER_TABLES:
        user_id = ACTING_USER.get()
        return {f"user:{user_id}"} if user_id is not None else {SITE}
    return {TALK} if table.startswith(TALK_PREFIXES) else {SITE}


def _writes(sql: str) -> bool:
    return re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql, re.IGNORECASE) is not None


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    """The execute wrapper every connection gets (core/apps.py): a write that succeeded
    moves its counters, at once or when its transaction commits."""
    result = execute(sql, params, many, context)
    names = written(sql)
    if names and unchanged(sql, context["cursor"]):
        names = None
    if names:
        note(context["connection"], names)
    elif sql[:32].lstrip()[:6].upper() in SCHEMA_VERBS:  # a migration: is the table there?
        context["connection"].__dict__.pop("_page_table", None)
    return result


def unchanged(sql: str, cursor: Any) -> bool:
    """An UPDATE or DELETE that matched no row (a periodic task finding nothing due). Not
    asked of an INSERT: with RETURNING, SQLite counts its rows only once they are read."""
    verb = sql[:32].lstrip()[:6].upper()
    return verb in ("UPDATE", "DELETE") and getattr(cursor, "rowcount", -1) == 0


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Add the watcher to a connection (the connection_created signal, core/apps.py)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def has_table(connection: BaseDatabaseWrapper) -> bool:
    """Whether the counters' table exists (asked again after any schema change: a database
    being migrated writes before it is created, or after it is dropped)."""
    state = connection.__dict__
    if "_page_table" not in state:
        state["_page_table"] = TABLE in connection.introspection.table_names()
    return bool(state["_page_table"])


def note(connection: BaseDatabaseWrapper, names: set[str]) -> None:
    if not has_table(connection):
        return
    state = connection.__dict__
    pending: set[str] = state.setdefault("_page_pending", set())
    pending.update(names)
    if _outside_transaction(connection):
        flush(connection)
        return
    callback = state.setdefault("_page_flush", lambda: flush(connection))
    # Once per transaction; again if the savepoint it was registered in was rolled back.
    if not any(entry[1] is callback for entry in connection.run_on_commit):
        connection.on_commit(callback, robust=True)


def _outside_transaction(connection: BaseDatabaseWrapper) -> bool:
    """No transaction, or inside a test's wrapping one (Django marks those), which never
    commits: the counters move at once, in it, visible to the test's next request."""
    blocks = connection.atomic_blocks
    return not blocks or getattr(blocks[0], "_from_testcase", False)


def flush(connection: BaseDatabaseWrapper) -> None:
    names = connection.__dict__.get("_page_pending")
    if not names:
        return
    connection.__dict__["_page_pending"] = set()
    with connection.cursor() as cursor:
        for name in sorted(names):  # one order: concurrent flushes never deadlock
            cursor.execute(UPSERT, [name])


@contextmanager
def acting_user(user_id: int | None) -> Iterator[None]:
    """Writes in this block to a per-user table move `user_id`'s counter (the middleware)."""
    token = ACTING_USER.set(user_id)
    try:
        yield
    finally:
        ACTING_USER.reset(token)


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


def page_key(request: HttpRequest) -> tuple[Any, ...]:
    """Everything the page depends on that is not a counter (see the module docstring)."""
    user_id = getattr(request.user, "pk", None)
    site, talk, own = generations(user_id)
    request.page_site = site  # type: ignore[attr-defined]  # for by_site, below
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


BY_SITE = LRU(256)


def by_site(request: HttpRequest, key: Hashable, build: Callable[[], T]) -> T:
    """`build()`, kept in this process while the counter `site` stays where it was when
    this request read it: for what only tables outside the discussion show (a week's
    readings, questions and teams), which a post, a reply or a read mark leaves alone.
    Built anew when the request was not answered through `stored_page` (no counter read).
    What is kept is shared by requests: callers copy what they change."""
    site = getattr(request, "page_site", None)
    if site is None:
        return build()
    return BY_SITE.get_or_build((key, site), build)  # type: ignore[no-any-return]


def csrf_slot(request: HttpRequest) -> dict[str, str]:
    """The template context's `csrf_token` while a page is assembled to be stored (the
    slot the token goes into per response); else nothing (Django's own token)."""
    slot = getattr(request, "page_csrf_slot", None)
    return {"csrf_token": slot} if slot else {}
