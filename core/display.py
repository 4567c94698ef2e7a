"""How deadlines and the weekly posting rule read on the page.

Pure functions over model instances (nothing here queries the database): deadlines in the
viewer's time zone ("Sun 3 Sep, 5:29 pm EDT", core.timefmt, the seminar's when no zone is
given), relative times ("in 2 days 3 hours"), and the posting rule in words, computed from
the week's sections, deadlines and late policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.utils.html import strip_tags
from django.utils.text import Truncator

from core import timefmt
from core.models import LatePolicy, PostingState, QuestionSection, Reading, Week
from core.posting import class_deadline

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
EXEMPTION = "leads and bloggers exempt"


def number_word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_deadline(when: dt.datetime, tz: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """`Sun 3 Sep, 5:29 pm EDT` in `tz`; the year is added when it is not the current one."""
    return timefmt.format_time(when, tz, now)


def relative_time(when: dt.datetime, now: dt.datetime) -> str:
    """`in 2 days 3 hours`, `2 hours ago`, `in 5 minutes`; `just now` within a minute."""
    return timefmt.relative_time(when, now)


@dataclass(frozen=True)
class Deadline:
    """One deadline as the page shows it: machine time, words, relative time and state."""

    when: dt.datetime
    text: str
    relative: str
    state: PostingState

    @property
    def iso(self) -> str:
        return self.when.isoformat()


def deadline_for(
    week: Week, when: dt.datetime | None, now: dt.datetime, tz: dt.tzinfo | None = None
) -> Deadline | None:
    """The deadline in `tz` (the viewer's zone; the seminar's when None)."""
    if when is None:
        return None
    tz = tz or week.seminar.tz
    return Deadline(
        when=when.astimezone(tz),
        text=format_deadline(when, tz, now),
        relative=relative_time(when, now),
        state=week.posting_state(now=now, deadline=when),
    )


@dataclass(frozen=True)
class RuleLine:
    """One sentence of the posting rule: `lead`, the deadline it names (if any), `tail`.

    Kept in parts so the page can wrap the deadline in a <time> element.
    """

    lead: str
    deadline: Deadline | None = None
    tail: str = ""

    @property
    def text(self) -> str:
        middle = f" by {self.deadline.text}" if self.deadline else ""
        return f"{self.lead}{middle}{self.tail}"


@dataclass(frozen=True)
class PostingRule:
    lines: list[RuleLine] = field(default_factory=list)
    late_note: str = ""

    @property
    def text(self) -> str:
        return " ".join(
            [line.text for line in self.lines] + ([self.late_note] * bool(self.late_note))
        )


def _section_label(section: QuestionSection, index: int) -> str:
    label = f"section {index}"
    return f"{label} ({section.day_label})" if section.day_label else label


def _what_to_answer(sections: Sequence[tuple[int, QuestionSection]], total: int) -> str:
    """`at least one question in each section`, or per section when the counts differ."""
    counts = {s.required_answers for _, s in sections}
    if len(counts) == 1:
        n = counts.pop()
        questions = "question" if n == 1 else "questions"
        if len(sections) == total == 1:
            return f"at least {number_word(n)} {questions}"
        if len(sections) == total:
            return f"at least {number_word(n)} {questions} in each section"
        where = " and ".join(_section_label(s, i) for i, s in sections)
        return f"at least {number_word(n)} {questions} in {where}"
    parts = [f"{number_word(s.required_answers)} in {_section_label(s, i)}" for i, s in sections]
    return "at least " + ", ".join(parts[:-1]) + " and " + parts[-1]


def _late_note(week: Week, tz: dt.tzinfo, now: dt.datetime) -> str:
    if week.cutoff is not None:
        return f"Late posts accepted until {format_deadline(week.cutoff, tz, now)}."
    if week.effective_late_policy == LatePolicy.ACCEPT:
        return "Late posts are accepted and marked late."
    return "Posting closes at the deadline."


def posting_rule(
    week: Week,
    sections: Sequence[QuestionSection],
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
) -> PostingRule:
    """The weekly rule in words, one sentence per distinct deadline.

    Sections that require no answers are left out; when none require any, the rule says
    answering is optional.
    """
    numbered = [(i, s) for i, s in enumerate(sections, start=1) if s.required_answers > 0]
    if not numbered:
        return PostingRule(lines=[RuleLine(lead="Answering the questions is optional this week.")])
    groups: dict[dt.datetime | None, list[tuple[int, QuestionSection]]] = {}
    for index, section in numbered:
        groups.setdefault(class_deadline(week, section), []).append((index, section))
    lines = []
    for when, members in sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or now)):
        lead = "Answer " + _what_to_answer(members, len(sections))
        lines.append(RuleLine(lead=lead, deadline=deadline_for(week, when, now, tz)))
    if len(lines) == 1:
        lines = [replace(lines[0], tail=f" — {EXEMPTION}.")]
    else:
        lines = [replace(line, tail=".") for line in lines]
        lines.append(RuleLine(lead="Leads and bloggers are exempt."))
    any_deadline = any(line.deadline for line in lines)
    late = _late_note(week, tz or week.seminar.tz, now) if any_deadline else ""
    return PostingRule(lines=lines, late_note=late)


def week_state(
    week: Week, deadlines: Sequence[dt.datetime], now: dt.datetime, tz: dt.tzinfo | None = None
) -> Deadline | None:
    """The deadline that matters now for a week list: the next one to come, else the last."""
    if not deadlines:
        return None
    ordered = sorted(set(deadlines))
    upcoming = [d for d in ordered if d > now]
    return deadline_for(week, upcoming[0] if upcoming else ordered[-1], now, tz)


def first_words(html: str, count: int = 10) -> str:
    """The first words of rendered markdown as plain text (the week page's question
    index; the template's `striptags|truncatewords`, without its cost per request)."""
    return Truncator(strip_tags(html)).words(count, truncate=" …")


def numbered_required(readings: list[Reading]) -> list[tuple[int, Reading]]:
    """Required readings with their displayed number: the course's own, else their order."""
    required = [r for r in readings if r.is_required]
    return [(r.number or index, r) for index, r in enumerate(required, start=1)]


def optional_groups(readings: list[Reading]) -> list[tuple[str, list[Reading]]]:
    """Optional readings under their group headings, groups in order of first appearance."""
    groups: dict[str, list[Reading]] = {}
    for reading in readings:
        if not reading.is_required:
            groups.setdefault(reading.group, []).append(reading)
    return list(groups.items())
