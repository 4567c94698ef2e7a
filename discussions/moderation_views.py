"""Moderation endpoints: hide, pin, endorse, credit, lock, flag and the flag queue.

Who may do what is asked of core.access (WeekAccess.can_moderate: this week's leads and
staff; can_flag: any member); what is done lives in discussions.moderation. Every action is
a POST that answers two ways:
- htmx (HX-Request): the changed part re-rendered in place (the comment's main part, the
  thread, the flag form, the queue row);
- a plain form (JavaScript off): a redirect back to the comment's anchor with a message,
  or, for bad input (a hide without a reason), the form on its own page with the message
  and the typed text kept.
Every POST is read through a form of discussions.forms (ModerateForm, FlagForm, LockForm,
NextForm); a refusal by discussions.moderation is put on the form like its own errors.
Refused: 404 for what the user may not see, 403 for what they see but may not do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import signed_in_user
from core.access import SeminarAccess, WeekAccess, require, seminar_view, week_view
from core.lib.http import HtmxHttpRequest, safe_next
from core.models import Question
from discussions import moderation
from discussions.comment_view import CommentView, load_comment_view
from discussions.forms import FlagForm, LockForm, ModerateForm, NextForm, error_messages
from discussions.models import Comment, Flag
from discussions.selectors import Discussion, build_discussion, comment_for_user
from discussions.views import posted_data, posting_limited, too_fast, week_anchor

CANNOT_MODERATE = "Only this week's lead team and staff can moderate its discussion."
CANNOT_FLAG = "Only members of this seminar can flag comments."
OWN_COMMENT = "This is your own comment: edit or delete it instead of flagging it."
RESOLVED_SHOWN = 20

# action -> (service, done message); hide takes the reason and is handled apart.
COMMENT_ACTIONS: dict[str, tuple[Any, str]] = {
    "unhide": (moderation.unhide, "Comment unhidden: everyone sees it again."),
    "pin": (moderation.pin, "Comment pinned to the top of its thread."),
    "unpin": (moderation.unpin, "Comment unpinned."),
    "endorse": (moderation.endorse, "Comment endorsed."),
    "unendorse": (moderation.unendorse, "Endorsement removed."),
    "credit": (moderation.credit, "Credited as a substantive contribution."),
    "uncredit": (moderation.uncredit, "Credit removed."),
    "resolve_flags": (moderation.resolve_flags, "Flags on this comment resolved."),
}
HIDDEN_DONE = "Comment hidden: its author sees your reason, everyone else a notice."


def moderated(access: WeekAccess, comment: Comment) -> CommentView:
    """The comment's view for the page, with its count of open flags."""
    return load_comment_view(access, comment, with_flags=True)


def comment_page(
    request: HttpRequest,
    access: WeekAccess,
    comment: Comment,
    *,
    errors: list[str] = (),  # type: ignore[assignment]
    reason: str = "",
    status: int = 200,
) -> HttpResponse:
    """The comment with its controls open on a page of its own (JS off; the queue's link)."""
    context = {
        "access": access,
        "week": access.week,
        "c": moderated(access, comment),
        "discussion": Discussion(access=access),
        "mod_open": True,
        "mod_errors": list(errors),
        "mod_reason": reason,
        "title": f"Moderate a comment by {comment.author.name}",
        "back_url": week_anchor(access, comment.anchor),
    }
    return render(request, "discussions/moderation/comment.html", context, status=status)


def comment_fragment(
    request: HttpRequest,
    access: WeekAccess,
    comment: Comment,
    *,
    errors: list[str] = (),  # type: ignore[assignment]
    status_text: str = "",
    reason: str = "",
) -> HttpResponse:
    """The comment's main part with its controls still open (htmx swaps it in place)."""
    context = {
        "c": moderated(access, comment),
        "discussion": Discussion(access=access),
        "mod_open": True,
        "mod_errors": list(errors),
        "mod_status": status_text,
        "mod_reason": reason,
    }
    return render(request, "discussions/_comment_main.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
@week_view()
def moderate_comment(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    """Hide (with a reason), unhide, pin, endorse, credit or resolve flags on one comment."""
    comment = comment_for_user(access, comment_id)
    require(access.can_moderate, CANNOT_MODERATE)
    if request.method == "GET":
        return comment_page(request, access, comment)
    form = ModerateForm(request.POST)
    done = ""
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        actor = signed_in_user(request)  # can_moderate: a signed-in lead or staff
        try:
            if action == "hide":
                moderation.hide(comment, actor=actor, reason=reason)
                done = HIDDEN_DONE
            else:
                service, done = COMMENT_ACTIONS[action]
                service(comment, actor=actor)
        except ValidationError as error:  # e.g. crediting an answer
            form.add_error(None, error)
    if form.errors:
        errors, typed = error_messages(form), form["reason"].value() or ""
        if request.htmx:
            return comment_fragment(request, access, comment, errors=errors, reason=typed)
        return comment_page(request, access, comment, errors=errors, reason=typed, status=400)
    if request.htmx:
        return comment_fragment(request, access, comment, status_text=done)
    messages.success(request, done)
    return HttpResponseRedirect(week_anchor(access, comment.anchor))


@login_not_required
@require_http_methods(["GET", "POST"])
@week_view()
def flag_comment(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    """Any member reports a comment to the week's moderators, with a reason."""
    comment = comment_for_user(access, comment_id)
    require(access.can_flag, CANNOT_FLAG)
    require(not access.is_author(comment), OWN_COMMENT)
    c = load_comment_view(access, comment)
    if not c.show_body or c.is_deleted:
        raise Http404("No such comment")  # nothing left to flag for this viewer
    form = FlagForm(posted_data(request))
    context: dict[str, Any] = {
        "access": access,
        "week": access.week,
        "c": c,
        "discussion": Discussion(access=access),
        "action": f"{access.week.get_absolute_url()}c/{comment.pk}/flag/",
        "cancel_url": week_anchor(access, comment.anchor),
        "errors": [],
        "reason": form["reason"].value() or "",  # as typed, kept after an error
        "submission_key": form.submission_key_value,
        "title": f"Flag a comment by {comment.author.name}",
    }
    if form.is_bound:
        repeat = (key := form.posted_key) is not None and Flag.objects.filter(
            user=request.user.pk, submission_key=key
        ).exists()  # a double click or a retry: answered as the first, not counted
        if not repeat and (rate := posting_limited(request, "flag")) is not None:
            context["errors"] = [too_fast(rate)]  # the reason typed stays in the form
            template = "_flag_form.html" if request.htmx else "flag.html"
            response = render(request, f"discussions/moderation/{template}", context, status=429)
            response["Retry-After"] = str(rate.period)
            return response
        if not repeat and form.is_valid():
            try:
                moderation.flag(
                    comment,
                    user=signed_in_user(request),
                    reason=form.cleaned_data["reason"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as error:
                form.add_error(None, error)
        if form.errors:
            context["errors"] = error_messages(form)
            if request.htmx:
                return render(request, "discussions/moderation/_flag_form.html", context)
            return render(request, "discussions/moderation/flag.html", context, status=400)
        if request.htmx:
            return render(request, "discussions/moderation/_flag_done.html", context)
        messages.success(request, "Thank you: the week's moderators will look at this comment.")
        return HttpResponseRedirect(week_anchor(access, comment.anchor))
    if request.htmx:
        return render(request, "discussions/moderation/_flag_form.html", context)
    return render(request, "discussions/moderation/flag.html", context)


def week_question(access: WeekAccess, question_id: int | None) -> Question | None:
    """The question of this week named by a form field (None: the general thread)."""
    if question_id is None:
        return None
    question = (
        Question.objects.select_related("section")
        .filter(pk=question_id, section__week=access.week)
        .first()
    )
    if question is None:
        raise Http404("No such question")
    return question


@login_not_required
@require_POST
@week_view()
def lock(request: HtmxHttpRequest, access: WeekAccess) -> HttpResponse:
    """Lock or unlock a thread (question=<id>, or blank: the general thread) or, with
    scope=week, the whole week."""
    require(access.can_moderate, CANNOT_MODERATE)
    week, user = access.week, signed_in_user(request)  # can_moderate: signed in
    form = LockForm(request.POST)
    if not form.is_valid():  # not a form a page offers: a message, no page to go back to
        message = " ".join(error_messages(form))
        return HttpResponse(message, status=400, content_type="text/plain")
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    if form.cleaned_data["scope"] == "week":
        if action == "lock":
            moderation.lock_week(week, actor=user, reason=reason)
            messages.success(request, "The whole week is locked: no new posts in any thread.")
        else:
            moderation.unlock_week(week, actor=user)
            messages.success(request, "The week is unlocked: posting follows its deadlines.")
        if request.htmx:
            return HttpResponse(headers={"HX-Refresh": "true"})  # every thread changed
        return HttpResponseRedirect(week.get_absolute_url())
    question = week_question(access, form.cleaned_data["question"])
    if action == "lock":
        moderation.lock_thread(week, question, actor=user, reason=reason)
        done = "Thread locked: no new posts in it."
    else:
        moderation.unlock_thread(week, question, actor=user)
        done = "Thread unlocked."
    key = f"q{question.pk}" if question else "general"
    if not request.htmx:
        messages.success(request, done)
        return HttpResponseRedirect(f"{week.get_absolute_url()}#thread-{key}")
    discussion = build_discussion(access)
    thread = discussion.threads[question.pk] if question else discussion.general
    context = {"thread": thread, "discussion": discussion, "mod_thread_status": done}
    return render(request, "discussions/_thread.html", context)


# --- The flag queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    rows: list[Flag]
    resolved: list[Flag]


def load_queue(flags: Any) -> Queue:
    flags = flags.select_related("comment__author", "comment__week__seminar", "user", "resolved_by")
    rows = list(flags.filter(resolved_at__isnull=True).order_by("created_at", "id"))
    resolved = list(
        flags.filter(resolved_at__isnull=False).order_by("-resolved_at", "-id")[:RESOLVED_SHOWN]
    )
    return Queue(rows=rows, resolved=resolved)


@login_not_required
@require_http_methods(["GET"])
@week_view()
def week_flags(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    """This week's flags, for its leads and staff."""
    require(access.can_moderate, CANNOT_MODERATE)
    queue = load_queue(Flag.objects.filter(comment__week=access.week))
    context = {
        "access": access,
        "week": access.week,
        "seminar": access.week.seminar,
        "current_seminar": access.week.seminar,
        "rows": queue.rows,
        "resolved": queue.resolved,
        "title": f"Flags: {access.week.title}",
        "back_url": access.week.get_absolute_url(),
        "back_label": access.week.title,
        "next": request.path,
        "show_week": False,
        "tz": access.week.seminar.tz,
    }
    return render(request, "discussions/moderation/flags.html", context)


@login_not_required
@require_http_methods(["GET"])
@seminar_view("can_see_all_flags", "Only staff see the flags of every week.")
def seminar_flags(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    """Every week's flags in one seminar, for its staff."""
    queue = load_queue(Flag.objects.filter(comment__week__seminar=access.seminar))
    context = {
        "access": access,
        "seminar": access.seminar,
        "current_seminar": access.seminar,
        "rows": queue.rows,
        "resolved": queue.resolved,
        "title": f"Flags: {access.seminar.title}",
        "back_url": access.seminar.get_absolute_url(),
        "back_label": access.seminar.title,
        "next": request.path,
        "show_week": True,
        "tz": access.seminar.tz,
    }
    return render(request, "discussions/moderation/flags.html", context)


@login_not_required
@require_POST
@week_view()
def resolve_flag(request: HtmxHttpRequest, access: WeekAccess, flag_id: int) -> HttpResponse:
    require(access.can_moderate, CANNOT_MODERATE)
    flag = (
        Flag.objects.select_related("comment__author", "comment__week__seminar", "user")
        .filter(pk=flag_id, comment__week=access.week)
        .first()
    )
    if flag is None:
        raise Http404("No such flag")
    moderation.resolve_flag(flag, actor=signed_in_user(request))
    if request.htmx:
        context = {"flag": flag, "tz": access.week.seminar.tz, "show_week": False}
        return HttpResponse(
            render_to_string("discussions/moderation/_flag_row.html", context, request)
        )
    fallback = f"{access.week.get_absolute_url()}flags/"
    messages.success(request, "Flag resolved.")
    back = NextForm(request.POST)
    target = back.cleaned_data["next"] if back.is_valid() else ""
    return HttpResponseRedirect(safe_next(request, fallback, target=target))
