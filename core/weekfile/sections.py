"""After the walk: the sections it opened are tidied, titled, given their required answers,
deadlines and front-matter metadata, and linked to the readings they name."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from core.weekfile.deadlines import WEEKDAYS, Deadline
from core.weekfile.parsed import ParsedSection, ParsedWeek
from core.weekfile.state import WalkState

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
AT_LEAST = re.compile(r"\bat least (?P<n>one|two|three|four|five|[1-9])\b", re.IGNORECASE)
PAPER_REF = re.compile(r"\bpaper\s+(\d+)\b", re.IGNORECASE)
DAY_LABEL_MAX = 40


def finish_sections(state: WalkState) -> list[ParsedSection]:
    for entry in state.sections:
        entry.section.intro = "\n\n".join(entry.intro).strip()
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


def set_required_answers(sections: list[ParsedSection], discussion_intro: str) -> None:
    """ "answer at least two questions" in the rule (all sections) or in a section's intro."""
    default = _answers_asked(discussion_intro) or 1
    for section in sections:
        section.required_answers = _answers_asked(section.intro) or default


def week_deadline(state: WalkState, sections: list[ParsedSection]) -> dt.datetime | None:
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


def apply_section_meta(
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
        exact = entry.get("title", "")
        if exact and _norm(exact) == _norm(section.title):
            section.title = exact  # the heading, as typed (backticks, colons, emphasis)
        section.reveal_policy = entry.get("reveal", section.reveal_policy)
        section.day_label = str(entry.get("day", section.day_label))[:DAY_LABEL_MAX]
        section.deadline = entry.get("deadline", section.deadline)
        section.required_answers = entry.get("required_answers", section.required_answers)
        section.reading_title = str(entry.get("reading", section.reading_title))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def link_sections(week: ParsedWeek) -> None:
    """Link each section to the reading its title names ("Questions about `Title`"); the
    backticks around a reading's title are quotes and go, any other backticks are code."""
    titles = {_norm(r.title): r.title for r in week.readings if len(_norm(r.title)) >= 8}
    for section in week.sections:
        if not section.reading_title:
            section.reading_title = _reading_named_in(section.title, titles)
        section.title = " ".join(_unquote_readings(section.title, titles).split())


def check_section_readings(week: ParsedWeek) -> None:
    """A section names a reading the page lists, or none (with a warning)."""
    listed = {r.title for r in week.readings}
    for section in week.sections:
        if section.reading_title and section.reading_title not in listed:
            week.warnings.append(
                f"section {section.title!r} names reading {section.reading_title!r},"
                " which the page does not list"
            )
            section.reading_title = ""


def _names_reading(quoted: str, titles: dict[str, str]) -> str:
    q = _norm(quoted)
    for norm, original in titles.items():
        if q == norm or (len(q) >= 8 and norm.startswith(q)):
            return original
    return ""


def _unquote_readings(title: str, titles: dict[str, str]) -> str:
    return re.sub(
        r"`([^`]+)`",
        lambda m: m.group(1) if _names_reading(m.group(1), titles) else m.group(0),
        title,
    )


def _reading_named_in(title: str, titles: dict[str, str]) -> str:
    for quoted in re.findall(r"`([^`]+)`", title):
        if named := _names_reading(quoted, titles):
            return named
    wanted = _norm(title)
    contained = [norm for norm in titles if norm in wanted]
    return titles[max(contained, key=len)] if contained else ""
