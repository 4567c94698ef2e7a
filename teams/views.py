"""The seminar's schedule, and the staff pages that form teams.

The rotation's pages are in teams.rotation_views, using `staff_only`, `render_page` and
the CSV preview helpers below. Staff pages live at /s/<seminar>/teams/manage/…: staff of
that seminar only (others get a 404 when they may not see the seminar, a 403 when they
may). Every change is a POST that redirects with a message; a refused change re-renders
its page with the typed input kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import SeminarAccess, seminar_view
from teams import services
from teams.forms import (
    CsvForm,
    PreviewDigestForm,
    TeamGenerateForm,
    TeamMemberForm,
    TeamNameForm,
)
from teams.models import Team, TeamMembership
from teams.selectors import schedule_for, students_without_team, teams_overview

# Every team page is for the seminar's staff (the schedule, below, is for every member).
staff_only = seminar_view("can_manage_teams", "Only this seminar's staff manage its teams.")


def render_page(
    request: HttpRequest, access: SeminarAccess, template: str, **context: Any
) -> HttpResponse:
    context |= {"access": access, "seminar": access.seminar, "current_seminar": access.seminar}
    return render(request, f"teams/{template}", context)


def _team(access: SeminarAccess, team_id: int) -> Team:
    return get_object_or_404(Team, pk=team_id, seminar=access.seminar)


# --- the schedule, for members (and visitors of a public seminar) ---------------------


@login_not_required  # public seminars show their schedule; the decorator checks
@require_GET
@seminar_view()
def schedule(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return render_page(request, access, "schedule.html", rows=schedule_for(access))


# --- forming teams by hand ------------------------------------------------------------


def _overview(
    request: HttpRequest, access: SeminarAccess, create_form: TeamNameForm
) -> HttpResponse:
    overview = teams_overview(access.seminar)
    return render_page(
        request, access, "teams_overview.html", overview=overview, create_form=create_form
    )


@require_GET
@staff_only
def overview(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return _overview(request, access, TeamNameForm())


@require_POST
@staff_only
def team_create(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    form = TeamNameForm(request.POST)
    if form.is_valid():
        try:
            team = services.team_create(seminar=access.seminar, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, f"Created team {team.name}.")
            return redirect("teams:team", access.seminar.slug, team.pk)
    return _overview(request, access, form)


def _team_page(
    request: HttpRequest,
    access: SeminarAccess,
    team: Team,
    rename_form: TeamNameForm | None = None,
    add_form: TeamMemberForm | None = None,
) -> HttpResponse:
    add_form = add_form or TeamMemberForm(seminar=access.seminar)
    # Offer only students in no team; a stale choice still gets the service's message.
    add_form.fields["user"].queryset = students_without_team(access.seminar)  # type: ignore[attr-defined]
    members = TeamMembership.objects.filter(team=team).select_related("user")
    return render_page(
        request,
        access,
        "team_detail.html",
        team=team,
        members=[m.user for m in members.order_by("user__email")],
        rename_form=rename_form or TeamNameForm(initial={"name": team.name}),
        add_form=add_form,
    )


@require_http_methods(["GET", "POST"])
@staff_only
def team_detail(request: HttpRequest, access: SeminarAccess, team_id: int) -> HttpResponse:
    """The team's page; a POST renames it."""
    team = _team(access, team_id)
    form = TeamNameForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        old = team.name
        try:
            services.team_rename(team=team, name=form.cleaned_data["name"])
        except ValidationError as exc:
            team.name = old
            form.add_error("name", exc)
        else:
            messages.success(request, f"Renamed team {old} to {team.name}.")
            return redirect("teams:team", access.seminar.slug, team.pk)
    return _team_page(request, access, team, rename_form=form)


@require_POST
@staff_only
def team_delete(request: HttpRequest, access: SeminarAccess, team_id: int) -> HttpResponse:
    team = _team(access, team_id)
    released = services.team_delete(team=team)
    messages.success(
        request,
        f"Deleted team {team.name}; {released} student(s) are now in no team. Weeks already "
        "assigned keep their people until you generate the rotation again.",
    )
    return redirect("teams:overview", access.seminar.slug)


@require_POST
@staff_only
def member_add(request: HttpRequest, access: SeminarAccess, team_id: int) -> HttpResponse:
    team = _team(access, team_id)
    form = TeamMemberForm(request.POST, seminar=access.seminar)
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            services.team_member_add(team=team, user=user)
        except ValidationError as exc:
            form.add_error("user", exc.messages)
        else:
            messages.success(request, f"Added {user.name} to {team.name}.")
            return redirect("teams:team", access.seminar.slug, team.pk)
    return _team_page(request, access, team, add_form=form)


@require_POST
@staff_only
def member_remove(request: HttpRequest, access: SeminarAccess, team_id: int) -> HttpResponse:
    team = _team(access, team_id)
    form = TeamMemberForm(request.POST, seminar=access.seminar)
    if form.is_valid() and services.team_member_remove(team=team, user=form.cleaned_data["user"]):
        messages.success(request, f"Removed {form.cleaned_data['user'].name} from {team.name}.")
    else:
        messages.error(request, f"That person is not in {team.name}; nothing changed.")
    return redirect("teams:team", access.seminar.slug, team.pk)


@require_http_methods(["GET", "POST"])
@staff_only
def teams_generate(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    form = TeamGenerateForm(request.POST or None)
    has_teams = TeamMembership.objects.filter(seminar=access.seminar).exists()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if has_teams and not data["replace"]:
            form.add_error("replace", "Students are already in teams: tick this to replace them.")
        else:
            try:
                teams = services.teams_generate(
                    seminar=access.seminar, count=data["count"], seed=data["seed"]
                )
            except ValidationError as exc:
                form.add_error("count", exc)
            else:
                messages.success(request, f"Dealt the class at random into {len(teams)} teams.")
                return redirect("teams:overview", access.seminar.slug)
    return render_page(request, access, "teams_generate.html", form=form, has_teams=has_teams)


# --- CSV imports: preview, then apply -------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def csv_preview(
    request: HttpRequest,
    access: SeminarAccess,
    form: CsvForm,
    kind: str,
    preview_of: Callable[..., Any],
    warning: str = "",
) -> HttpResponse:
    """The upload page with errors, or the preview page with a form to apply the text."""
    if form.is_valid():
        text = form.cleaned_data["text"]
        try:
            preview = preview_of(seminar=access.seminar, text=text)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            apply_form = CsvForm(initial={"text": text})
            return render_page(
                request,
                access,
                f"{kind}_preview.html",
                preview=preview,
                apply_form=apply_form,
                digest=_digest(text),
                warning=warning,
            )
    return render_page(request, access, f"{kind}_upload.html", form=form)


def previewed_unchanged(request: HttpRequest, form: CsvForm) -> bool:
    """Whether the text to apply is the one the preview showed (it sits in an editable box)."""
    seen = PreviewDigestForm(request.POST)
    if not (form.is_valid() and seen.is_valid()):
        return False
    return seen.cleaned_data["digest"] == _digest(form.cleaned_data["text"])


@dataclass(frozen=True)
class CsvImport:
    """One CSV import of the staff pages: its templates' prefix, preview, apply and result."""

    kind: str  # templates teams/<kind>_upload.html and teams/<kind>_preview.html
    preview_of: Callable[..., Any]
    apply: Callable[..., Any]
    summary: Callable[[Any], str]  # the success message, from apply's result
    done: str  # the URL name to go to after applying


def csv_upload(request: HttpRequest, access: SeminarAccess, spec: CsvImport) -> HttpResponse:
    """GET: the upload form; POST: the preview of the uploaded or pasted text."""
    if request.method == "GET":
        return render_page(request, access, f"{spec.kind}_upload.html", form=CsvForm())
    form = CsvForm(request.POST, request.FILES)
    return csv_preview(request, access, form, spec.kind, spec.preview_of)


def csv_apply(request: HttpRequest, access: SeminarAccess, spec: CsvImport) -> HttpResponse:
    """Apply the previewed text, or show the preview again when the text changed."""
    form = CsvForm(request.POST)
    if not previewed_unchanged(request, form):
        warning = "The CSV changed since the preview: check this preview, then apply."
        return csv_preview(request, access, form, spec.kind, spec.preview_of, warning)
    result = spec.apply(seminar=access.seminar, text=form.cleaned_data["text"])
    messages.success(request, spec.summary(result))
    return redirect(spec.done, access.seminar.slug)


TEAMS_CSV = CsvImport(
    kind="teams_import",
    preview_of=services.teams_from_csv_preview,
    apply=services.teams_from_csv_apply,
    summary=lambda result: (
        f"Teams imported: {len(result.adds)} added, {len(result.moves)} moved, "
        f"{len(result.unchanged)} unchanged, {len(result.invalid)} invalid row(s) skipped."
    ),
    done="teams:overview",
)


@require_http_methods(["GET", "POST"])
@staff_only
def teams_import(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return csv_upload(request, access, TEAMS_CSV)


@require_POST
@staff_only
def teams_import_apply(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return csv_apply(request, access, TEAMS_CSV)
