"""Forms of the structured week editor (pages/week_editor.py).

One POST carries the whole week: its fields (prefix `week`), the readings formset
(`readings`), the sections formset (`sections`) and, inside each section, its questions
formset (`sections-<i>-q`). Every form is always bound: the editor opens on the saved
week written as form data (`week_data`), and the structural buttons — add, remove, move
up, move down — change that data (`apply_op`) and render it again, so nothing typed is
lost and the same code serves htmx and plain form posts.

Each item form has a hidden `id` (its row, blank when new) and `order`; a removed item
stays in the data with DELETE on, rendered as hidden fields only. An added item nobody
typed into is ignored on save.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.forms import formset_factory
from django.http import QueryDict
from django.utils import timezone

from core.models import Question, QuestionSection, Reading, RevealPolicy, Week
from core.week_editing import QuestionEdit, ReadingEdit, SectionEdit, WeekEdit

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
LAST = 10**6
BAD_URL = "Enter a full link, like https://example.org/paper.pdf."


def _when(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def _text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class WeekFieldsForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give the week a title."})
    class_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    intro = _text("Introduction", "Markdown, shown above the readings.", rows=5)
    discussion_intro = _text("Notes above the questions", "Markdown: the posting rule, in words.")
    deadline = _when("Posting deadline", "In the seminar's time zone.")
    cutoff = _when("Late cut-off", "Optional: between the deadline and this, posts count late.")
    publish_at = _when("Publish time", "When a scheduled week is published (staff set it).")

    def __init__(self, *args: Any, week: Week, can_schedule: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.week = week
        self.fields["publish_at"].disabled = not can_schedule

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deadline, cutoff = data.get("deadline"), data.get("cutoff")
        if cutoff and not deadline and "deadline" not in self.errors:
            self.add_error("cutoff", "Set a deadline before a cut-off.")
        elif cutoff and deadline and cutoff <= deadline:
            self.add_error("cutoff", "The cut-off must come after the deadline.")
        scheduled = self.week.status == Week.Status.SCHEDULED
        if scheduled and not self.fields["publish_at"].disabled and not data.get("publish_at"):
            self.add_error("publish_at", "A scheduled week needs a publish time.")
        return data


class ItemForm(forms.Form):
    """One reading, section or question: its row id and place in the list."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def has_changed(self) -> bool:
        """Typed into (an untouched new item is skipped); the hidden fields do not count."""
        return bool(self["id"].value()) or bool(set(self.changed_data) - {"id", "order"})


class ReadingForm(ItemForm):
    title = forms.CharField(
        max_length=500, error_messages={"required": "Give the reading a title, or remove it."}
    )
    url = forms.URLField(
        label="Link",
        max_length=1000,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": BAD_URL},
    )
    citation = _text("Citation", "Authors, venue, year (markdown).", rows=2)
    kind = forms.ChoiceField(label="Required or optional", choices=Reading.Kind.choices)
    group = forms.CharField(
        label="Group or day",
        max_length=200,
        required=False,
        help_text="The heading it is listed under, e.g. Monday or Background.",
    )
    note = forms.CharField(max_length=300, required=False, help_text='e.g. "sections 1, 3, 4"')


class SectionForm(ItemForm):
    title = forms.CharField(
        max_length=500, error_messages={"required": "Give the section a title, or remove it."}
    )
    day_label = forms.CharField(label="Day", max_length=40, required=False)
    deadline = _when("Section deadline", "Blank: the week's deadline.")
    reveal_policy = forms.ChoiceField(
        label="Classmates' answers shown", choices=RevealPolicy.choices
    )
    intro = _text("Instructions", "Markdown, shown above the section's questions.", rows=2)
    questions: ItemFormSet  # its questions (QuestionFormSet), set by WeekEditorForms


class QuestionForm(ItemForm):
    body = forms.CharField(
        label="Question",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the question, or remove it."},
    )


class ItemFormSet(forms.BaseFormSet):
    def live(self) -> list[Any]:
        """The items not removed, in the order the editor shows them."""
        kept = [(i, f) for i, f in enumerate(self.forms) if not f["DELETE"].value()]
        kept.sort(key=lambda pair: (_int(pair[1]["order"].value(), LAST), pair[0]))
        return [form for _, form in kept]

    def removed(self) -> list[Any]:
        return [form for form in self.forms if form["DELETE"].value()]

    def kept(self) -> list[Any]:
        """The live items with something in them (what saving writes)."""
        return [form for form in self.live() if form.has_changed()]


def _formset(form: type[forms.Form]) -> Any:
    return formset_factory(
        form, formset=ItemFormSet, extra=0, can_delete=True, max_num=300, absolute_max=300
    )


ReadingFormSet = _formset(ReadingForm)
SectionFormSet = _formset(SectionForm)
QuestionFormSet = _formset(QuestionForm)


def _int(value: object, default: int = 0) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


class WeekEditorForms:
    """The whole editor, bound to one set of data."""

    def __init__(self, data: QueryDict, *, week: Week, can_schedule: bool) -> None:
        self.week = week
        self.week_form = WeekFieldsForm(
            data,
            prefix="week",
            week=week,
            can_schedule=can_schedule,
            initial={"publish_at": week.publish_at},
        )
        self.readings = ReadingFormSet(data, prefix="readings")
        self.sections = SectionFormSet(data, prefix="sections")
        for form in self.sections.forms:
            form.questions = QuestionFormSet(data, prefix=f"{form.prefix}-q")
            if any(q.has_changed() for q in form.questions.live()):
                form.empty_permitted = False  # questions typed under it: it needs a title

    def is_valid(self) -> bool:
        valid = self.week_form.is_valid() & self.readings.is_valid() & self.sections.is_valid()
        cutoff = self.week_form.cleaned_data.get("cutoff") if self.week_form.is_bound else None
        for form in self.sections.live():
            valid &= form.questions.is_valid()
            if not form.has_changed():
                continue
            if not form.questions.kept():
                form.add_error(None, "Add at least one question to this section, or remove it.")
                valid = False
            deadline = form.cleaned_data.get("deadline") if form.is_valid() else None
            if deadline and cutoff and deadline > cutoff:
                form.add_error("deadline", "This deadline is after the week's late cut-off.")
                valid = False
        return bool(valid)

    def with_answers(self, answered: set[int]) -> set[str]:
        """The prefixes of the sections and questions that students have answered (kept)."""
        data = self.sections.data
        items = [f.prefix for f in self.sections.forms]
        items += [q.prefix for f in self.sections.forms for q in f.questions.forms]
        return {item for item in items if _has_answers(data, item, answered)}

    def quiet(self) -> None:
        """Validate without showing it: after add, remove or move nothing is judged."""
        formsets = [self.readings, self.sections, *(f.questions for f in self.sections.forms)]
        for form in [self.week_form, *(f for fs in formsets for f in fs.forms)]:
            form.full_clean()
            form._errors = forms.utils.ErrorDict()
        for formset in formsets:
            formset.full_clean()
            formset._errors, formset._non_form_errors = [], formset.error_class()

    def to_edit(self) -> WeekEdit:
        """The week as the forms say (call after is_valid)."""
        data = self.week_form.cleaned_data
        edit = WeekEdit(
            **{k: data[k] for k in ("title", "class_date", "intro", "discussion_intro")},
            deadline=data["deadline"],
            cutoff=data["cutoff"],
            publish_at=data["publish_at"],
            set_publish_at=not self.week_form.fields["publish_at"].disabled,
        )
        for form in self.readings.kept():
            fields = {k: v for k, v in form.cleaned_data.items() if k not in ("order", "DELETE")}
            edit.readings.append(ReadingEdit(**fields))
        for form in self.sections.kept():
            fields = {k: v for k, v in form.cleaned_data.items() if k not in ("order", "DELETE")}
            questions = [
                QuestionEdit(id=q.cleaned_data["id"], body=q.cleaned_data["body"])
                for q in form.questions.kept()
            ]
            edit.sections.append(SectionEdit(**fields, questions=questions))
        return edit


def _local(when: dt.datetime | None, week: Week) -> str:
    return timezone.localtime(when, week.seminar.tz).strftime(DATETIME_FORMAT) if when else ""


def _management(data: QueryDict, prefix: str, count: int) -> None:
    data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(count)


def week_data(week: Week, sections: list[QuestionSection]) -> QueryDict:
    """The saved week as the editor's form data (sections with questions prefetched)."""
    data = QueryDict(mutable=True)
    for name in ("title", "intro", "discussion_intro"):
        data[f"week-{name}"] = getattr(week, name)
    data["week-class_date"] = week.class_date.isoformat() if week.class_date else ""
    for name in ("deadline", "cutoff", "publish_at"):
        data[f"week-{name}"] = _local(getattr(week, name), week)
    readings: list[Reading] = list(week.readings.all())
    _management(data, "readings", len(readings))
    for i, reading in enumerate(readings):
        p = f"readings-{i}"
        data.update(
            {f"{p}-id": str(reading.pk), f"{p}-order": str(i + 1), f"{p}-kind": reading.kind}
        )
        for name in ("title", "url", "citation", "group", "note"):
            data[f"{p}-{name}"] = getattr(reading, name)
    _management(data, "sections", len(sections))
    for i, section in enumerate(sections):
        p = f"sections-{i}"
        data.update({f"{p}-id": str(section.pk), f"{p}-order": str(i + 1)})
        data.update({f"{p}-title": section.title, f"{p}-day_label": section.day_label})
        data.update({f"{p}-reveal_policy": section.reveal_policy, f"{p}-intro": section.intro})
        data[f"{p}-deadline"] = _local(section.deadline, week)
        questions: list[Question] = list(section.questions.all())
        _management(data, f"{p}-q", len(questions))
        for j, question in enumerate(questions):
            q = f"{p}-q-{j}"
            data.update({f"{q}-id": str(question.pk), f"{q}-order": str(j + 1)})
            data[f"{q}-body"] = question.body
    return data


OP = re.compile(r"^(add|remove|up|down):((?:readings|sections)(?:-\d+-q)?)(?:-(\d+))?$")
NEW_DEFAULTS: dict[str, dict[str, str]] = {
    "readings": {"kind": Reading.Kind.REQUIRED},
    "sections": {"reveal_policy": "always"},
}


def _live(data: QueryDict, prefix: str) -> list[str]:
    total = _int(data.get(f"{prefix}-TOTAL_FORMS"))
    items = [(i, f"{prefix}-{i}") for i in range(total) if not data.get(f"{prefix}-{i}-DELETE")]
    items.sort(key=lambda pair: (_int(data.get(f"{pair[1]}-order"), LAST), pair[0]))
    return [item for _, item in items]


def apply_op(data: QueryDict, op: str, answered: set[int]) -> str:
    """Add, remove or move one item in the (mutable) form data. Returns a sentence for
    the screen reader's live region, or why nothing happened."""
    match = OP.match(op)
    if match is None:
        return "Unknown button: nothing changed."
    verb, prefix, index = match[1], match[2], match[3]
    total = _int(data.get(f"{prefix}-TOTAL_FORMS"), -1)
    if total < 0:
        return "That list is not on the page any more: nothing changed."
    live = _live(data, prefix)
    kind = "question" if prefix.endswith("-q") else prefix[:-1]
    if verb == "add":
        if index is not None or total >= 300:
            return "Nothing added."
        item = f"{prefix}-{total}"
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
        _renumber(data, [*live, item])
        for name, value in NEW_DEFAULTS.get(prefix, {}).items():
            data[f"{item}-{name}"] = value
        if prefix == "sections":
            data[f"{item}-q-TOTAL_FORMS"], data[f"{item}-q-INITIAL_FORMS"] = "1", "0"
            data[f"{item}-q-0-order"] = "1"
        return f"Added a {kind}."
    item = f"{prefix}-{index}"
    if item not in live:
        return "That item is not on the page any more: nothing changed."
    if verb == "remove":
        if _has_answers(data, item, answered):
            return f"This {kind} has answers from students: it cannot be removed."
        data[f"{item}-DELETE"] = "on"
        return f"Removed the {kind}."
    place = live.index(item)
    other = place - 1 if verb == "up" else place + 1
    if not 0 <= other < len(live):
        return f"The {kind} is already {'first' if verb == 'up' else 'last'}."
    live[place], live[other] = live[other], live[place]
    _renumber(data, live)
    return f"Moved the {kind} {verb}."


def _renumber(data: QueryDict, items: list[str]) -> None:
    for n, item in enumerate(items, start=1):
        data[f"{item}-order"] = str(n)


def _has_answers(data: QueryDict, item: str, answered: set[int]) -> bool:
    if "-q-" in item:
        return _int(data.get(f"{item}-id"), -1) in answered
    if item.startswith("sections-"):
        total = _int(data.get(f"{item}-q-TOTAL_FORMS"))
        return any(_int(data.get(f"{item}-q-{j}-id"), -1) in answered for j in range(total))
    return False
