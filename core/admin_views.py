"""The admin page that uploads a week file and imports it (Week changelist → "Import week file")."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import reverse

from core.access.lookups import admin_seminars
from core.importer import ImportResult, WeekFileError, import_week_file, parse_week_file
from core.models import Seminar, Week

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from core.admin import WeekAdmin

MAX_FILE_BYTES = 1_000_000


class WeekImportForm(forms.Form):
    seminar = forms.ModelChoiceField(queryset=Seminar.objects.order_by("title"))
    file = forms.FileField(
        label="Week file",
        help_text="A week page in markdown with TOML front matter (title, slug, date).",
    )
    replace = forms.BooleanField(
        label="Replace existing week",
        required=False,
        help_text="Update the week with the same slug in place; otherwise such a file is refused.",
    )

    def clean_file(self) -> str:
        """The file's text, decoded; a clear error for anything that is not UTF-8 text."""
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise ValidationError("The file is larger than 1 MB; a week page is much smaller.")
        data: bytes = upload.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "The file is not UTF-8 text; save it as UTF-8 and retry."
            ) from exc


def _import(form: WeekImportForm, *, source: str) -> ImportResult | None:
    """Import the form's file, or put on the form why not. A new week comes in as a
    draft; a replaced week keeps its status, so re-importing a live week does not hide
    it from students."""
    seminar: Seminar = form.cleaned_data["seminar"]
    text: str = form.cleaned_data["file"]
    replace: bool = form.cleaned_data["replace"]
    try:
        parsed = parse_week_file(text, tz=seminar.timezone, source=source)
        existing = Week.objects.filter(seminar=seminar, slug=parsed.slug)
        status = existing.values_list("status", flat=True).first()
        if status and not replace:
            form.add_error(
                "replace",
                f"Week “{parsed.slug}” already exists in {seminar}:"
                " tick “Replace existing week” to replace it.",
            )
            return None
        return import_week_file(
            text,
            seminar=seminar,
            replace=replace,
            status=status or Week.Status.DRAFT,
            source=source,
        )
    except WeekFileError as exc:
        form.add_error("file", str(exc))
    except ValidationError as exc:
        form.add_error("file", exc.messages)
    return None


def week_import(request: HttpRequest, *, model_admin: WeekAdmin) -> HttpResponse:
    """Upload a week file into a seminar; on success, go to the imported week with the
    import report as a message. A bad file keeps the form, with the reason on it."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        form = WeekImportForm(request.POST, request.FILES)
    else:
        form = WeekImportForm(initial={"seminar": request.GET.get("seminar")})
    # Only the seminars this user manages (every one for a superuser).
    seminar_field = cast("forms.ModelChoiceField[Seminar]", form.fields["seminar"])
    seminar_field.queryset = admin_seminars(request.user).order_by("title")
    if form.is_bound and form.is_valid():
        # One file under that name (MultiValueDict's [] stands for a missing one).
        upload = cast("UploadedFile[bytes]", request.FILES["file"])
        result = _import(form, source=upload.name or "<upload>")
        if result is not None:
            # What the importer guessed or could not place is for staff to check: a warning.
            level = messages.WARNING if result.warnings or result.guesses else messages.SUCCESS
            messages.add_message(request, level, linebreaksbr(result.report()))
            return redirect(reverse("admin:weeks_week_change", args=[result.week.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Week._meta,
        "title": "Import a week file",
        "form": form,
        # AdminForm renders any form; django-stubs types it for ModelForms only.
        "adminform": helpers.AdminForm(
            form,  # type: ignore[arg-type]
            [(None, {"fields": list(form.fields)})],
            {},
        ),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/weeks/week/import.html", context)
