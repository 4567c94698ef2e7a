"""What a week file says, before anything touches the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
    questions: list[tuple[str, str]] = field(default_factory=list)  # (number, body)


@dataclass
class ParsedWeek:
    title: str
    slug: str
    number: int | None
    class_date: dt.date | None
    draft: bool
    intro: str = ""
    discussion_intro: str = ""
    deadline: dt.datetime | None = None
    readings: list[ParsedReading] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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
