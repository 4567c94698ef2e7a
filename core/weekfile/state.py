"""The state a walk over a week file's body keeps: its mode, the day and group readings and
questions fall under, and what it has gathered so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.weekfile.blocks import Block
from core.weekfile.deadlines import Deadline
from core.weekfile.parsed import OPTIONAL, REQUIRED, ParsedReading, ParsedSection

INTRO, REQ, OPT, DISCUSSION = "intro", REQUIRED, OPTIONAL, "discussion"


@dataclass
class SectionEntry:
    section: ParsedSection
    auto_title: bool = False  # no title written: named after its day or "Questions" later
    from_day: bool = False  # titled by a day heading only
    intro: list[str] = field(default_factory=list)  # its paragraphs, as written

    @property
    def empty(self) -> bool:
        return not self.section.questions and not self.intro


@dataclass
class WalkState:
    tz: str
    class_date: dt.date | None
    mode: str = INTRO
    group: str = ""
    day: str = ""  # the day label questions get ("Monday, 16 October")
    day_title: str = ""  # the whole day heading, naming that day's readings
    day_level: int = 0
    optional_level: int = 0
    intro: list[str] = field(default_factory=list)
    discussion_intro: list[str] = field(default_factory=list)
    readings: list[ParsedReading] = field(default_factory=list)
    sections: list[SectionEntry] = field(default_factory=list)
    current: SectionEntry | None = None
    after_rule: bool = False
    heading_deadline: dt.datetime | None = None  # stated under a question heading: its sections'
    last_question: int = 0
    open_group: tuple[str, Block] | None = None  # a group heading no reading has used yet
    week_deadlines: list[Deadline] = field(default_factory=list)
    intro_deadlines: list[Deadline] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)  # what the walk read by a rule of thumb
    notes: list[str] = field(default_factory=list)  # text it could not place
    last_block: Block | None = None  # the block handled before the current one
    tail: tuple[int, Block] | None = None  # (id of a text list, the block last added to it)
