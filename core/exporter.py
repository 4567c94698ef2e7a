"""Week → week file, in the format `core.importer` reads (export then import round-trips).

The body is the course page as people write it; the front matter also carries what the
page cannot say unambiguously: the week number, its status and publish times, the time zone
its times were written in, the exact deadline and cut-off, the late policy, lock, staff-run
flag, participation rule and the staff's notes, and per question section its exact title,
day label, own deadline, required answers, reveal policy and the reading it is about.
Importing an export gives the same rows, and exporting them again gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from core import hooks
from core.models import Question, QuestionSection, Reading, Week
from core.weekfile.headings import DAY_KIND, classify

READINGS_HEADING = "# Readings"
REQUIRED_HEADING = "## Required Readings"
OPTIONAL_HEADING = "## Optional Additional Readings"
DISCUSSION_HEADING = "# Discussion Questions"


def export_week_file(week: Week) -> str:
    readings = list(week.readings.order_by("position"))
    sections = list(
        week.sections.order_by("position").select_related("reading").prefetch_related("questions")
    )
    parts = [_front_matter(week, sections)]
    if week.intro.strip():
        parts.append(week.intro.strip())
    if readings:
        parts.append("\n".join(_readings(readings)).strip())
    if sections or week.discussion_intro.strip():
        parts.append(DISCUSSION_HEADING)
        if week.discussion_intro.strip():
            parts.append(week.discussion_intro.strip())
        parts.extend(_section(section) for section in sections)
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(parts)) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    # A JSON string is a TOML basic string, once DEL (which JSON leaves alone) is escaped.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _week_fields(week: Week) -> dict[str, object]:
    """The week's own keys; optional ones only when set (a missing key means "not set")."""
    tz = week.seminar.tz
    fields: dict[str, object] = {
        "title": week.title,
        "slug": week.slug,
        "number": week.number,
        "draft": week.status != Week.Status.PUBLISHED,
    }
    if week.status == Week.Status.SCHEDULED:
        fields["status"] = week.status
    if week.class_date:
        fields["date"] = week.class_date.isoformat()
    fields["timezone"] = week.seminar.timezone
    times = {"deadline": week.deadline, "cutoff": week.cutoff, "publish_at": week.publish_at}
    if week.status == Week.Status.PUBLISHED:
        times["published_at"] = week.published_at
    fields.update({key: when.astimezone(tz) for key, when in times.items() if when})
    flags = {
        "late_policy": week.late_policy,
        "locked": week.is_locked,
        "staff_run": week.staff_run,
        "notes": week.notes.strip(),
    }
    fields.update({key: value for key, value in flags.items() if value})
    return fields


def _front_matter(week: Week, sections: list[QuestionSection]) -> str:
    tz = week.seminar.tz
    lines = ["+++", *(f"{k} = {_toml(v)}" for k, v in _week_fields(week).items())]
    if alternatives := hooks.week_rule().alternatives(week):
        lines += ["", "[rule]", f"alternatives = {_toml(alternatives)}"]
    for section in sections:
        lines += ["", "[[sections]]", f"title = {_toml(section.title)}"]
        lines.append(f"required_answers = {section.required_answers}")
        lines.append(f"day = {_toml(section.day_label)}")
        if section.deadline:
            lines.append(f"deadline = {_toml(section.deadline.astimezone(tz))}")
        lines.append(f"reveal = {_toml(section.reveal_policy)}")
        if section.reading:
            lines.append(f"reading = {_toml(section.reading.title)}")
    lines.append("+++")
    return "\n".join(lines)


def _readings(readings: list[Reading]) -> list[str]:
    """Readings in position order, opening a heading whenever the kind or group changes."""
    lines = [READINGS_HEADING, ""]
    kind: str = Reading.Kind.REQUIRED
    group = ""
    for reading in readings:
        if (reading.kind, reading.group) != (kind, group):
            lines += _block_heading(reading, kind, group)
            kind, group = reading.kind, reading.group
        lines += _reading(reading)
    return lines


def _block_heading(reading: Reading, kind: str, group: str) -> list[str]:
    headings: list[str] = []
    if reading.kind == Reading.Kind.REQUIRED:
        if kind != reading.kind or not reading.group:
            headings.append(REQUIRED_HEADING)
        if reading.group:
            is_day = classify(reading.group, 3).kind == DAY_KIND
            headings.append(f"### {reading.group if is_day else 'Required: ' + reading.group}")
    else:
        if kind != reading.kind or not reading.group:
            headings.append(OPTIONAL_HEADING)
        if reading.group:
            headings.append(f"### {reading.group}")
    lines = [""]
    for heading in headings:
        lines += [heading, ""]
    return lines


def _reading(reading: Reading) -> list[str]:
    marker = f"{reading.number}." if reading.number is not None else "-"
    title = f"[{reading.title}]({reading.url})" if reading.url else f"**{reading.title}**"
    text = " ".join(
        p for p in (f"{reading.note}:" if reading.note else "", title, reading.citation) if p
    )
    lines = [f"{marker} {text}"]
    indent = " " * (len(marker) + 1)
    for line in reading.abstract.splitlines():
        lines.append(f"{indent}> {line}".rstrip())
    return lines


def _section(section: QuestionSection) -> str:
    parts = [f"### {section.title}"]
    if section.intro.strip():
        parts.append(section.intro.strip())
    questions = [_question(q) for q in section.questions.all()]
    if questions:
        parts.append("\n".join(questions))
    return "\n\n".join(parts)


def _question(question: Question) -> str:
    number = question.number
    marker = f"{number}." if number.isdigit() else "-"
    lead = "" if number.isdigit() else f"**{number}.** "
    indent = " " * (len(marker) + 1)
    first, *rest = question.body.strip().splitlines() or [""]
    lines = [f"{marker} {lead}{first}"]
    lines += [f"{indent}{line}".rstrip() for line in rest]
    return "\n".join(lines)
