"""The walk over a week file's body: one handler per block kind, switching the mode —
intro, required readings, optional readings, discussion — as headings and keyword lines
come. Whatever cannot be classified is kept in the week's notes and reported in `warnings`;
what was read by a rule of thumb is reported in `guesses`."""

from __future__ import annotations

import re

from core.weekfile import headings as h
from core.weekfile.blocks import Block
from core.weekfile.deadlines import Deadline, find_deadlines, weekday_in
from core.weekfile.parsed import ParsedSection
from core.weekfile.readings import BARE_URL, LINK
from core.weekfile.state import DISCUSSION, INTRO, OPT, REQ, SectionEntry, WalkState
from core.weekfile.walk_readings import ReadingsMixin

BOLD_NUMBER = re.compile(r"^\*\*(?P<number>[A-Za-z]?\d{1,3}[a-z]?)[.:)]\*\*\s*")
QUESTION_PARAGRAPH = re.compile(
    r"^\s*(?:\*\*|__)?Q(?:uestion)?\s*(?P<number>\d{1,3})\s*[.:)]\s*(?:\*\*|__)?\s*", re.IGNORECASE
)


class Walker(ReadingsMixin):
    """Feeds blocks to the state, one handler per block kind."""

    def __init__(
        self, state: WalkState, *, lists_are_readings: bool, lines: list[str], first_line: int
    ) -> None:
        self.s = state
        self.lists_are_readings = lists_are_readings  # pages with no readings heading at all
        self.lines, self.first_line = lines, first_line  # the body as written

    def block(self, block: Block) -> None:
        if block.kind == "heading":
            self.heading(h.classify(block.text, block.level), block)
        elif block.kind == "rule":
            self.rule()
        elif block.kind == "item":
            self.item(block)
        else:
            self.paragraph(block)
        self.s.last_block = block

    # headings ---------------------------------------------------------------------------
    def heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        if s.open_group is not None and head.kind != h.OTHER_KIND:
            self.close_group()
        if s.mode == OPT and self._is_optional_group(head):
            self.set_group(head.text, block)
            return
        handler = {
            h.COMBINED_KIND: self._readings_heading,
            h.READINGS_KIND: self._readings_heading,
            h.OPTIONAL_KIND: self._optional_heading,
            h.QUESTIONS_KIND: self._questions_heading,
            h.DAY_KIND: self._day_heading,
            h.REQUIRED_GROUP_KIND: self._required_group_heading,
            h.SECTION_KIND: self._section_heading,
        }.get(head.kind, self._other_heading)
        if head.level == 7 and head.kind in (h.DAY_KIND, h.QUESTIONS_KIND) and head.weekday:
            what = "day label" if head.kind == h.DAY_KIND else "question section"
            self.guess(block, f"{h.clean(block.text.partition(chr(10))[0])!r} read as a {what}")
        elif head.kind == h.QUESTIONS_KIND and h.names_discussion_only(head.text):
            self.guess(block, f"{head.text!r} read as a question section heading")
        handler(head, block)

    def _is_optional_group(self, head: h.Heading) -> bool:
        """Under "Optional Readings", a deeper heading names a group ("Alignment Readings"),
        unless it is a bare "Readings" / "Readings for Wednesday" starting required ones."""
        deeper = head.level > self.s.optional_level or head.level == 7
        if head.kind == h.READINGS_KIND and h.is_plain_readings(head.text):
            return False
        return deeper and head.kind in (h.READINGS_KIND, h.OPTIONAL_KIND, h.OTHER_KIND)

    def _readings_heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        if head.weekday:
            self._set_day(head.weekday, head.level)
        else:
            self._leave_day(head.level)
        s.mode, s.group = REQ, s.day_title
        s.current, s.after_rule, s.heading_deadline = None, False, None

    def _optional_heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        if head.level < 7:  # an "Optional Readings:" line stays in the day it is written in
            self._leave_day(head.level)
        s.mode, s.group, s.optional_level = OPT, head.group or s.day_title, head.level
        s.current = None

    def _required_group_heading(self, head: h.Heading, block: Block) -> None:
        self.s.mode = REQ
        self.set_group(head.group, block)

    def _questions_heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        s.mode = DISCUSSION
        if head.weekday:
            self._set_day(head.weekday, head.level)
        else:
            self._leave_day(head.level)
        deadline = self.deadline_in(head.text)
        s.heading_deadline = None
        if head.weekday or s.sections:
            self._open_section(title="", auto=True)
            self._section_deadline(deadline, block)
            s.heading_deadline = deadline.when if deadline else None
        elif deadline is not None:
            s.week_deadlines.append(deadline)

    def _day_heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        s.day, s.day_title, s.day_level = h.day_label(head.text), head.text, head.level
        s.heading_deadline = None
        if s.mode == DISCUSSION:
            self._open_section(title=head.text, from_day=True)
        elif s.mode == INTRO or (s.mode == OPT and head.level <= s.optional_level):
            s.mode = REQ
        if s.mode in (REQ, OPT):
            s.group = s.day_title

    def _section_heading(self, head: h.Heading, block: Block) -> None:
        self.s.mode = DISCUSSION
        self._titled_section(head.text, block)

    def _other_heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        if s.mode == DISCUSSION:
            self._titled_section(head.text, block)
        elif s.mode == REQ and (s.readings or h.looks_optional(head.text)):
            if h.looks_optional(head.text):
                s.mode, s.optional_level = OPT, head.level - 1
                if head.level == 7 and s.mode == OPT:
                    self.guess(block, f"{head.text!r} read as the heading of optional readings")
            self.set_group(head.text, block)
        elif s.mode == INTRO:
            self.keep_as_intro(block, f"**{head.text}**" if head.level == 7 else None)
        else:
            self.keep_in_notes(block, f"**{head.text}**" if head.level == 7 else None)

    # rules, items, paragraphs -------------------------------------------------------------
    def rule(self) -> None:
        if self.s.mode == DISCUSSION:
            self.s.current, self.s.after_rule = None, True

    def item(self, block: Block) -> None:
        s = self.s
        has_link = bool(LINK.search(block.text) or BARE_URL.search(block.text))
        if s.mode == INTRO and has_link and self.lists_are_readings:
            s.mode, s.group = REQ, s.day_title
        if s.mode in (REQ, OPT):
            self.reading(block)
        elif s.mode == DISCUSSION and (
            block.number is not None or s.current or s.after_rule or "?" in block.text
        ):
            self._question(block)
        else:
            self.add_text(s.discussion_intro if s.mode == DISCUSSION else s.intro, block)

    def paragraph(self, block: Block) -> None:
        first, _, rest = block.text.partition("\n")
        head = h.pseudo_heading(first) or self._group_line(first, rest)
        if head is not None:
            self.heading(head, block)
        elif h.starts_section(first) and (
            self.s.mode == DISCUSSION or h.QUESTIONS_ABOUT.match(first)
        ):
            self.s.mode = DISCUSSION
            self._titled_section(h.clean(first), block)
        else:
            self._text(block)
            return
        if rest.strip():
            self._text(Block("paragraph", block.line + 1, rest.strip(), end=block.end))

    def _group_line(self, first: str, rest: str) -> h.Heading | None:
        """Among readings, a lone "Background:" line names a group like a heading would."""
        in_readings = self.s.mode == OPT or (self.s.mode == REQ and self.s.readings)
        match = h.COLON_LINE.match(first)
        if not in_readings or rest.strip() or match is None:
            return None
        return h.Heading(h.OTHER_KIND, match.group("text").strip(), 7)

    def _text(self, block: Block) -> None:
        s = self.s
        if s.mode in (REQ, OPT) and (LINK.search(block.text) or BARE_URL.search(block.text)):
            self.reading(block)
        elif s.mode == DISCUSSION:
            self._discussion_text(block)
        elif s.mode in (REQ, OPT) and self.reading_sentence(block):
            return
        else:
            if s.mode == INTRO:
                self.keep_as_intro(block)
            else:
                self.keep_in_notes(block)
            self.intro_deadline(block.text)

    def _discussion_text(self, block: Block) -> None:
        s = self.s
        if (match := QUESTION_PARAGRAPH.match(block.text)) is not None:
            number = int(match.group("number"))
            self._question(Block("item", block.line, block.text[match.end() :], number=number))
            return
        if s.current is None and not s.after_rule:
            self.add_text(s.discussion_intro, block)
            for found in find_deadlines(block.text, tz=s.tz, near=s.class_date):
                s.warnings.extend(found.warnings())
                s.week_deadlines.append(found)
            return
        current = s.current if s.current is not None else self._open_section(title="", auto=True)
        section = current.section
        if section.questions:
            s.warnings.append(
                f"line {block.line}: text after the questions of {section.title or 'a section'!r}"
                " kept in that section's intro"
            )
        self.add_text(current.intro, block)
        deadline = self.deadline_in(block.text) if section.deadline is None else None
        self._section_deadline(deadline, block)
        if deadline is not None and not section.questions and current.auto_title:
            s.heading_deadline = deadline.when  # under "Questions for Monday": all its sections

    # helpers -----------------------------------------------------------------------------
    def _question(self, block: Block) -> None:
        s = self.s
        current = s.current if s.current is not None else self._open_section(title="", auto=True)
        body = block.full_text
        if block.number is not None:
            number = str(block.number)
            s.last_question = block.number
        elif (match := BOLD_NUMBER.match(body)) is not None:
            number, body = match.group("number"), body[match.end() :]
        else:
            s.last_question += 1
            number = str(s.last_question)
        if number.isdigit():
            s.last_question = int(number)
        current.section.questions.append((number, body.strip()))

    def _titled_section(self, title: str, block: Block) -> None:
        s = self.s
        urls = {m.group("url").strip("<>") for m in LINK.finditer(title)}
        title = LINK.sub(lambda m: m.group("text"), title)
        self._place_titled_section(title, block)
        named = [r.title for r in s.readings if r.url and r.url in urls]
        if named and s.current is not None:
            s.current.section.reading_title = named[0]

    def _place_titled_section(self, title: str, block: Block) -> None:
        s = self.s
        current = s.current
        weekday = weekday_in(title)
        if (
            current is not None
            and not current.section.questions
            and (current.auto_title or current.from_day)
        ):
            current.section.title, current.auto_title, current.from_day = title, False, False
            if weekday and not current.section.day_label:
                current.section.day_label = weekday
        else:
            if weekday:
                self._set_day(weekday, 7)
            self._open_section(title=title)
        self._section_deadline(self.deadline_in(title), block)

    def _open_section(
        self, *, title: str, auto: bool = False, from_day: bool = False
    ) -> SectionEntry:
        """Start a section; it becomes the current one (returned too)."""
        s = self.s
        s.mode = DISCUSSION
        section = ParsedSection(
            position=len(s.sections), title=title, day_label=s.day, deadline=s.heading_deadline
        )
        s.current = SectionEntry(section, auto_title=auto, from_day=from_day)
        s.sections.append(s.current)
        s.after_rule = False
        return s.current

    def _set_day(self, weekday: str, level: int) -> None:
        s = self.s
        if not s.day.lower().startswith(weekday.lower()):
            s.day, s.day_title, s.day_level = weekday, weekday, level

    def _leave_day(self, level: int) -> None:
        """A heading at or above the day heading's level ends that day's part of the page."""
        if self.s.day and level <= self.s.day_level:
            self.s.day, self.s.day_title, self.s.day_level = "", "", 0

    def _section_deadline(self, deadline: Deadline | None, block: Block) -> None:
        if deadline is not None and self.s.current is not None:
            self.s.current.section.deadline = deadline.when
