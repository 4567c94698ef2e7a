"""One demo post, and who wrote it."""

from __future__ import annotations

from dataclasses import dataclass

LEAD = 0  # author number for lead@example.edu; 1-12 are student1 … student12


@dataclass(frozen=True)
class Post:
    """One demo post. `question`: its number (None: the general thread); `reply_to`: the
    key of the post it answers; `hours`: how long before the reference time it was posted."""

    key: str
    author: int
    hours: float
    body: str
    question: int | None = None
    reply_to: str | None = None
