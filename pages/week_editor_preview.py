"""The week editor's preview: the week page's readings and questions, built in memory from
the unsaved forms (core.week_editing.WeekEdit) and rendered by the week page's own partials.
Nothing is written: the objects are never saved, their markdown is rendered by the one
sanitiser (RenderedMarkdownModel.render_markdown_fields)."""

from __future__ import annotations

import copy
from typing import Any

from django.utils import timezone

from core import display
from core.models import Question, QuestionSection, Reading, Week
from core.week_editing import WeekEdit


def _readings(week: Week, edit: WeekEdit) -> list[Reading]:
    readings = []
    for index, item in enumerate(edit.readings):
        reading = Reading(
            pk=item.id or -(index + 1),  # unsaved: the pk only names the preview's anchors
            week=week,
            position=index,
            kind=item.kind,
            group=item.group,
            title=item.title,
            url=item.url,
            citation=item.citation,
            note=item.note,
        )
        reading.render_markdown_fields()
        readings.append(reading)
    return readings


def _sections(week: Week, edit: WeekEdit, readings: list[Reading]) -> list[QuestionSection]:
    saved = {
        pk: (reading_id, required)
        for pk, reading_id, required in QuestionSection.objects.filter(week_id=week.pk).values_list(
            "pk", "reading_id", "required_answers"
        )
    }
    by_pk = {reading.pk: reading for reading in readings}
    now, sections, number = timezone.now(), [], 0
    for index, item in enumerate(edit.sections):
        section = QuestionSection(
            pk=item.id or -(index + 1),
            week=week,
            position=index,
            title=item.title,
            day_label=item.day_label,
            deadline=item.deadline,
            reveal_policy=item.reveal_policy,
            intro=item.intro,
            required_answers=saved[item.id][1] if item.id in saved else 1,
        )
        section.render_markdown_fields()
        section.reading = by_pk.get(saved[item.id][0]) if item.id in saved else None
        questions = []
        for place, entry in enumerate(item.questions):
            number += 1
            question = Question(pk=entry.id or -number, position=place, number=str(number))
            question.body = entry.body
            question.render_markdown_fields()
            questions.append(question)
        section.question_list = questions  # type: ignore[attr-defined]  # read by the partial
        section.own_deadline = (  # type: ignore[attr-defined]  # read by the partial
            display.deadline_for(week, item.deadline, now)
            if item.deadline and item.deadline != week.deadline
            else None
        )
        sections.append(section)
    return sections


def preview_context(week: Week, edit: WeekEdit) -> dict[str, Any]:
    """What the preview partial shows for `edit`, as the week page would show it."""
    draft = copy.copy(week)
    for name in ("title", "class_date", "intro", "discussion_intro", "deadline", "cutoff"):
        setattr(draft, name, getattr(edit, name))
    draft.render_markdown_fields()
    readings = _readings(draft, edit)
    sections = _sections(draft, edit, readings)
    return {
        "preview_week": draft,
        "preview_required": display.numbered_required(readings),
        "preview_optional": display.optional_groups(readings),
        "preview_sections": sections,
        "preview_rule": display.posting_rule(draft, sections, timezone.now()),
    }
