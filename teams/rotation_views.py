"""The staff pages that write the rotation of lead and blogging teams: generated from the
teams, imported from a CSV (preview, then apply), or edited one week at a time.

Like the other team pages (teams.views), they live at /s/<seminar>/teams/manage/… for the
seminar's staff only; every change is a POST that redirects with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import SeminarAccess
from core.models import Week
from teams import services
from teams.forms import (
    RotationForm,
    WeekPersonAddForm,
    WeekPersonRemoveForm,
    WeekSwapForm,
)
from teams.selectors import schedule_for, week_teams
from teams.views import CsvImport, csv_apply, csv_upload, render_page, staff_only


def _week(access: SeminarAccess, week_slug: str) -> Week:
    week = get_object_or_404(Week, seminar=access.seminar, slug=week_slug)
    week.seminar = access.seminar
    return week


# --- the rotation CSV: preview, then apply -------------------------------------------


ROTATION_CSV = CsvImport(
    kind="rotation_import",
    preview_of=services.rotation_preview_csv,
    apply=services.rotation_apply_csv,
    summary=lambda result: (
        f"Rotation imported: {len(result.changed)} week(s) changed, "
        f"{len(result.rows) - len(result.changed)} unchanged, "
        f"{len(result.invalid)} invalid row(s) skipped."
    ),
    done="teams:rotation",
)


@require_http_methods(["GET", "POST"])
@staff_only
def rotation_import(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return csv_upload(request, access, ROTATION_CSV)


@require_POST
@staff_only
def rotation_import_apply(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return csv_apply(request, access, ROTATION_CSV)


# --- generating the rotation ----------------------------------------------------------


def _rotation_page(
    request: HttpRequest, access: SeminarAccess, form: RotationForm, plan: Any = None
) -> HttpResponse:
    rows = None if plan else schedule_for(access)
    return render_page(request, access, "rotation.html", form=form, plan=plan, rows=rows)


@require_http_methods(["GET", "POST"])
@staff_only
def rotation(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    """The current rotation and the offset form; a POST previews the plan."""
    form = RotationForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        offset = form.cleaned_data["blog_offset"]
        try:
            plan = services.rotation_plan(seminar=access.seminar, blog_offset=offset)
        except ValidationError as exc:
            form.add_error("blog_offset", exc)
    return _rotation_page(request, access, form, plan)


@require_POST
@staff_only
def rotation_apply(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    form = RotationForm(request.POST)
    if form.is_valid():
        offset = form.cleaned_data["blog_offset"]
        try:
            summary = services.rotation_generate(seminar=access.seminar, blog_offset=offset)
        except ValidationError as exc:
            form.add_error("blog_offset", exc)
        else:
            messages.success(
                request,
                f"Rotation written: {summary.weeks_assigned} week(s) assigned, "
                f"{summary.weeks_skipped} staff-run week(s) skipped.",
            )
            return redirect("teams:rotation", access.seminar.slug)
    return _rotation_page(request, access, form)


# --- one week's teams -----------------------------------------------------------------


def _week_page(
    request: HttpRequest, access: SeminarAccess, week: Week, **forms: Any
) -> HttpResponse:
    forms.setdefault("swap_form", WeekSwapForm(seminar=access.seminar))
    forms.setdefault("add_form", WeekPersonAddForm(seminar=access.seminar))
    return render_page(
        request, access, "week_teams.html", week=week, teams=week_teams(week), **forms
    )


@require_GET
@staff_only
def week_edit(request: HttpRequest, access: SeminarAccess, week_slug: str) -> HttpResponse:
    return _week_page(request, access, _week(access, week_slug))


@require_POST
@staff_only
def week_swap(request: HttpRequest, access: SeminarAccess, week_slug: str) -> HttpResponse:
    week = _week(access, week_slug)
    form = WeekSwapForm(request.POST, seminar=access.seminar)
    if form.is_valid():
        kind, team = form.cleaned_data["team_kind"], form.cleaned_data["team"]
        try:
            services.week_team_swap(week=week, team_kind=kind, team=team)
        except ValidationError as exc:
            form.add_error("team", exc)
        else:
            duty = "leads" if kind == "lead" else "blogs"
            messages.success(request, f"{team.name} now {duty} {week.title}.")
            return redirect("teams:week", access.seminar.slug, week.slug)
    return _week_page(request, access, week, swap_form=form)


@require_POST
@staff_only
def week_add(request: HttpRequest, access: SeminarAccess, week_slug: str) -> HttpResponse:
    week = _week(access, week_slug)
    form = WeekPersonAddForm(request.POST, seminar=access.seminar)
    if form.is_valid():
        user, kind = form.cleaned_data["user"], form.cleaned_data["team_kind"]
        try:
            services.week_team_add(week=week, user=user, team_kind=kind)
        except ValidationError as exc:
            form.add_error("user", exc)
        else:
            duty = "lead" if kind == "lead" else "blogging"
            messages.success(request, f"Added {user.name} to the {duty} team of {week.title}.")
            return redirect("teams:week", access.seminar.slug, week.slug)
    return _week_page(request, access, week, add_form=form)


@require_POST
@staff_only
def week_remove(request: HttpRequest, access: SeminarAccess, week_slug: str) -> HttpResponse:
    week = _week(access, week_slug)
    form = WeekPersonRemoveForm(request.POST, week=week)
    if form.is_valid() and services.week_team_remove(week=week, user=form.cleaned_data["user"]):
        messages.success(request, f"Removed {form.cleaned_data['user'].name} from {week.title}.")
    else:
        messages.error(request, f"That person has no duty in {week.title}; nothing changed.")
    return redirect("teams:week", access.seminar.slug, week.slug)
