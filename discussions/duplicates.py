"""Near-duplicate answers: "Don't post duplicates — read others' responses first."

While a student writes an answer they see the existing answers to that question and, when
their text is very similar to one of them, a warning that links to it; posting such an
answer takes an explicit "post anyway" (discussions.services.post_comment refuses it with
`NearDuplicate` otherwise).

Similarity is trigram similarity as PostgreSQL's pg_trgm computes it: each text is split
into words of letters and digits, lower-cased, each word padded with two spaces in front
and one behind, and cut into the set of its three-character pieces; the similarity of two
texts is |shared trigrams| / |all trigrams| (0 to 1). On PostgreSQL the database computes
it (`similarity()`, extension enabled by migration 0002); on SQLite `trigram_similarity`
below computes the same number in Python, so one threshold means the same on both.

Only answers the writer may see take part: never deleted or hidden ones, and, when the
section's reveal policy withholds classmates' answers from them, only their own. So
neither the warning nor its absence says anything about answers they cannot read.

Why no trigram index: the check compares one text against the answers to one question
(tens of rows, found through the thread index), which a sequential similarity() over those
rows does in well under a millisecond; a GIN index only speeds up `%` searches across the
whole table and would slow every post and edit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import QuerySet

from core.access import WeekAccess
from core.models import Question
from core.timefmt import local_time
from discussions.models import Comment
from discussions.selectors import answered_sections

# Two answers at least this similar count as near-duplicates. Measured on the demo
# discussion (discussions/demo.py: no two of its 27 posts score above 0.32, though many
# answer the same question) and on edited copies of its answers: 5, 10 or 20 words changed
# 0.97, 0.94, 0.89; a few words changed and a sentence dropped 0.75; an answer with a new
# paragraph of similar length appended 0.69; the first half of an answer pasted 0.62.
THRESHOLD = 0.6
# Shorter texts are not checked: "I agree with Dev" is not a duplicate worth a warning.
MIN_WORDS = 6
# The warning links at most this many answers, most similar first.
MAX_SIMILAR = 3
# The live check while typing, per user: debounced to one request per pause in the browser.
CHECK_RATE = "30/m"

NEAR_DUPLICATE = (
    "Your answer is very similar to an answer already posted (linked below). Read it first: "
    'if yours adds something new, say what, or choose "Post anyway".'
)
_WORD = re.compile(r"[^\W_]+")


class NearDuplicate(ValidationError):
    """Refusal of an answer very similar to visible ones (`similar`, most similar first)."""

    def __init__(self, similar: list[Comment]) -> None:
        super().__init__(NEAR_DUPLICATE, code="near_duplicate")
        self.similar = similar


# --- The measure ------------------------------------------------------------------------


def trigrams(text: str) -> frozenset[str]:
    """The trigram set pg_trgm's show_trgm() gives for `text` (words of letters and digits)."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def set_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(a, b), in Python (the SQLite path, and a cross-check in tests)."""
    return set_similarity(trigrams(a), trigrams(b))


def worth_checking(text: str) -> bool:
    return len(_WORD.findall(text)) >= MIN_WORDS


# --- What the writer may compare against ------------------------------------------------


def sees_classmates_answers(
    access: WeekAccess, question: Question, *, now: dt.datetime | None = None
) -> bool:
    """Whether the reveal policy shows this viewer classmates' answers to `question`.

    At most one query (whether they answered in the section, for "after your own")."""
    section = question.section
    answered = answered_sections(access, [section])
    return access.can_see_answers(section, answered_section_ids=answered, now=now)


def visible_answers(
    access: WeekAccess, question: Question, *, now: dt.datetime | None = None
) -> QuerySet[Comment]:
    """The answers to `question` the viewer may read, newest first: live, not hidden, and
    only their own when the reveal policy withholds classmates' answers."""
    answers = (
        Comment.objects.answers()
        .public()
        .filter(week=access.week, question=question)
        .select_related("author")
        .order_by("-created_at", "-id")
    )
    if not access.can_view:
        return answers.none()
    if not sees_classmates_answers(access, question, now=now):
        if not access.user.is_authenticated:
            return answers.none()
        answers = answers.filter(author_id=access.user.pk)
    return answers


def _label(access: WeekAccess, comments: Sequence[Comment]) -> list[Comment]:
    """Give each comment what the duplicate templates read: link, local time, author.
    (Attributes for the templates only, so not declared on the model: type: ignore.)"""
    base = access.week.get_absolute_url()
    for comment in comments:
        comment.link = f"{base}#{comment.anchor}"  # type: ignore[attr-defined]
        comment.time_text = local_time(comment.created_at, access.tz)[1]  # type: ignore[attr-defined]
        comment.author_name = comment.author.name  # type: ignore[attr-defined]
        comment.viewer_is_author = access.is_author(comment)  # type: ignore[attr-defined]
        similarity = getattr(comment, "similarity", None)
        if similarity is not None:
            comment.percent = round(similarity * 100)  # type: ignore[attr-defined]
    return list(comments)


def existing_answers(
    access: WeekAccess, question: Question, *, now: dt.datetime | None = None
) -> list[Comment]:
    """The answers a writer should read before answering `question`, newest first."""
    return _label(access, list(visible_answers(access, question, now=now)))


# --- The check --------------------------------------------------------------------------


def similar_answers(
    access: WeekAccess,
    question: Question,
    text: str,
    *,
    now: dt.datetime | None = None,
    limit: int = MAX_SIMILAR,
) -> list[Comment]:
    """Visible answers to `question` at least THRESHOLD similar to `text`, most similar first,
    each with `.similarity` (0–1). One query (two under an "after your own" policy), however
    many answers there are; short texts are not checked (no query)."""
    # PostgreSQL text cannot hold NUL; past the posting limit the post is refused anyway.
    text = text[: settings.MARKDOWN_MAX_LENGTH].replace("\x00", "")
    if not worth_checking(text):
        return []
    answers = visible_answers(access, question, now=now)
    found: Sequence[Comment]
    if connections[answers.db].vendor == "postgresql":
        found = list(
            answers.annotate(similarity=TrigramSimilarity("body", text))
            .filter(similarity__gte=THRESHOLD)
            .order_by("-similarity", "-created_at")[:limit]
        )
    else:
        found = _similar_in_python(answers, text, limit)
    return _label(access, found)


def _similar_in_python(answers: QuerySet[Comment], text: str, limit: int) -> list[Comment]:
    grams = trigrams(text)
    found: list[tuple[float, Comment]] = []
    for comment in answers.defer("body_html"):
        similarity = set_similarity(grams, trigrams(comment.body))
        if similarity >= THRESHOLD:
            # What PostgreSQL's query annotates (read by _label).
            comment.similarity = similarity  # type: ignore[attr-defined]
            found.append((similarity, comment))
    found.sort(key=lambda pair: -pair[0])  # stable: newest first among equals
    return [comment for _, comment in found[:limit]]


def refuse_near_duplicate(
    access: WeekAccess, question: Question, text: str, *, now: dt.datetime | None = None
) -> None:
    """Raise NearDuplicate when `text` is very similar to an answer the writer can see."""
    similar = similar_answers(access, question, text, now=now)
    if similar:
        raise NearDuplicate(similar)
