"""The structured week editor: the lead team's draft week, or any week of a seminar for
its staff (core.access: `WeekAccess.can_edit_week`).

/s/<seminar>/w/<week>/prepare/ — the week's fields, its readings and its question
sections with their questions, as forms (pages/week_editor_forms.py). Buttons:
- add / remove / move up / move down (`op`): the forms come back with the change and
  everything typed kept, nothing judged or saved. With htmx only the forms are swapped;
- Preview (`action=preview`): the page again with the week as students would see it,
  built from the unsaved forms; with htmx the preview beside the forms follows typing
  through …/prepare/preview/;
- Save draft / Save and submit for review: validated, then written at once
  (leads.services.save_week_form → core.week_editing); errors stay next to their field.
…/prepare/week.md downloads the saved week as a week file; …/prepare/import/ reads one
(pages/lead_views.py). Staff's review forms sit on this page too (pages/lead_views.review).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.access import WeekAccess, require, seminar_for_user, week_access
from core.lead_models import WeekReview
from core.models import Question, QuestionSection, Week
from core.week_editing import WeekEditError, answered_question_ids
from leads import services as lead_services
from pages.lead_views import submit_for_review
from pages.week_editor_forms import WeekEditorForms, apply_op, week_data
from pages.week_editor_preview import preview_context

TEMPLATE = "weeks/editor/editor.html"
NOT_YOURS = "Only this week's lead team (before it is published) and staff edit it."
WAITING = "This week is waiting for staff: withdraw it from review to edit it again."


def editor_access(request: HttpRequest, seminar_slug: str, week_slug: str) -> WeekAccess:
    """404 when the user may not see the week, 403 when they see it but may not edit it."""
    access = seminar_for_user(request.user, seminar_slug)
    week = Week.objects.filter(seminar=access.seminar, slug=week_slug).first()
    if week is None:
        raise Http404("No such week")
    week.seminar = access.seminar
    wa = week_access(access, week)
    if not wa.can_edit_week(None):
        if wa.can_view:
            raise PermissionDenied(NOT_YOURS)
        raise Http404("No such week")
    return wa


def editor_url(week: Week) -> str:
    return reverse("weeks:lead_prepare", args=[week.seminar.slug, week.slug])


def _saved_sections(week: Week) -> list[QuestionSection]:
    questions = Prefetch("questions", queryset=Question.objects.order_by("position"))
    return list(week.sections.prefetch_related(questions).order_by("position"))


def _forms(wa: WeekAccess, data: Any) -> WeekEditorForms:
    return WeekEditorForms(data, week=wa.week, can_schedule=wa.is_staff)


def _context(
    wa: WeekAccess, review: WeekReview | None, forms: WeekEditorForms, **extra: Any
) -> dict[str, Any]:
    week = wa.week
    return {
        "access": wa,
        "week": week,
        "seminar": week.seminar,
        "current_seminar": week.seminar,
        "forms": forms,
        "locked": forms.with_answers(answered_question_ids(week)),  # no Remove button
        "review": review,
        "review_state": review.get_state_display() if review else WeekReview.State.DRAFT.label,
        "history": lead_services.history(review),
        "can_edit": wa.can_edit_week(review),
        "can_submit": wa.can_submit_week(review),
        "can_withdraw": wa.can_withdraw_week(review),
        "can_review": wa.can_review_week(review),
        "can_import": wa.can_prepare_week and wa.can_edit_week_text(review),
        "timezone_name": week.seminar.timezone,
        **extra,
    }


def _page(
    request: HttpRequest,
    wa: WeekAccess,
    review: WeekReview | None,
    forms: WeekEditorForms,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(request, TEMPLATE, _context(wa, review, forms, **extra), status=status)


def _structural(
    request: HttpRequest, wa: WeekAccess, review: WeekReview | None, op: str
) -> HttpResponse:
    """Add, remove or move an item: the forms again, changed, nothing judged or saved."""
    data = request.POST.copy()
    message = apply_op(data, op, answered_question_ids(wa.week))
    forms = _forms(wa, data)
    forms.quiet()
    if request.headers.get("HX-Request"):
        context = _context(wa, review, forms, op_message=message)
        response = render(request, "weeks/editor/_forms.html", context)
        response["HX-Trigger"] = "week-edited"  # the live preview follows
        return response
    return _page(request, wa, review, forms, op_message=message)


@require_http_methods(["GET", "HEAD", "POST"])
def editor(request: AuthenticatedHttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    wa = editor_access(request, seminar_slug, week_slug)
    week = wa.week
    review = lead_services.review_for(week)
    with timezone.override(week.seminar.tz):
        if request.method != "POST":
            forms = _forms(wa, week_data(week, _saved_sections(week)))
            saved = preview_context(week, forms.to_edit()) if forms.is_valid() else {}
            forms.quiet()  # a saved week the forms would refuse is judged only on saving
            return _page(request, wa, review, forms, **saved)
        if op := request.POST.get("op", ""):
            return _structural(request, wa, review, op)
        action = request.POST.get("action") or "preview"
        forms = _forms(wa, request.POST)
        if not forms.is_valid():
            error = "Some fields need attention: see the messages next to them."
            return _page(request, wa, review, forms, status=400, error=error)
        edit = forms.to_edit()
        if action not in ("save", "submit"):
            return _page(request, wa, review, forms, previewing=True, **preview_context(week, edit))
        allowed = wa.can_edit_week(review) if action == "save" else wa.can_submit_week(review)
        require(allowed, WAITING)
        try:
            lead_services.save_week_form(week, edit, user=request.user)
        except WeekEditError as exc:
            return _page(request, wa, review, forms, status=400, error=str(exc))
    messages.success(request, f"Saved: {edit.summary()}.")
    if action == "submit":
        submit_for_review(request, week)
    return redirect(editor_url(week))


@require_POST
def preview(request: HttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    """The live preview (htmx): the week page's readings and questions from the unsaved
    forms. Writes nothing; forms that do not validate yet leave a note instead."""
    wa = editor_access(request, seminar_slug, week_slug)
    with timezone.override(wa.week.seminar.tz):
        forms = _forms(wa, request.POST)
        context: dict[str, Any] = {"seminar": wa.week.seminar, "week": wa.week}
        if forms.is_valid():
            context.update(preview_context(wa.week, forms.to_edit()))
        else:
            context["preview_blocked"] = True
        return render(request, "weeks/editor/_preview.html", context)


@require_safe
def download(request: HttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    """The saved week as a week file (core.exporter), to keep or to import elsewhere."""
    wa = editor_access(request, seminar_slug, week_slug)
    response = HttpResponse(
        lead_services.current_text(wa.week), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{wa.week.slug}.md"'
    return response
