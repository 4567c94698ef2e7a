"""Staff download a whole seminar as one zip (weeks/archive.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.access import require, seminar_for_user
from pages.archive import archive_filename, build_archive


@require_safe
def archive_page(request: HttpRequest, seminar_slug: str) -> HttpResponse:
    access = seminar_for_user(request.user, seminar_slug)
    require(access.can_export_archive, "Only this seminar's staff export it.")
    context = {"access": access, "seminar": access.seminar, "current_seminar": access.seminar}
    return render(request, "weeks/lead/archive.html", context)


@require_safe
def archive_download(request: HttpRequest, seminar_slug: str) -> HttpResponse:
    access = seminar_for_user(request.user, seminar_slug)
    require(access.can_export_archive, "Only this seminar's staff export it.")
    response = HttpResponse(build_archive(access.seminar), content_type="application/zip")
    filename = archive_filename(access.seminar)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
