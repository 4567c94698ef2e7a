"""Saving the structured week editor: a week's fields, readings, sections and questions.

The editor (pages/week_editor.py) reads its forms into a `WeekEdit` — the whole week as it
should be, in order — and `save_week_edit` writes it in one transaction. Rows keep their
ids: a reading, section or question the edit names by `id` is updated in place, one
without an id is created, one the edit leaves out is deleted. A question that already has
answers is never deleted (nor the section holding it): the edit is refused instead, so
editing a published week cannot lose a student's post.

Positions follow the edit's order; required readings are numbered 1, 2, … in that order
and questions 1, 2, … across the week. No permission checks here: views ask
`core.access.WeekAccess` first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from core.models import Question, QuestionSection, Reading, RevealPolicy, Week

# Existing rows step aside to positions this far up while the new order is written, so
# the (week, position) unique constraints never see two rows on one position.
POSITION_OFFSET = 10_000
STALE = " (someone saved the week meanwhile): reload the editor."


class WeekEditError(ValueError):
    """The edit cannot be saved as it is (the message says why, in one sentence)."""


@dataclass
class ReadingEdit:
    id: int | None
    title: str
    kind: str = Reading.Kind.REQUIRED
    group: str = ""
    url: str = ""
    citation: str = ""
    note: str = ""


@dataclass
class QuestionEdit:
    id: int | None
    body: str


@dataclass
class SectionEdit:
    id: int | None
    title: str
    day_label: str = ""
    deadline: dt.datetime | None = None
    reveal_policy: str = RevealPolicy.ALWAYS
    intro: str = ""
    questions: list[QuestionEdit] = field(default_factory=list)


@dataclass
class WeekEdit:
    title: str
    class_date: dt.date | None = None
    intro: str = ""
    discussion_intro: str = ""
    deadline: dt.datetime | None = None
    cutoff: dt.datetime | None = None
    publish_at: dt.datetime | None = None
    set_publish_at: bool = False  # staff only: the lead team does not schedule its week
    readings: list[ReadingEdit] = field(default_factory=list)
    sections: list[SectionEdit] = field(default_factory=list)

    def summary(self) -> str:
        required = sum(1 for r in self.readings if r.kind == Reading.Kind.REQUIRED)
        optional = len(self.readings) - required
        questions = sum(len(s.questions) for s in self.sections)
        return (
            f"{required} required and {optional} optional reading{'' if optional == 1 else 's'}, "
            f"{len(self.sections)} question section{'' if len(self.sections) == 1 else 's'}, "
            f"{questions} question{'' if questions == 1 else 's'}"
        )


def answered_question_ids(week: Week) -> set[int]:
    """The week's questions that have at least one comment (they cannot be removed)."""
    rows = Question.objects.filter(section__week=week, comments__isnull=False)
    return set(rows.values_list("pk", flat=True).distinct())


def check_edit(week: Week, edit: WeekEdit) -> None:
    """Refuse what the forms cannot see: ids of another week, a cut-off before the
    deadline, removing a question that has answers."""
    if not edit.title.strip():
        raise WeekEditError("The week needs a title.")
    if edit.cutoff and (not edit.deadline or edit.cutoff <= edit.deadline):
        raise WeekEditError("The cut-off must come after the deadline.")
    if edit.set_publish_at and week.status == Week.Status.SCHEDULED and not edit.publish_at:
        raise WeekEditError("A scheduled week needs a publish time.")
    readings = set(Reading.objects.filter(week=week).values_list("pk", flat=True))
    if {r.id for r in edit.readings if r.id} - readings:
        raise WeekEditError(f"A reading in the form is no longer in this week{STALE}")
    sections = set(QuestionSection.objects.filter(week=week).values_list("pk", flat=True))
    if {s.id for s in edit.sections if s.id} - sections:
        raise WeekEditError(f"A section in the form is no longer in this week{STALE}")
    owners = dict(Question.objects.filter(section__week=week).values_list("pk", "section_id"))
    for section in edit.sections:
        for question in section.questions:
            if question.id and owners.get(question.id) != section.id:
                raise WeekEditError(f"A question in the form is no longer in its section{STALE}")
    kept = {q.id for s in edit.sections for q in s.questions if q.id}
    if answered_question_ids(week) - kept:
        raise WeekEditError("A question that students have answered cannot be removed.")


def _save_week_fields(week: Week, edit: WeekEdit) -> None:
    week.title = edit.title.strip()
    week.class_date = edit.class_date
    week.intro = edit.intro
    week.discussion_intro = edit.discussion_intro
    week.deadline = edit.deadline
    week.cutoff = edit.cutoff
    if edit.set_publish_at:
        week.publish_at = edit.publish_at
    week.save()


def _save_readings(week: Week, edits: list[ReadingEdit]) -> None:
    rows = Reading.objects.filter(week=week)
    rows.exclude(pk__in=[r.id for r in edits if r.id]).delete()
    rows.update(position=F("position") + POSITION_OFFSET)
    existing = {r.pk: r for r in rows}
    number = 0
    for position, edit in enumerate(edits):
        reading = existing[edit.id] if edit.id else Reading(week=week)
        required = edit.kind == Reading.Kind.REQUIRED
        number += required
        reading.position, reading.number = position, (number if required else None)
        reading.kind, reading.group, reading.title = edit.kind, edit.group, edit.title
        reading.url, reading.citation, reading.note = edit.url, edit.citation, edit.note
        reading.save()


def _save_sections(week: Week, edits: list[SectionEdit]) -> None:
    rows = QuestionSection.objects.filter(week=week)
    rows.exclude(pk__in=[s.id for s in edits if s.id]).delete()
    rows.update(position=F("position") + POSITION_OFFSET)
    existing = {s.pk: s for s in rows}
    number = 0
    for position, edit in enumerate(edits):
        section = existing[edit.id] if edit.id else QuestionSection(week=week)
        section.position, section.title, section.day_label = position, edit.title, edit.day_label
        section.deadline, section.reveal_policy = edit.deadline, edit.reveal_policy
        section.intro = edit.intro
        section.save()
        questions = Question.objects.filter(section=section)
        questions.exclude(pk__in=[q.id for q in edit.questions if q.id]).delete()
        questions.update(position=F("position") + POSITION_OFFSET)
        current = {q.pk: q for q in questions}
        for index, question_edit in enumerate(edit.questions):
            number += 1
            question = current[question_edit.id] if question_edit.id else Question(section=section)
            question.position, question.number = index, str(number)
            question.body = question_edit.body
            question.save()


@transaction.atomic
def save_week_edit(week: Week, edit: WeekEdit) -> Week:
    """Write the edit over the week (fields, readings, sections, questions) at once."""
    locked = Week.objects.select_for_update().select_related("seminar").get(pk=week.pk)
    check_edit(locked, edit)
    _save_week_fields(locked, edit)
    _save_readings(locked, edit.readings)
    _save_sections(locked, edit.sections)
    return locked
