"""The walk over a week file's body: one handler per block kind, switching the mode —
intro, required readings, optional readings, discussion — as headings and keyword lines
come. Whatever cannot be classified is kept as intro text and reported in `warnings`."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core.weekfile import headings as h
from core.weekfile.blocks import Block
from core.weekfile.deadlines import Deadline, find_deadline, find_deadlines, weekday_in
from core.weekfile.parsed import ParsedReading, ParsedSection
from core.weekfile.readings import BARE_URL, LINK, parse_reading
from core.weekfile.state import DISCUSSION, INTRO, OPT, REQ, SectionEntry, WalkState

BOLD_NUMBER = re.compile(r"^\*\*(?P<number>[A-Za-z]?\d{1,3}[a-z]?)[.:)]\*\*\s*")
QUESTION_PARAGRAPH = re.compile(
    r"^\s*(?:\*\*|__)?Q(?:uestion)?\s*(?P<number>\d{1,3})\s*[.:)]\s*(?:\*\*|__)?\s*", re.IGNORECASE
)
URL_VALIDATOR = URLValidator(schemes=["http", "https"])


class Walker:
    """Feeds blocks to the state, one handler per block kind."""

    def __init__(self, state: WalkState, *, lists_are_readings: bool) -> None:
        self.s = state
        self.lists_are_readings = lists_are_readings  # pages with no readings heading at all

    def block(self, block: Block) -> None:
        if block.kind == "heading":
            self.heading(h.classify(block.text, block.level), block)
        elif block.kind == "rule":
            self.rule()
        elif block.kind == "item":
            self.item(block)
        else:
            self.paragraph(block)

    # headings ---------------------------------------------------------------------------
    def heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        if s.open_group is not None and head.kind != h.OTHER_KIND:
            self.close_group()
        if s.mode == OPT and self._is_optional_group(head):
            self._set_group(head.text, block)
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
        self._leave_day(head.level)
        s.mode, s.group, s.optional_level = OPT, head.group or s.day_title, head.level
        s.current = None

    def _required_group_heading(self, head: h.Heading, block: Block) -> None:
        self.s.mode = REQ
        self._set_group(head.group, block)

    def _questions_heading(self, head: h.Heading, block: Block) -> None:
        s = self.s
        s.mode = DISCUSSION
        if head.weekday:
            self._set_day(head.weekday, head.level)
        else:
            self._leave_day(head.level)
        deadline = self._deadline(head.text)
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
            self._set_group(head.text, block)
        elif head.level == 7:
            self._keep_as_intro(f"**{head.text}**", block, warn=s.mode != INTRO)
        else:
            self._keep_as_intro(f"{'#' * head.level} {block.text}", block, warn=s.mode != INTRO)

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
            self._reading(block)
        elif s.mode == DISCUSSION and (
            block.number is not None or s.current or s.after_rule or "?" in block.text
        ):
            self._question(block)
        else:
            target = s.discussion_intro if s.mode == DISCUSSION else s.intro
            marker = f"{block.number}." if block.number is not None else "-"
            target.append(f"{marker} {block.full_text}")

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
            rest = block.text
        if rest.strip():
            self._text(Block("paragraph", block.line, rest.strip()))

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
            self._reading(block)
        elif s.mode == DISCUSSION:
            self._discussion_text(block)
        else:
            self._keep_as_intro(block.text, block, warn=s.mode != INTRO)
            self._intro_deadline(block.text)

    def _discussion_text(self, block: Block) -> None:
        s = self.s
        if (match := QUESTION_PARAGRAPH.match(block.text)) is not None:
            number = int(match.group("number"))
            self._question(Block("item", block.line, block.text[match.end() :], number=number))
            return
        if s.current is None and not s.after_rule:
            s.discussion_intro.append(block.text)
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
        section.intro = "\n\n".join(p for p in (section.intro, block.text) if p)
        deadline = self._deadline(block.text) if section.deadline is None else None
        self._section_deadline(deadline, block)
        if deadline is not None and not section.questions and current.auto_title:
            s.heading_deadline = deadline.when  # under "Questions for Monday": all its sections

    # helpers -----------------------------------------------------------------------------
    def _set_group(self, group: str, block: Block) -> None:
        self.close_group()
        self.s.group, self.s.open_group = group, (group, block)

    def close_group(self) -> None:
        """A group heading with no reading under it is kept as intro text, not lost."""
        if self.s.open_group is not None:
            group, block = self.s.open_group
            self.s.open_group = None
            self._keep_as_intro(f"**{group}**", block, warn=True)

    def _reading(self, block: Block) -> None:
        s = self.s
        parts = parse_reading(block.full_text)
        if not parts.url:
            s.warnings.append(f"line {block.line}: reading {parts.title[:60]!r} has no link")
        kind = parts.kind or s.mode
        url = self._usable_url(parts.url, block)
        if parts.url and not url:
            parts.citation = " ".join(p for p in (parts.citation, f"(link: {parts.url})") if p)
        parts.url = url
        s.open_group = None
        s.readings.append(
            ParsedReading(
                kind=kind, group=s.group, position=len(s.readings), number=block.number,
                title=parts.title, url=parts.url, citation=parts.citation, note=parts.note,
                abstract=parts.abstract,
            )
        )  # fmt: skip

    def _usable_url(self, url: str, block: Block) -> str:
        """A link the Reading.url field accepts: `arxiv.org/abs/1` gains https://; a link that
        is not a web address (`/local.pdf`) stays in the citation only, with a warning."""
        if not url or len(url) > 1000:
            return url
        for candidate in (url, f"https://{url}"):
            try:
                URL_VALIDATOR(candidate)
            except ValidationError:
                continue
            if candidate != url:
                self.s.warnings.append(f"line {block.line}: link {url!r} read as {candidate!r}")
            return candidate
        self.s.warnings.append(
            f"line {block.line}: link {url!r} is not a web address; kept in the reading's text"
        )
        return ""

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
        self._section_deadline(self._deadline(title), block)

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

    def _deadline(self, text: str) -> Deadline | None:
        s = self.s
        deadline = find_deadline(text, tz=s.tz, near=s.class_date)
        if deadline is not None:
            s.warnings.extend(deadline.warnings())
        return deadline

    def _section_deadline(self, deadline: Deadline | None, block: Block) -> None:
        if deadline is not None and self.s.current is not None:
            self.s.current.section.deadline = deadline.when

    def _intro_deadline(self, text: str) -> None:
        deadline = find_deadline(text, tz=self.s.tz, near=self.s.class_date)
        if deadline is not None:
            self.s.intro_deadlines.append(deadline)

    def _keep_as_intro(self, text: str, block: Block, *, warn: bool) -> None:
        self.s.intro.append(text)
        if warn:
            snippet = " ".join(text.split())[:70]
            self.s.warnings.append(f"line {block.line}: kept as intro text: {snippet!r}")
