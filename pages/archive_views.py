"""Staff download a whole seminar as one zip (pages/archive.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.access import SeminarAccess, seminar_view
from pages.archive import archive_filename, build_archive

ONLY_STAFF = "Only this seminar's staff export it."


@require_safe
@seminar_view("can_export_archive", ONLY_STAFF)
def archive_page(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    context = {"access": access, "seminar": access.seminar, "current_seminar": access.seminar}
    return render(request, "weeks/lead/archive.html", context)


@require_safe
@seminar_view("can_export_archive", ONLY_STAFF)
def archive_download(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    response = HttpResponse(build_archive(access.seminar), content_type="application/zip")
    filename = archive_filename(access.seminar)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
