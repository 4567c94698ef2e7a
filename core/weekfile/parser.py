"""Week file → ParsedWeek: front matter, then a walk over the body's blocks.

The walk keeps a mode — intro, required readings, optional readings, discussion — that
headings and keyword lines switch. Whatever cannot be classified is kept as intro text and
reported in `warnings`; nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core.weekfile import headings as h
from core.weekfile.blocks import Block, read_blocks
from core.weekfile.deadlines import (
    WEEKDAYS,
    Deadline,
    find_deadline,
    find_deadlines,
    weekday_in,
)
from core.weekfile.frontmatter import read_front_matter, split_front_matter
from core.weekfile.parsed import (
    OPTIONAL,
    REQUIRED,
    ParsedReading,
    ParsedSection,
    ParsedWeek,
    WeekFileError,
)
from core.weekfile.readings import BARE_URL, LINK, parse_reading

INTRO, REQ, OPT, DISCUSSION = "intro", REQUIRED, OPTIONAL, "discussion"
BOLD_NUMBER = re.compile(r"^\*\*(?P<number>[A-Za-z]?\d{1,3}[a-z]?)[.:)]\*\*\s*")
QUESTION_PARAGRAPH = re.compile(
    r"^\s*(?:\*\*|__)?Q(?:uestion)?\s*(?P<number>\d{1,3})\s*[.:)]\s*(?:\*\*|__)?\s*", re.IGNORECASE
)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
AT_LEAST = re.compile(r"\bat least (?P<n>one|two|three|four|five|[1-9])\b", re.IGNORECASE)
PAPER_REF = re.compile(r"\bpaper\s+(\d+)\b", re.IGNORECASE)
DAY_LABEL_MAX = 40
URL_VALIDATOR = URLValidator(schemes=["http", "https"])


@dataclass
class _Section:
    section: ParsedSection
    auto_title: bool = False  # no title written: named after its day or "Questions" later
    from_day: bool = False  # titled by a day heading only

    @property
    def empty(self) -> bool:
        return not self.section.questions and not self.section.intro


@dataclass
class _State:
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
    sections: list[_Section] = field(default_factory=list)
    current: _Section | None = None
    after_rule: bool = False
    heading_deadline: dt.datetime | None = None  # stated under a question heading: its sections'
    last_question: int = 0
    open_group: tuple[str, Block] | None = None  # a group heading no reading has used yet
    week_deadlines: list[Deadline] = field(default_factory=list)
    intro_deadlines: list[Deadline] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_week_file(text: str, *, tz: str, source: str = "<text>") -> ParsedWeek:
    """Read a week file without touching the database. Raises WeekFileError if unreadable."""
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise WeekFileError(f"{source}: unknown time zone {tz!r}") from exc
    raw, body, first_line = split_front_matter(text, source)
    fm = read_front_matter(raw, source, tz)
    state = _State(tz=tz, class_date=fm.class_date, warnings=list(fm.warnings))
    blocks = read_blocks(body, first_line)
    walker = _Walker(state, lists_are_readings=not _has_readings_heading(blocks))
    for block in blocks:
        walker.block(block)
    walker.close_group()
    sections = _finish_sections(state)
    _required_answers(sections, "\n\n".join(state.discussion_intro))
    _apply_section_meta(sections, fm.sections, state.warnings)
    week = ParsedWeek(
        title=fm.title,
        slug=fm.slug,
        number=fm.number,
        class_date=fm.class_date,
        draft=fm.draft,
        intro="\n\n".join(state.intro).strip(),
        discussion_intro="\n\n".join(state.discussion_intro).strip(),
        readings=state.readings,
        sections=sections,
        warnings=state.warnings,
    )
    week.deadline = fm.deadline or _week_deadline(state, sections)
    if week.deadline is None:
        state.warnings.append('no deadline found (e.g. "Before 5:29pm on Sunday, September 3")')
    _link_sections(week)
    return week


class _Walker:
    """Feeds blocks to the state, one handler per block kind."""

    def __init__(self, state: _State, *, lists_are_readings: bool) -> None:
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

    def _open_section(self, *, title: str, auto: bool = False, from_day: bool = False) -> _Section:
        """Start a section; it becomes the current one (returned too)."""
        s = self.s
        s.mode = DISCUSSION
        section = ParsedSection(
            position=len(s.sections), title=title, day_label=s.day, deadline=s.heading_deadline
        )
        s.current = _Section(section, auto_title=auto, from_day=from_day)
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


def _has_readings_heading(blocks: list[Block]) -> bool:
    kinds = (h.READINGS_KIND, h.COMBINED_KIND, h.OPTIONAL_KIND, h.REQUIRED_GROUP_KIND)
    for block in blocks:
        head = None
        if block.kind == "heading":
            head = h.classify(block.text, block.level)
        elif block.kind == "paragraph":
            head = h.pseudo_heading(block.text.partition("\n")[0])
        if head is not None and head.kind in kinds:
            return True
    return False


def _finish_sections(state: _State) -> list[ParsedSection]:
    kept = [e for e in state.sections if not (e.empty and (e.auto_title or e.from_day))]
    for entry in kept:
        if not entry.section.questions:
            state.warnings.append(f"section {entry.section.title!r} has no questions")
    untitled = [e for e in kept if e.auto_title and not e.section.day_label]
    for index, entry in enumerate(untitled, start=1):
        entry.section.title = "Questions" if len(untitled) == 1 else f"Questions, part {index}"
    for entry in kept:
        if entry.auto_title and entry.section.day_label:
            entry.section.title = entry.section.day_label
    sections = [entry.section for entry in kept]
    for position, section in enumerate(sections):
        section.position = position
        section.title = section.title[:500]
    return sections


def _answers_asked(text: str) -> int | None:
    match = AT_LEAST.search(text)
    if match is None:
        return None
    n = match.group("n").lower()
    return int(n) if n.isdigit() else NUMBER_WORDS[n]


def _required_answers(sections: list[ParsedSection], discussion_intro: str) -> None:
    """ "answer at least two questions" in the rule (all sections) or in a section's intro."""
    default = _answers_asked(discussion_intro) or 1
    for section in sections:
        section.required_answers = _answers_asked(section.intro) or default


def _week_deadline(state: _State, sections: list[ParsedSection]) -> dt.datetime | None:
    general = [d for d in state.week_deadlines if not _assign_to_sections(d, sections)]
    if general:
        others = {d.when for d in general[1:]} - {general[0].when}
        if others:
            state.warnings.append(
                f"several deadlines in the discussion intro; using {general[0].text!r}"
            )
        return general[0].when
    own = [s.deadline for s in sections if s.deadline is not None]
    if own:
        return max(own)
    if state.intro_deadlines:
        state.warnings.append(f"deadline taken from the intro: {state.intro_deadlines[0].text!r}")
        return state.intro_deadlines[0].when
    return None


def _assign_to_sections(deadline: Deadline, sections: list[ParsedSection]) -> bool:
    """A line like "Monday's questions: by 9pm Sunday, Oct 15" sets those sections' deadline."""
    own_day = deadline.when.strftime("%A").lower()
    days = {w for w in WEEKDAYS if re.search(rf"\b{w}", deadline.text, re.IGNORECASE)} - {own_day}
    papers = set(PAPER_REF.findall(deadline.text))
    targets = [
        s for s in sections
        if s.deadline is None and (
            any(s.day_label.lower().startswith(d) for d in days)
            or any(re.match(rf"paper\s+{p}\b", s.title, re.IGNORECASE) for p in papers)
        )
    ]  # fmt: skip
    for section in targets:
        section.deadline = deadline.when
    return bool(targets)


def _apply_section_meta(
    sections: list[ParsedSection], meta: list[dict[str, Any]], warnings: list[str]
) -> None:
    """[[sections]] tables in the front matter carry what the body cannot (exports write them)."""
    if not meta:
        return
    if len(meta) != len(sections):
        warnings.append(
            f"front matter describes {len(meta)} sections but the page has {len(sections)};"
            " its [[sections]] tables were ignored"
        )
        return
    for section, entry in zip(sections, meta, strict=True):
        section.day_label = str(entry.get("day", section.day_label))[:DAY_LABEL_MAX]
        section.deadline = entry.get("deadline", section.deadline)
        section.required_answers = entry.get("required_answers", section.required_answers)
        section.reading_title = str(entry.get("reading", section.reading_title))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _link_sections(week: ParsedWeek) -> None:
    """Link each section to the reading its title names (`Questions about \\`Title\\``)."""
    titles = {_norm(r.title): r.title for r in week.readings if len(_norm(r.title)) >= 8}
    for section in week.sections:
        if section.reading_title:
            if section.reading_title not in {r.title for r in week.readings}:
                week.warnings.append(
                    f"section {section.title!r} names reading {section.reading_title!r},"
                    " which the page does not list"
                )
                section.reading_title = ""
            continue
        section.reading_title = _reading_named_in(section.title, titles)
    for section in week.sections:
        section.title = " ".join(section.title.replace("`", "").split())


def _reading_named_in(title: str, titles: dict[str, str]) -> str:
    quoted = [_norm(q) for q in re.findall(r"`([^`]+)`", title)]
    for q in quoted:
        for norm, original in titles.items():
            if q == norm or (len(q) >= 8 and norm.startswith(q)):
                return original
    wanted = _norm(title)
    contained = [norm for norm in titles if norm in wanted]
    return titles[max(contained, key=len)] if contained else ""
