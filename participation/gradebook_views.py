"""The gradebook page for staff and its two downloads (Canvas, Moodle), under
/s/<seminar_slug>/participation/gradebook/. Staff of the seminar only: everyone else gets
what core.access answers (404 for a seminar they may not see, 403 for a member)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.access import SeminarAccess, seminar_view
from core.models import Seminar
from participation.gradebook import gradebook, gradebook_csv

NOT_STAFF = "Only this seminar's staff export its gradebook."


def gradebook_filename(seminar: Seminar, fmt: str) -> str:
    stamp = timezone.localtime(timezone.now(), seminar.tz).strftime("%Y-%m-%d")
    return f"gradebook-{fmt}-{seminar.slug}-{stamp}.csv"


def csv_response(seminar: Seminar, fmt: str) -> HttpResponse:
    """The seminar's gradebook as a CSV download in `fmt` ("canvas" or "moodle")."""
    # Plain UTF-8, no byte-order mark: the files are for the gradebook imports, and a mark
    # would stick to the first column's name ("Student") where a reader does not strip it.
    text = gradebook_csv(gradebook(seminar), fmt)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = gradebook_filename(seminar, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@seminar_view("can_export_gradebook", NOT_STAFF)
def page(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    book = gradebook(access.seminar)
    context: dict[str, Any] = {"seminar": access.seminar, "current_seminar": access.seminar}
    context |= {"access": access, "book": book}
    return render(request, "participation/gradebook.html", context)


@require_GET
@seminar_view("can_export_gradebook", NOT_STAFF)
def canvas(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return csv_response(access.seminar, "canvas")


@require_GET
@seminar_view("can_export_gradebook", NOT_STAFF)
def moodle(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return csv_response(access.seminar, "moodle")
