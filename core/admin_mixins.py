"""The admin's shared pieces: seminar-local times, user autocompletes, reorderable inlines.

Used by core/admin.py and the feature apps' admin modules."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from core.models import (
    Seminar,
)
from core.timefmt import format_time

if TYPE_CHECKING:
    # What the mixins below are mixed into: their super() calls reach these classes.
    _ModelAdminBase = admin.ModelAdmin[Any]
    _AdminBase = admin.options.BaseModelAdmin[Any]


else:
    _ModelAdminBase = _AdminBase = object

LOCAL_FIELDS = ("deadline", "cutoff", "publish_at")
SMALL_TEXTAREA: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})},
    models.URLField: {"assume_scheme": "https"},
}


def local_datetime(value: dt.datetime | None, seminar: Seminar) -> str:
    """`Sun 3 Sep 2023, 5:29 pm EDT` in the seminar's zone (the year when not this one);
    an em dash when unset."""
    if value is None:
        return "—"
    return format_time(value, seminar.tz, timezone.now())


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None


def _seminar_zone_name(seminar_id: str | None) -> str | None:
    if not seminar_id:
        return None
    try:
        return Seminar.objects.filter(pk=seminar_id).values_list("timezone", flat=True).first()
    except (ValueError, TypeError, ValidationError):
        return None


class SeminarTimezoneMixin(_ModelAdminBase):
    """Bind, validate and render the change form in the seminar's time zone."""

    def seminar_zone_name(self, request: HttpRequest, object_id: str | None) -> str | None:
        """The time zone name of the seminar the form is about; the week and section
        admins find it from the object or the chosen seminar. None: the site's zone."""
        return None

    @contextmanager
    def seminar_zone(self, request: HttpRequest, object_id: str | None) -> Iterator[None]:
        zone = _zone(self.seminar_zone_name(request, object_id))
        request.seminar_zone = zone  # type: ignore[attr-defined]  # read by the help texts
        if zone is None:
            yield
            return
        with timezone.override(zone):
            yield

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        with self.seminar_zone(request, object_id):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                # Render now: a lazy TemplateResponse would format the datetimes after
                # the zone is deactivated.
                response.render()
        return response


def zone_help_text(request: HttpRequest | None, text: str) -> str:
    zone = getattr(request, "seminar_zone", None)
    where = f"the seminar's time zone ({zone.key})" if zone else "the chosen seminar's time zone"
    text = text.replace(", in the seminar's time zone", "")
    return f"{text} Entered and shown in {where}.".strip()


class LocalTimesMixin(_AdminBase):
    """Say on each datetime field which zone it is typed in."""

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in LOCAL_FIELDS:
            field.help_text = zone_help_text(request, str(db_field.help_text))
        return field


class KnownLabelAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels the selected option from the row's own (already
    fetched) related object instead of one query per inline row."""

    known_labels: dict[str, str] | None = None

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known_labels or {}
        if not selected or not selected <= known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for index, pk in enumerate(sorted(selected), start=len(options)):
            options.append(self.create_option(name, pk, known[pk], True, index))
        return [(None, options, 0)]


class KnownUserForm(forms.ModelForm[Any]):
    """An inline row whose `user` autocomplete is labelled without a query."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is None or not self.instance.user_id:
            return
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(widget, KnownLabelAutocompleteSelect):
            widget.known_labels = {str(self.instance.user_id): str(self.instance.user)}


class UserAutocompleteMixin(_AdminBase):
    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "user" and "widget" not in kwargs:
            kwargs["widget"] = KnownLabelAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReorderableInlinesMixin(_ModelAdminBase):
    """Let staff swap the positions of two inline rows in one save.

    Positions are unique per week (or section) in the database, and the formset saves
    row by row, so 1↔2 would collide halfway. Rows whose position changes are first
    moved out of the way; the formset has already checked that the final positions are
    distinct.
    """

    POSITION_OFFSET = 10_000

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        model = formset.model
        if any(f.name == "position" for f in model._meta.fields):
            moved = [
                f.instance.pk
                for f in formset.initial_forms
                if f.instance.pk and "position" in f.changed_data
            ]
            if moved:
                model.objects.filter(pk__in=moved).update(
                    position=F("position") + self.POSITION_OFFSET
                )
        super().save_formset(request, form, formset, change)
