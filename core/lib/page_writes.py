"""Seeing writes: the counters of stored pages (core/lib/page_store.py) moved by every write.

An execute wrapper on every database connection (installed from core/apps.py) reads each
statement's verb and table, and after the transaction commits moves the counters the
write concerns: `talk` for the discussion's tables, `user:<id>` for what only that user's
own pages show (written in their own requests), `site` for every other table but sessions,
the email outbox and the admin's history. Signals would miss bulk writes and raw SQL.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from core.page_models import PageGeneration

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

# The viewer whose request is writing: a per-user table's write moves their counter.
ACTING_USER: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "acting_user", default=None
)


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
