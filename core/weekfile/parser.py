"""Week file → ParsedWeek: front matter, then a walk over the body's blocks (walker.py,
keeping its state in state.py), then the sections it found are finished (sections.py).

The walk keeps a mode — intro, required readings, optional readings, discussion — that
headings and keyword lines switch. Text before the readings is the intro; whatever else
cannot be placed is kept in the week's notes and reported in `warnings`, and what was read
by a rule of thumb is listed in `guesses`; nothing is dropped.
"""

from __future__ import annotations

import zoneinfo

from core.weekfile import headings as h
from core.weekfile.blocks import Block, read_blocks
from core.weekfile.frontmatter import read_front_matter, split_front_matter
from core.weekfile.parsed import ParsedWeek, WeekFileError
from core.weekfile.sections import (
    apply_section_meta,
    check_section_readings,
    finish_sections,
    link_sections,
    set_required_answers,
    week_deadline,
)
from core.weekfile.state import WalkState
from core.weekfile.walker import Walker


def parse_week_file(text: str, *, tz: str, source: str = "<text>") -> ParsedWeek:
    """Read a week file without touching the database. Raises WeekFileError if unreadable."""
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise WeekFileError(f"{source}: unknown time zone {tz!r}") from exc
    raw, body, first_line = split_front_matter(text, source)
    fm = read_front_matter(raw, source, tz)
    state = WalkState(tz=tz, class_date=fm.class_date, warnings=list(fm.warnings))
    blocks = read_blocks(body, first_line)
    walker = Walker(
        state,
        lists_are_readings=not _has_readings_heading(blocks),
        lines=body.splitlines(),
        first_line=first_line,
    )
    for block in blocks:
        walker.block(block)
    walker.close_group()
    sections = finish_sections(state)
    set_required_answers(sections, "\n\n".join(state.discussion_intro))
    week = ParsedWeek(
        title=fm.title,
        slug=fm.slug,
        number=fm.number,
        class_date=fm.class_date,
        draft=fm.draft,
        status=fm.status,
        intro="\n\n".join(state.intro).strip(),
        discussion_intro="\n\n".join(state.discussion_intro).strip(),
        notes="\n\n".join(p for p in (fm.notes.strip(), *state.notes) if p).strip(),
        settings=fm.settings,
        readings=state.readings,
        sections=sections,
        warnings=state.warnings,
        guesses=state.guesses,
    )
    link_sections(week)
    apply_section_meta(sections, fm.sections, state.warnings)
    check_section_readings(week)
    week.deadline = fm.deadline or week_deadline(state, sections)
    if week.deadline is None:
        state.warnings.append('no deadline found (e.g. "Before 5:29pm on Sunday, September 3")')
    return week


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
