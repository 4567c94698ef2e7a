"""What a week file says, before anything touches the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

REQUIRED = "required"
OPTIONAL = "optional"


class WeekFileError(ValueError):
    """A week file that cannot be read; the message is one line naming the file."""


class WeekExistsError(WeekFileError):
    """The week's slug already exists in the seminar and replacing was not asked for."""


@dataclass
class ParsedReading:
    kind: str  # REQUIRED or OPTIONAL
    group: str
    position: int
    number: int | None
    title: str
    url: str = ""
    citation: str = ""
    note: str = ""
    abstract: str = ""


@dataclass
class ParsedSection:
    position: int
    title: str
    intro: str = ""
    reading_title: str = ""  # title of the reading the questions are about, "" for none
    day_label: str = ""
    deadline: dt.datetime | None = None
    required_answers: int = 1
    reveal_policy: str | None = None  # None: the file does not say (a new section: always)
    questions: list[tuple[str, str]] = field(default_factory=list)  # (number, body)


@dataclass
class ParsedWeek:
    title: str
    slug: str
    number: int | None
    class_date: dt.date | None
    draft: bool
    status: str = "published"  # "draft", "scheduled" or "published" (draft: not published)
    intro: str = ""
    discussion_intro: str = ""
    deadline: dt.datetime | None = None
    notes: str = ""  # what the importer could not place, for staff to move
    # Settings the file gives (cutoff, late_policy, publish_at, published_at, locked,
    # staff_run, alternatives); a key it leaves out leaves the week's value as it is.
    settings: dict[str, Any] = field(default_factory=dict)
    readings: list[ParsedReading] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)  # what was read by a rule of thumb

    def readings_of(self, kind: str) -> list[ParsedReading]:
        return [r for r in self.readings if r.kind == kind]

    @property
    def optional_groups(self) -> list[str]:
        """Distinct optional group headings in order of first appearance ("" included)."""
        groups: list[str] = []
        for reading in self.readings_of(OPTIONAL):
            if reading.group not in groups:
                groups.append(reading.group)
        return groups
