"""Hints that help a lead judge whether a reply or general comment is "substantive".

A suggestion, never a grade: each hint is computed from the text alone (no queries), so a
page lists many candidates with their hints in a fixed number of queries. The seminar's
rule says which hints are on and the word threshold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Reading
from participation.models import SeminarRule

WORD = re.compile(r"[\w'’-]+")
SHINGLE = 6  # a run of this many words shared with the parent counts as a quote


@dataclass(frozen=True)
class Hint:
    label: str
    ok: bool


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def cites_reading(body: str, readings: Sequence[Reading]) -> bool:
    """Links one of the week's readings, or names one by its title (or the part before
    the colon, when that is distinctive)."""
    text = " ".join(words(body))
    raw = body.lower()
    for reading in readings:
        if reading.url and reading.url.lower().rstrip("/") in raw:
            return True
        title = " ".join(words(reading.title))
        short = " ".join(words(reading.title.split(":")[0]))
        if title and title in text:
            return True
        if len(short) >= 12 and short in text:
            return True
    return False


def quotes(body: str, parent_body: str) -> bool:
    """Quotes the comment it answers: a `>` line from it, or six words in a row."""
    if not parent_body:
        return False
    source = " ".join(words(parent_body))
    for line in body.splitlines():
        if line.lstrip().startswith(">"):
            quoted = " ".join(words(line.lstrip().lstrip(">")))
            if len(quoted.split()) >= 3 and quoted in source:
                return True
    mine = words(body)
    theirs = words(parent_body)
    runs = {tuple(theirs[i : i + SHINGLE]) for i in range(len(theirs) - SHINGLE + 1)}
    return any(tuple(mine[i : i + SHINGLE]) in runs for i in range(len(mine) - SHINGLE + 1))


def hints_for(
    body: str,
    *,
    rule: SeminarRule,
    readings: Sequence[Reading],
    parent_body: str | None = None,
) -> list[Hint]:
    """The hints the seminar turned on, for one reply (parent_body given) or comment."""
    hints = []
    if rule.hint_min_words:
        count = word_count(body)
        hints.append(
            Hint(f"{count} words (at least {rule.hint_min_words})", count >= rule.hint_min_words)
        )
    if rule.hint_cites_reading:
        ok = cites_reading(body, readings)
        hints.append(Hint("cites a reading" if ok else "cites no reading", ok))
    if rule.hint_quotes_parent and parent_body is not None:
        ok = quotes(body, parent_body)
        hints.append(Hint("quotes the comment it answers" if ok else "quotes nothing", ok))
    return hints
