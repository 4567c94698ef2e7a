"""Import a week file (TOML front matter + the course's markdown page) into a seminar.

`parse_week_file` reads without touching the database; `import_week_file` writes the week,
its readings, question sections and questions in one transaction. Replacing a week keeps
its row and updates readings, sections and questions in place by position, so comments
attached to the week and to questions that still exist survive a re-import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core import hooks
from core.models import Question, QuestionSection, Reading, Seminar, Week
from core.timefmt import format_time
from core.weekfile import (
    ParsedReading,
    ParsedSection,
    ParsedWeek,
    WeekExistsError,
    WeekFileError,
    parse_week_file,
)
from core.weekfile.parsed import OPTIONAL, REQUIRED

M = TypeVar("M", bound=models.Model)

__all__ = [
    "ImportResult",
    "ParsedReading",
    "ParsedSection",
    "ParsedWeek",
    "WeekExistsError",
    "WeekFileError",
    "import_week_file",
    "parse_week_file",
]


@dataclass
class ImportResult:
    week: Week
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    replaced: bool = False
    source: str = "<text>"
    guesses: list[str] = field(default_factory=list)
    parsed: ParsedWeek | None = None

    def report(self) -> str:
        c = self.counts
        week = self.week
        verb = "replaced" if self.replaced else "imported"
        lines = [
            f"{self.source}: {verb} {week.title!r} (slug {week.slug}, week {week.number},"
            f" {week.get_status_display().lower()}) into {week.seminar.slug}",
            f"  {_n(c['required_readings'], 'required reading')}, {_optional(c)},"
            f" {_n(c['sections'], 'question section')}, {_n(c['questions'], 'question')}",
            f"  deadline: {_when(week)}",
        ]
        if self.guesses:
            lines.append(f"  {len(self.guesses)} guess(es), check them:")
            lines.extend(f"  - {g}" for g in self.guesses)
        if week.notes.strip():
            lines.append("  the week has notes (lines to place by hand): see its Notes field")
        if self.warnings:
            lines.append(f"  {len(self.warnings)} warning(s):")
            lines.extend(f"  - {w}" for w in self.warnings)
        return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _optional(counts: dict[str, int]) -> str:
    readings, groups = counts["optional_readings"], counts["optional_groups"]
    if not readings:
        return "no optional readings"
    if not groups:
        return _n(readings, "optional reading")
    return f"{_n(readings, 'optional reading')} in {_n(groups, 'group')}"


def _when(week: Week) -> str:
    if week.deadline is None:
        return "none"
    when = format_time(week.deadline, week.seminar.tz, timezone.now())
    return f"{when} ({week.seminar.timezone})"


def import_week_file(
    text: str,
    *,
    seminar: Seminar,
    replace: bool = False,
    status: str | None = None,
    source: str = "<text>",
) -> ImportResult:
    """Create (or with `replace`, update) the week a file describes. All or nothing."""
    parsed = parse_week_file(text, tz=seminar.timezone, source=source)
    warnings = list(parsed.warnings)
    try:
        with transaction.atomic():
            existing = (
                Week.objects.select_for_update().filter(seminar=seminar, slug=parsed.slug).first()
            )
            if existing is not None and not replace:
                raise WeekExistsError(
                    f"{source}: week {parsed.slug!r} already exists in seminar {seminar.slug!r}"
                    " (use --replace to replace it)"
                )
            week = _save_week(parsed, seminar, existing, status, warnings, source, settings=True)
            readings = _save_readings(week, parsed.readings, source)
            _save_sections(week, parsed.sections, readings, source)
            if "alternatives" in parsed.settings:
                hooks.week_rule().set_alternatives(week, parsed.settings["alternatives"])
    except IntegrityError as exc:
        raise WeekFileError(f"{source}: the database refused the week: {exc}") from exc
    return ImportResult(
        week=week,
        counts=_counts(parsed),
        warnings=warnings,
        replaced=existing is not None,
        source=source,
        guesses=list(parsed.guesses),
        parsed=parsed,
    )


def _counts(parsed: ParsedWeek) -> dict[str, int]:
    return {
        "required_readings": len(parsed.readings_of(REQUIRED)),
        "optional_readings": len(parsed.readings_of(OPTIONAL)),
        "optional_groups": len([g for g in parsed.optional_groups if g]),
        "sections": len(parsed.sections),
        "questions": sum(len(s.questions) for s in parsed.sections),
    }


def _checked(obj: models.Model, source: str, what: str, exclude: list[str]) -> None:
    """Model validation as a one-line WeekFileError (lengths, URLs, choices)."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise WeekFileError(f"{source}: {what}: {problems}") from exc


def _save_week(
    parsed: ParsedWeek,
    seminar: Seminar,
    existing: Week | None,
    status: str | None,
    warnings: list[str],
    source: str,
    *,
    settings: bool = False,
) -> Week:
    """The week's row with the file's content; with `settings`, also the settings the file
    gives (publish times, cut-off, late policy, lock, staff-run)."""
    week = existing or Week(seminar=seminar, slug=parsed.slug)
    week.number = _free_number(seminar, parsed.number, existing, warnings)
    week.title = parsed.title
    week.class_date = parsed.class_date
    week.intro = parsed.intro
    week.discussion_intro = parsed.discussion_intro
    week.notes = parsed.notes
    week.deadline = parsed.deadline
    if settings:
        _apply_settings(week, parsed.settings)
    if week.cutoff is not None and (week.deadline is None or week.cutoff <= week.deadline):
        warnings.append("the week's cut-off was no longer after its deadline and was cleared")
        week.cutoff = None
    _set_status(week, status, parsed, source)
    _checked(week, source, f"week {parsed.slug!r}", exclude=["seminar"])
    week.save()
    return week


SETTING_FIELDS = {
    "cutoff": "cutoff",
    "publish_at": "publish_at",
    "late_policy": "late_policy",
    "locked": "is_locked",
    "staff_run": "staff_run",
}


def _apply_settings(week: Week, settings: dict[str, Any]) -> None:
    """The settings the file gives; the ones it leaves out keep the week's value."""
    for key, name in SETTING_FIELDS.items():
        if key in settings:
            setattr(week, name, settings[key])


def _set_status(week: Week, status: str | None, parsed: ParsedWeek, source: str) -> None:
    """`status` as asked (None: the file's). A published week keeps the time it was
    published (the file's `published_at`, else now); any other status has none."""
    status = status or parsed.status
    if status not in Week.Status.values:
        raise WeekFileError(f"{source}: unknown status {status!r}")
    if status == Week.Status.SCHEDULED and week.publish_at is None:
        raise WeekFileError(f"{source}: a scheduled week needs a publish time (publish_at)")
    week.status = status
    if status != Week.Status.PUBLISHED:
        week.published_at = None
    elif parsed.settings.get("published_at") is not None:
        week.published_at = parsed.settings["published_at"]
    elif week.published_at is None:
        week.published_at = timezone.now()


def _free_number(
    seminar: Seminar, wanted: int | None, existing: Week | None, warnings: list[str]
) -> int:
    others = Week.objects.filter(seminar=seminar)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    taken = set(others.values_list("number", flat=True))
    if wanted is not None and wanted not in taken:
        return wanted
    number = max(taken, default=0) + 1
    if wanted is not None:
        warnings.append(f"week number {wanted} is taken in this seminar; using {number}")
    return number


def _reuse(rows: list[M], count: int) -> list[M | None]:
    """The existing rows to update, by position, padded with None for rows to create."""
    for surplus in rows[count:]:
        surplus.delete()
    return [*rows[:count], *[None] * (count - len(rows))]


def _save_readings(week: Week, parsed: list[ParsedReading], source: str) -> dict[str, Reading]:
    existing = list(week.readings.order_by("position"))
    by_title: dict[str, Reading] = {}
    for item, row in zip(parsed, _reuse(existing, len(parsed)), strict=True):
        reading = row or Reading(week=week)
        reading.kind = item.kind
        reading.group = item.group
        reading.position = item.position
        reading.number = item.number
        reading.title = item.title
        reading.url = item.url
        reading.citation = item.citation
        reading.note = item.note
        reading.abstract = item.abstract
        _checked(reading, source, f"reading {item.title[:60]!r}", exclude=["week"])
        reading.save()
        by_title.setdefault(item.title, reading)
    return by_title


def _save_sections(
    week: Week, parsed: list[ParsedSection], readings: dict[str, Reading], source: str
) -> None:
    existing = list(week.sections.order_by("position"))
    for item, row in zip(parsed, _reuse(existing, len(parsed)), strict=True):
        section = row or QuestionSection(week=week)
        section.position = item.position
        section.title = item.title
        section.intro = item.intro
        section.reading = readings.get(item.reading_title) if item.reading_title else None
        section.day_label = item.day_label
        section.deadline = item.deadline
        section.required_answers = item.required_answers
        if item.reveal_policy is not None:
            section.reveal_policy = item.reveal_policy
        _checked(section, source, f"section {item.title[:60]!r}", exclude=["week", "reading"])
        section.save()
        _save_questions(section, item.questions, source)


def _save_questions(section: QuestionSection, parsed: list[tuple[str, str]], source: str) -> None:
    existing = list(section.questions.order_by("position")) if section.pk else []
    for position, ((number, body), row) in enumerate(
        zip(parsed, _reuse(existing, len(parsed)), strict=True)
    ):
        question = row or Question(section=section)
        question.position = position
        question.number = number
        question.body = body
        _checked(question, source, f"question {number}", exclude=["section"])
        question.save()
