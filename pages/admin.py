"""The admin's page-level additions: exporting a whole seminar (every feature's rows)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from core.access import seminar_access
from core.admin import SeminarAdmin
from core.models import Seminar
from pages.archive import archive_filename, build_archive


@admin.action(description="Export the selected seminar as an archive (zip)")
def export_archive_action(
    modeladmin: admin.ModelAdmin[Seminar], request: HttpRequest, queryset: QuerySet[Seminar]
) -> HttpResponse | None:
    """pages/archive.py: weeks as week files, discussions, posts, teams, roster."""
    seminars = list(queryset[:2])
    if len(seminars) != 1:
        modeladmin.message_user(request, "Select exactly one seminar to export.", messages.WARNING)
        return None
    seminar = seminars[0]
    if not seminar_access(request.user, seminar).can_export_archive:
        modeladmin.message_user(request, f"Only staff of {seminar} may export it.", messages.ERROR)
        return None
    response = HttpResponse(build_archive(seminar), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive_filename(seminar)}"'
    return response


SeminarAdmin.actions = (*(SeminarAdmin.actions or ()), export_archive_action)
