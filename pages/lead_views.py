"""Importing a week file into the lead team's draft week, staff's review of it, and
staff's review queue. (The week is edited through forms: pages/week_editor.py.)

/s/<seminar>/w/<week>/prepare/import/ — a week file in a textarea (prefilled from the
saved week), Preview (rendered with the week page's own template, nothing saved), Save
(the draft's content is replaced; it stays a draft), Save and submit for review.
…/prepare/review/ — staff's review step (the form is on the week editor's page):
comment, request changes, approve, publish.
/s/<seminar>/weeks/review/ — staff's queue: weeks submitted for review, then the other
unpublished weeks with where each stands.

Leads never see the draft week page itself (it is staff-only): the preview stands for it.
Every action is a plain POST, read through a form of pages/lead_forms.py, that redirects,
or re-renders the page with the typed text and a one-line error; nothing needs JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.access import (
    SeminarAccess,
    WeekAccess,
    require,
    seminar_for_user,
    seminar_view,
    week_access,
)
from core.lead_models import WeekReview
from core.models import Week
from core.weekfile import WeekFileError
from leads import services as lead_services
from pages.lead_forms import WeekReviewForm, WeekTextForm, form_messages
from pages.views import week_page_context

TEMPLATE = "weeks/lead/import.html"


def _prepare_access(request: HttpRequest, seminar_slug: str, week_slug: str) -> WeekAccess:
    """The week as its editor may open it: 404 when the user may not even see it, 403 when
    they may see it but not prepare it (a published week, a student not leading it)."""
    access = seminar_for_user(request.user, seminar_slug)
    week = Week.objects.filter(seminar=access.seminar, slug=week_slug).first()
    if week is None:
        raise Http404("No such week")
    week.seminar = access.seminar
    wa = week_access(access, week)
    if not wa.can_prepare_week:
        if wa.can_view:
            raise PermissionDenied(
                "Only the week's lead team and staff prepare it, before it is published."
            )
        raise Http404("No such week")
    return wa


def _prepare_url(week: Week) -> str:
    return reverse("weeks:lead_prepare", args=[week.seminar.slug, week.slug])


def _editor_context(
    wa: WeekAccess,
    review: WeekReview | None,
    *,
    text: str,
    error: str = "",
    warnings: list[str] | None = None,
    previewing: bool = False,
    note: str = "",
    note_error: str = "",
) -> dict[str, Any]:
    return {
        "review": review,
        "review_state": review.get_state_display() if review else WeekReview.State.DRAFT.label,
        "history": lead_services.history(review),
        "text": text,
        "error": error,
        "warnings": warnings or [],
        "previewing": previewing,
        "hide_threads": True,
        "note": note,
        "note_error": note_error,
        "can_edit": wa.can_edit_week_text(review),
        "can_submit": wa.can_submit_week(review),
        "can_withdraw": wa.can_withdraw_week(review),
        "can_review": wa.can_review_week(review),
    }


def _render_saved(
    request: HttpRequest,
    wa: WeekAccess,
    review: WeekReview | None,
    status: int = 200,
    **editor: Any,
) -> HttpResponse:
    """The editor over a preview of the week as it is saved now."""
    context = week_page_context(wa)
    context.update(_editor_context(wa, review, **editor))
    return render(request, TEMPLATE, context, status=status)


def _render_trial(
    request: HttpRequest, wa: WeekAccess, review: WeekReview | None, text: str
) -> HttpResponse:
    """The editor over a preview of `text` as saving it would make the week; nothing is
    kept. A text that cannot be saved gets its one-line error over the saved week."""
    try:
        with lead_services.trial_save(wa.week, text) as result:
            trial = WeekAccess(week=result.week, seminar_access=wa.seminar_access, team=wa.team)
            context = week_page_context(trial)
            context.update(
                _editor_context(wa, review, text=text, warnings=result.warnings, previewing=True)
            )
            html = render_to_string(TEMPLATE, context, request=request)
    except WeekFileError as exc:
        return _render_saved(request, wa, review, status=400, text=text, error=str(exc))
    return HttpResponse(html)


@require_http_methods(["GET", "HEAD", "POST"])
def import_week(
    request: AuthenticatedHttpRequest, seminar_slug: str, week_slug: str
) -> HttpResponse:
    wa = _prepare_access(request, seminar_slug, week_slug)
    week = wa.week
    review = lead_services.review_for(week)
    if request.method != "POST":
        return _render_saved(request, wa, review, text=lead_services.current_text(week))
    form = WeekTextForm(request.POST)
    if not form.is_valid():
        error = " ".join(form_messages(form))
        return _render_saved(request, wa, review, status=400, text=form.typed, error=error)
    text, action = form.cleaned_data["text"], form.cleaned_data["action"]
    if action == "preview":
        return _render_trial(request, wa, review, text)
    allowed = wa.can_edit_week_text(review) if action == "save" else wa.can_submit_week(review)
    require(allowed, "This week is waiting for staff: withdraw it from review to edit it again.")
    if action == "save" or text.strip() != lead_services.current_text(week).strip():
        try:
            result = lead_services.save_week_text(week, text, user=request.user)
        except WeekFileError as exc:
            return _render_saved(request, wa, review, status=400, text=text, error=str(exc))
        messages.success(request, f"Saved: {result.summary}. The week stays a draft.")
        for warning in result.warnings:
            messages.warning(request, f"Note: {warning}")
    if action == "submit":
        submit_for_review(request, week)
    return redirect(_prepare_url(week))


def submit_for_review(request: AuthenticatedHttpRequest, week: Week) -> None:
    """Submit the lead team's saved week for review and say how it went (the week-file
    import and the week editor both offer "Save and submit for review")."""
    try:
        lead_services.submit(week, user=request.user)
    except lead_services.ReviewStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Submitted for review: staff see it in their review queue.")


@require_POST
def withdraw(request: AuthenticatedHttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    wa = _prepare_access(request, seminar_slug, week_slug)
    review = lead_services.review_for(wa.week)
    require(wa.can_withdraw_week(review), "Only a week waiting for review can be withdrawn.")
    try:
        lead_services.withdraw(wa.week, user=request.user)
    except lead_services.ReviewStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Withdrawn from review: you can edit the week again.")
    return redirect(_prepare_url(wa.week))


@require_POST
def review(request: AuthenticatedHttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    wa = _prepare_access(request, seminar_slug, week_slug)
    week = wa.week
    current = lead_services.review_for(week)
    require(wa.can_review_week(current), "Only staff review weeks.")
    form = WeekReviewForm(request.POST)
    if not form.is_valid():
        return _render_saved(
            request,
            wa,
            current,
            status=400,
            text=lead_services.current_text(week),
            note=form.typed_note,
            note_error=" ".join(form_messages(form)),
        )
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    user = request.user
    try:
        if action == "comment":
            lead_services.comment(week, user=user, body=note)
            messages.success(request, "Comment added: the lead team sees it on this page.")
        elif action == "request_changes":
            lead_services.request_changes(week, user=user, note=note)
            messages.success(request, "Changes requested: the lead team can edit the week again.")
        elif action == "approve":
            lead_services.approve(week, user=user, note=note)
            messages.success(request, "Approved. The week stays unpublished until you publish it.")
        else:
            if note:
                lead_services.comment(week, user=user, body=note)
            lead_services.publish(week, user=user)
            messages.success(request, f"Published: students now see {week.title}.")
            return redirect(week.get_absolute_url())
    except lead_services.ReviewStateError as exc:
        messages.error(request, str(exc))
    if form.cleaned_data["next"] == "queue":
        return redirect("weeks:lead_queue", seminar_slug=week.seminar.slug)
    return redirect(_prepare_url(week))


@require_safe
@seminar_view("can_review_weeks", "Only this seminar's staff review its weeks.")
def queue(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    submitted = lead_services.review_queue(access.seminar)
    waiting = {r.week_id for r in submitted}
    others = [
        week
        for week in Week.objects.filter(seminar=access.seminar)
        .exclude(status=Week.Status.PUBLISHED)
        .select_related("review")
        .order_by("number")
        if week.pk not in waiting
    ]
    for item in [*[r.week for r in submitted], *others]:
        item.seminar = access.seminar
    for week in others:
        review = getattr(week, "review", None) if hasattr(week, "review") else None
        # Read by the queue's template.
        week.review_state = (  # type: ignore[attr-defined]
            review.get_state_display() if review else WeekReview.State.DRAFT.label
        )
    context = {
        "access": access,
        "seminar": access.seminar,
        "current_seminar": access.seminar,
        "submitted": submitted,
        "others": others,
    }
    return render(request, "weeks/lead/queue.html", context)
