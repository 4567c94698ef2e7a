"""What a heading (or a bold / colon-ended pseudo-heading line) announces."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.weekfile.deadlines import MONTHS, TRIGGER, WEEKDAYS, weekday_in

QUESTIONS = re.compile(r"\b(?:questions?|discussions?)\b", re.IGNORECASE)
QUESTION_WORD = re.compile(r"\bquestions?\b", re.IGNORECASE)
READINGS = re.compile(r"\breadings?\b", re.IGNORECASE)
OPTIONAL_WORDS = re.compile(
    r"\b(optional|additional|further|supplementa\w*|extra|recommended|suggested|background"
    r"|if you have time|not\s+(?:required|mandatory)|may\s+be\s+(?:helpful|useful))\b",
    re.IGNORECASE,
)
REQUIRED_GROUP = re.compile(r"^required\s*(?:readings?)?\s*:\s*(?P<group>.+)$", re.IGNORECASE)
BARE_KIND = re.compile(
    r"^(?P<kind>required|mandatory|core|main|optional|further|additional|supplementa\w*|extra)"
    r"(?:\s+(?:readings?|materials?|papers?))?$",
    re.IGNORECASE,
)
DAY_START = re.compile(
    r"^(?:class|lecture|session|meeting)?\s*(?:on\s+)?(" + "|".join(WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
PAPER = re.compile(r"^[*_]*paper\s+\d+\s*[*_]*\s*[:.\-–—]", re.IGNORECASE)
QUESTIONS_ABOUT = re.compile(r"^[*_]*questions?\s+(?:about|on|regarding|for)\b", re.IGNORECASE)
BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)\1\s*:?\s*$")
COLON_LINE = re.compile(r"^\s*(?P<text>[^*#\[\]()`<>]{2,60}?)\s*:\s*$")
GENERIC_WORDS = {
    "discussion", "discussions", "questions", "question", "for", "the", "this", "week",
    "weeks", "s", "and", "class", "st", "nd", "rd", "th", *WEEKDAYS, *MONTHS,
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip

READINGS_KIND = "readings"
OPTIONAL_KIND = "optional"
QUESTIONS_KIND = "questions"  # a generic "Discussion Questions" heading
COMBINED_KIND = "combined"  # "Readings and Discussion Questions"
DAY_KIND = "day"
REQUIRED_GROUP_KIND = "required_group"
SECTION_KIND = "section"  # "Questions about `Title`": opens a question section anywhere
OTHER_KIND = "other"


@dataclass
class Heading:
    kind: str
    text: str  # the heading as written, without markup and a trailing colon
    level: int
    weekday: str = ""  # a weekday the heading names, capitalised
    group: str = ""  # a group name it carries ("Optional readings: Background")


def clean(text: str) -> str:
    text = text.strip().strip("*_").strip()
    return text[:-1].strip() if text.endswith(":") else text


def _without_parentheses(text: str) -> str:
    return re.sub(r"\([^)]*\)", " ", text)


def is_generic_questions(text: str) -> bool:
    words = re.findall(r"[a-z]+|\d+", _without_parentheses(text).lower())
    return all(w in GENERIC_WORDS or w.isdigit() for w in words)


def is_plain_readings(text: str) -> bool:
    """ "Readings", "Required Readings", "Readings for Monday:" — no group name in it."""
    extra = {"readings", "reading", "required", "main", "core"}
    words = re.findall(r"[a-z]+|\d+", _without_parentheses(text).lower())
    return all(w in GENERIC_WORDS or w in extra or w.isdigit() for w in words)


def is_day(text: str) -> bool:
    return (
        DAY_START.match(text) is not None
        and len(text.split()) <= 12
        and TRIGGER.search(text) is None
        and not QUESTIONS.search(text)
        and not READINGS.search(text)
    )


def classify(raw: str, level: int) -> Heading:
    text = clean(raw)
    plain = _without_parentheses(text)
    weekday = weekday_in(plain)
    questions, readings = QUESTIONS.search(plain), READINGS.search(plain)
    if questions and readings and readings.start() < questions.start():
        return Heading(COMBINED_KIND, text, level, weekday)
    if questions:
        if is_generic_questions(text):
            return Heading(QUESTIONS_KIND, text, level, weekday)
        kind = SECTION_KIND if QUESTIONS_ABOUT.match(text) else OTHER_KIND
        return Heading(kind, text, level, weekday)
    if (match := BARE_KIND.match(plain.strip())) is not None:
        optional = match.group("kind").lower() not in ("required", "mandatory", "core", "main")
        return Heading(OPTIONAL_KIND if optional else READINGS_KIND, text, level, weekday)
    if (match := REQUIRED_GROUP.match(text)) is not None:
        return Heading(REQUIRED_GROUP_KIND, text, level, group=match.group("group").strip())
    if READINGS.search(plain):
        group = text.split(":", 1)[1].strip() if ":" in text else ""
        kind = OPTIONAL_KIND if OPTIONAL_WORDS.search(plain.split(":")[0]) else READINGS_KIND
        return Heading(kind, text, level, weekday, group=group if kind == OPTIONAL_KIND else "")
    if is_day(text):
        return Heading(DAY_KIND, text, level, weekday)
    return Heading(OTHER_KIND, text, level, weekday)


def pseudo_heading(line: str) -> Heading | None:
    """A bold line (`**Background:**`) or a keyword line with a colon ("Optional Readings:")."""
    if (match := BOLD_LINE.match(line)) is not None:
        text = match.group("text").strip()
        if text.startswith("(") or (TRIGGER.search(text) and re.search(r"\d", text)):
            return None  # a bold deadline line, "**(Due: Sunday, 9pm)**"
        if "](" in text or "://" in text:
            return None  # a bold reading, "**[Title](url)**"
        return classify(text, 7)
    if (match := COLON_LINE.match(line)) is not None:
        heading = classify(match.group("text"), 7)
        if heading.kind != OTHER_KIND and heading.kind != REQUIRED_GROUP_KIND:
            return heading
    return None


def starts_section(line: str) -> bool:
    """ "Questions about `X`" or "Paper 1: X" — a line that opens a question section."""
    return QUESTIONS_ABOUT.match(line) is not None or PAPER.match(line) is not None


def day_label(text: str, limit: int = 40) -> str:
    """ "Monday, 16 October: Scalable oversight" → "Monday, 16 October" (the day, not the topic)."""
    label = re.split(r":|\s[-–—]\s", text, maxsplit=1)[0].strip()
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def names_discussion_only(text: str) -> bool:
    """ "Discussion for Monday": a question heading that does not say "questions"."""
    return QUESTIONS.search(text) is not None and QUESTION_WORD.search(text) is None


def looks_optional(text: str) -> bool:
    return OPTIONAL_WORDS.search(text) is not None
