"""Participation pages: the staff matrix (and its CSV), a week's list for staff and its
leads, a student's page for staff (override, extension), the credit queue, the nudge.

Who may see what is asked of core.access: a seminar the user may not see is a 404;
a page they may not use is a 403. Every change is a POST; without JavaScript it
redirects back with a message, with htmx the credit queue swaps the item in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHtmxHttpRequest, AuthenticatedHttpRequest
from accounts.models import User
from core.access import SeminarAccess, WeekAccess, require, seminar_view, week_view
from core.hooks import mailer
from core.lib.http import safe_next
from core.models import Enrollment, Extension
from discussions import moderation
from discussions.models import Comment
from participation import selectors, services
from participation.forms import ExtensionForm, NextForm, OverrideForm, StudentActionForm
from participation.models import StatusOverride
from participation.status import statuses_for

NOT_STAFF = "Only this seminar's staff see the class's participation."
NOT_LEAD = "Only staff and this week's lead team see this week's participation."
NOT_CREDIT = "Only staff and this week's lead team credit posts as substantive."


def _page(request: HttpRequest, template: str, seminar: Any, **context: Any) -> HttpResponse:
    context |= {"seminar": seminar, "current_seminar": seminar}
    return render(request, f"participation/{template}", context)


# --- The matrix --------------------------------------------------------------------------


def _matrix(request: HttpRequest, access: SeminarAccess) -> selectors.Matrix:
    return selectors.matrix(
        access.seminar,
        state=request.GET.get("state", ""),
        team=request.GET.get("team", ""),
        week=request.GET.get("week", ""),
    )


@require_GET
@seminar_view("can_see_participation_matrix", NOT_STAFF)
def matrix(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    table = _matrix(request, access)
    nudges = _nudge_records(table)
    for column in table.columns:
        column.nudge = nudges.get(column.week.pk)
    return _page(request, "matrix.html", access.seminar, access=access, table=table)


def _nudge_records(table: selectors.Matrix) -> dict[int, Any]:
    """When each shown week was last nudged, and how many emails that queued."""
    if not table.columns:
        return {}
    return mailer().nudge_history([c.week.pk for c in table.columns])


@require_GET
@seminar_view("can_see_participation_matrix", NOT_STAFF)
def matrix_csv(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    table = _matrix(request, access)
    response = HttpResponse(selectors.matrix_csv(table), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now(), access.seminar.tz).strftime("%Y-%m-%d")
    filename = f"participation-{access.seminar.slug}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@week_view()
def nudge(request: AuthenticatedHttpRequest, wa: WeekAccess) -> HttpResponse:
    require(wa.seminar_access.can_manage_participation, NOT_STAFF)
    form = NextForm(request.POST)
    back = safe_next(
        request,
        reverse("participation:matrix", args=[wa.week.seminar.slug]),
        target=form.cleaned_data["next"] if form.is_valid() else "",
    )
    if not wa.week.is_published:
        messages.error(request, "That week is not published: nobody owes a post yet.")
        return redirect(back)
    sent = services.nudge(wa.week, actor=request.user)
    week = f"week {wa.week.number}"
    if sent == 0:
        messages.info(
            request,
            f"Nobody new to nudge for {week}: everyone has posted, was nudged today, "
            "switched reminders off, or posting has closed.",
        )
    else:
        who = "1 student" if sent == 1 else f"{sent} students"
        owe = "owes" if sent == 1 else "owe"
        messages.success(request, f"Reminder emailed to {who} who still {owe} a post for {week}.")
    return redirect(back)


# --- One week ------------------------------------------------------------------------------


@require_GET
@week_view()
def week_list(request: HttpRequest, wa: WeekAccess) -> HttpResponse:
    require(wa.can_see_week_participation, NOT_LEAD)
    rows = selectors.week_list(wa)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status.state] = counts.get(row.status.state, 0) + 1
    summary = [(s.value, s.label, counts[s]) for s in selectors.STATE_ORDER if counts.get(s)]
    return _page(
        request,
        "week_list.html",
        wa.week.seminar,
        access=wa,
        week=wa.week,
        rows=rows,
        summary=summary,
        queue_size=selectors.candidates_queryset(wa.week).count() if wa.can_credit else 0,
    )


def _student(wa: WeekAccess, user_id: int) -> User:
    enrolled = Enrollment.objects.filter(
        seminar_id=wa.week.seminar_id, user_id=user_id, role=Enrollment.Role.STUDENT
    )
    if not enrolled.exists():
        raise Http404("No such student in this seminar")
    return get_object_or_404(User, pk=user_id)


@require_http_methods(["GET", "POST"])
@week_view()
def student(request: AuthenticatedHttpRequest, wa: WeekAccess, user_id: int) -> HttpResponse:
    """Staff: one student's week — status, posts, override (with history), extension."""
    require(wa.seminar_access.can_manage_participation, NOT_STAFF)
    person = _student(wa, user_id)
    week = wa.week
    extension = Extension.objects.filter(week=week, user=person).first()
    with timezone.override(week.seminar.tz):
        # Bound to the POST data or nothing: the form that was sent shows its errors.
        chosen = StudentActionForm(request.POST if request.method == "POST" else None)
        action = chosen.cleaned_data["action"] if chosen.is_valid() else ""
        override_form = OverrideForm(
            request.POST if action == "override" else None, prefix="override"
        )
        extension_form = ExtensionForm(
            request.POST if action == "extension" else None,
            prefix="extension",
            initial=_extension_initial(week.deadline, extension),
        )
        done = _student_action(request, person, week, chosen, override_form, extension_form)
        if done is not None:
            return done
        status = statuses_for([week], user_ids=[person.pk], roles={person.pk: "student"})[
            (week.pk, person.pk)
        ]
        history = StatusOverride.objects.filter(week=week, user=person).select_related("set_by")
        return _page(
            request,
            "student.html",
            week.seminar,
            access=wa,
            week=week,
            person=person,
            status=status,
            history=list(history.order_by("-set_at", "-id")),
            extension=extension,
            override_form=override_form,
            extension_form=extension_form,
            base=week.get_absolute_url(),
        )


def _extension_initial(deadline: Any, extension: Extension | None) -> dict[str, Any]:
    if extension is None:
        return {"deadline": deadline}
    return {"deadline": extension.deadline, "cutoff": extension.cutoff, "note": extension.note}


def _student_action(
    request: AuthenticatedHttpRequest,
    person: User,
    week: Any,
    chosen: StudentActionForm,
    override_form: OverrideForm,
    extension_form: ExtensionForm,
) -> HttpResponse | None:
    """Do what the sent form asks and redirect back; None shows the page (a GET, or the
    sent form with its errors)."""
    if not chosen.is_bound:
        return None
    action = chosen.cleaned_data["action"] if chosen.is_valid() else ""
    if not action:
        messages.error(request, " ".join(str(e) for e in chosen.errors["action"]))
    elif action == "remove_extension":
        services.remove_extension(week, person)
        messages.success(request, f"Extension for {person.name} removed.")
    elif action == "override" and override_form.is_valid():
        services.set_override(week, person, actor=request.user, **override_form.cleaned_data)
        messages.success(request, f"Status for {person.name} saved with your note.")
    elif action == "extension" and extension_form.is_valid():
        services.grant_extension(week, person, actor=request.user, **extension_form.cleaned_data)
        messages.success(request, f"Extension for {person.name} saved.")
    else:
        return None
    return redirect(request.path)


# --- The credit queue ------------------------------------------------------------------------


@require_GET
@week_view()
def queue(request: HttpRequest, wa: WeekAccess) -> HttpResponse:
    require(wa.can_credit, NOT_CREDIT)
    return _page(
        request,
        "queue.html",
        wa.week.seminar,
        access=wa,
        week=wa.week,
        candidates=selectors.credit_queue(wa),
        base=wa.week.get_absolute_url(),
    )


@require_POST
@week_view()
def judge(
    request: AuthenticatedHtmxHttpRequest, wa: WeekAccess, comment_id: int, verdict: str
) -> HttpResponse:
    """Credit as substantive, or dismiss: one click; htmx swaps the item."""
    require(wa.can_credit, NOT_CREDIT)
    comment = (
        Comment.objects.filter(pk=comment_id, week=wa.week)
        .filter(~Q(question__isnull=False, parent__isnull=True))
        .select_related("author", "parent")
        .first()
    )
    if comment is None or comment.deleted_at is not None:
        raise Http404("No such reply or comment in this week")
    name = comment.author.name
    if verdict == "credit":
        services.credit(comment, actor=request.user)
        text = f"Credited {name}'s post as substantive: it counts toward their week."
    elif verdict == "dismiss":
        services.dismiss(comment, actor=request.user)
        text = f"Marked {name}'s post as not substantive: it left the queue."
    elif verdict == "undo":
        services.undismiss(comment)
        if comment.credited_substantive:
            moderation.uncredit(comment, actor=request.user)
        text = f"{name}'s post is back in the queue."
    else:
        raise Http404("No such verdict")
    if request.htmx and verdict == "undo":
        item = selectors.candidate(wa.week, comment)
        context = {"item": item, "week": wa.week, "seminar": wa.week.seminar}
        context["base"] = wa.week.get_absolute_url()
        return render(request, "participation/_candidate.html", context)
    if request.htmx:
        return render(
            request,
            "participation/_judged.html",
            {"text": text, "comment": comment, "week": wa.week, "verdict": verdict},
        )
    messages.success(request, text)
    return redirect(reverse("participation:queue", args=[wa.week.seminar.slug, wa.week.slug]))
