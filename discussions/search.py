"""Search within one week's discussion, as the viewer may read it.

PostgreSQL: full-text search (`websearch_to_tsquery` on the comments' text, English
configuration, best matches first). SQLite: every word must appear (`icontains`), oldest
first. Either way only comments the viewer can read are found: the week page's own
assembly (selectors.build_discussion) decides, so hidden, deleted and withheld
(reveal policy) comments never show up for someone who cannot see them on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.db import connection
from django.db.models import QuerySet

from core.access import WeekAccess
from core.timefmt import local_time
from discussions.comment_view import notice_for
from discussions.models import Comment
from discussions.selectors import Discussion, Thread, build_discussion
from discussions.unread import walk

MAX_HITS = 50
CONTEXT = 90  # characters of the text shown either side of the first match


class SearchForm(forms.Form):
    q = forms.CharField(label="Search this week's discussion", max_length=200, strip=True)


@dataclass(frozen=True)
class Hit:
    author_name: str
    time_iso: str
    time_text: str
    where: str  # "Question 3" or "General discussion"
    link: str
    before: str  # the snippet, around the first match: before, match, after
    match: str
    after: str


def search_week(access: WeekAccess, text: str) -> list[Hit]:
    """Comments of the week matching `text` that the viewer may read (at most MAX_HITS)."""
    words = text.split()
    if not words:
        return []
    discussion = build_discussion(access)
    base = discussion.base
    readable: dict[int, tuple[str, str]] = {}  # comment id -> (where, the page it is on)
    for question_id, thread in discussion.threads.items():
        number = thread.question.number if thread.question else ""
        place = (f"Question {number}", f"{base}q/{question_id}/")
        readable.update(dict.fromkeys(readable_ids(access, discussion, thread), place))
    general = ("General discussion", base)
    readable.update(dict.fromkeys(readable_ids(access, discussion, discussion.general), general))
    hits: list[Hit] = []
    for pk, body in matching(Comment.objects.filter(week=access.week), text, words):
        if pk in readable and len(hits) < MAX_HITS:
            where, page = readable[pk]
            comment = discussion.comments[pk]
            time_iso, time_text = local_time(comment.created_at, access.tz)
            hits.append(
                Hit(comment.author.name, time_iso, time_text, where, f"{page}#c{pk}",
                    *snippet(body, words))
            )  # fmt: skip
    return hits


def readable_ids(access: WeekAccess, discussion: Discussion, thread: Thread) -> list[int]:
    """The comments of a thread whose text the viewer reads on the page (the reveal policy
    already applied to the thread): not deleted, not hidden from them."""
    ids = []
    for pk in walk(thread.tops):
        comment = discussion.comments[pk]
        shown = notice_for(comment, access, is_author=access.is_author(comment))[1]
        if shown and comment.deleted_at is None:
            ids.append(pk)
    return ids


def matching(comments: QuerySet[Comment], text: str, words: list[str]) -> list[tuple[int, str]]:
    """(id, text) of the matching comments, best first."""
    if connection.vendor == "postgresql":
        # Django's PostgreSQL search expressions; SQLite has no such module to import.
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("body", config="english")
        query = SearchQuery(text, search_type="websearch", config="english")
        ranked = comments.annotate(document=vector, rank=SearchRank(vector, query))
        found = ranked.filter(document=query).order_by("-rank", "created_at")
        return list(found.values_list("pk", "body"))
    for word in words:
        comments = comments.filter(body__icontains=word)
    return list(comments.order_by("created_at").values_list("pk", "body"))


def snippet(body: str, words: list[str]) -> tuple[str, str, str]:
    """The text around the first word found (plain text; the template escapes it)."""
    flat = " ".join(body.split())
    found = None
    for word in words:
        found = re.search(re.escape(word.strip('"')), flat, re.IGNORECASE) or found
        if found:
            break
    if found is None:
        return flat[: 2 * CONTEXT], "", ""
    start, end = found.span()
    before = flat[max(0, start - CONTEXT) : start]
    after = flat[end : end + CONTEXT]
    return (
        ("…" if start > CONTEXT else "") + before,
        flat[start:end],
        after + ("…" if end + CONTEXT < len(flat) else ""),
    )
