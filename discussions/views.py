"""Posting, replying, editing, deleting and drafts — with htmx in place, and with JS off.

Every view answers two kinds of request:
- a plain form POST (JavaScript off): success redirects to the comment's anchor on the
  week page; an error re-renders the form on its own page, with the message and the text.
- an htmx request (HX-Request header): success returns the fragment that replaces the form
  (plus the new comment, swapped out of band into its thread); an error returns the same
  form with the message in its aria-live region and the text kept.
Who may do what is asked of seminar.access; the rules of posting live in services.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.formats import time_format
from django.views.decorators.http import require_http_methods, require_POST

from core.access import WeekAccess, require, week_for_user
from core.lib.http import HtmxHttpRequest
from core.lib.markdown import render_markdown
from core.lib.ratelimit import ratelimit
from core.models import Enrollment, Question, WeekDuty
from discussions import duplicates, services
from discussions.forms import CommentForm
from discussions.models import Comment
from discussions.selectors import Discussion, answer_label, comment_for_user, decorate

CANNOT_POST = "You may not post in this week's discussion."
LOGGED_OUT = "You are logged out: log in again in another tab, then post. Your text is kept here."
View = Callable[..., HttpResponse]


def keep_text_when_logged_out(view: View) -> View:
    """A session that expired while someone wrote must not lose their text to a 404.

    An anonymous POST gets the form back (same action, the text, a message) and nothing
    about the seminar or week, whose existence anonymous users may not learn.
    """

    @functools.wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        target = request.htmx.target or ""
        key = target.removeprefix("form-") if target.startswith("form-") else "new"
        form = CommentForm(request.POST, key=key)
        context = {
            "form": form,
            "key": key,
            "action": request.path,
            "errors": [LOGGED_OUT],
            "target": "this",
            "submit_label": "Post",
        }
        if request.htmx:
            return render(request, "discussions/_form.html", context)
        context["login_url"] = f"{resolve_url(settings.LOGIN_URL)}?next={request.path}"
        return render(request, "discussions/logged_out.html", context, status=403)

    return wrapper


@functools.cache
def page_base() -> str:
    """The site's base template when there is one, else a bare page of our own."""
    try:
        get_template("base.html")
    except TemplateDoesNotExist:
        return "discussions/_page.html"
    return "base.html"


def get_access(request: HttpRequest, seminar_slug: str, week_slug: str) -> WeekAccess:
    return week_for_user(request.user, seminar_slug, week_slug)


def decorated(access: WeekAccess, comment: Comment) -> Comment:
    """One comment with the attributes its template reads (a few queries, one comment)."""
    week = access.week
    teams = dict(
        WeekDuty.objects.filter(week=week, user_id=comment.author_id).values_list("user_id", "team")
    )
    staff_ids = set(
        Enrollment.objects.filter(
            seminar_id=week.seminar_id, user_id=comment.author_id, role=Enrollment.Role.STAFF
        ).values_list("user_id", flat=True)
    )
    by_id = {comment.pk: comment}
    if comment.parent_id:
        parent = comment.parent
        by_id[parent.pk] = parent
        ancestor = parent
        while ancestor.parent_id and ancestor.depth >= 1:
            ancestor = ancestor.parent
            by_id[ancestor.pk] = ancestor
    decorate(comment, access, teams, staff_ids, by_id)
    return comment


def week_anchor(access: WeekAccess, anchor: str) -> str:
    return f"{access.week.get_absolute_url()}#{anchor}"


def form_context(
    access: WeekAccess,
    *,
    form: CommentForm,
    key: str,
    action: str,
    errors: list[str] = (),  # type: ignore[assignment]
    **extra: Any,
) -> dict[str, Any]:
    return {
        "discussion": Discussion(access=access),
        "access": access,
        "week": access.week,
        "form": form,
        "key": key,
        "action": action,
        "errors": list(errors),
        **extra,
    }


def compose_page(
    request: HttpRequest, context: dict[str, Any], *, title: str, status: int = 200
) -> HttpResponse:
    """The form on a page of its own (JavaScript off), with what it answers above it."""
    context = {**context, "title": title, "base_template": page_base()}
    return render(request, "discussions/compose.html", context, status=status)


def form_response(
    request: HtmxHttpRequest, context: dict[str, Any], *, title: str, status: int = 200
) -> HttpResponse:
    """The form alone for htmx (errors with status 200 so htmx swaps them), else a page."""
    if request.htmx:
        template = context.pop("fragment", "discussions/_form.html")
        return render(request, template, context)
    return compose_page(request, context, title=title, status=status)


def posted_response(
    request: HtmxHttpRequest, access: WeekAccess, comment: Comment, replacement: str
) -> HttpResponse:
    """After a successful post: redirect (JS off) or the form's replacement plus the
    new comment, appended to its thread or reply list out of band (htmx)."""
    if not request.htmx:
        return HttpResponseRedirect(week_anchor(access, comment.anchor))
    comment = decorated(access, comment)
    discussion = Discussion(access=access)
    if comment.container_id:
        target = f"#replies-c{comment.container_id}"
    elif comment.question_id:
        target = f"#comments-q{comment.question_id}"
    else:
        target = "#comments-general"
    html = render_to_string(
        "discussions/_comment.html", {"c": comment, "discussion": discussion}, request
    )
    oob = f'<div hx-swap-oob="beforeend:{target}">{html}</div>'
    return HttpResponse(replacement + oob)


def field_label(question: Question | None, parent: Comment | None) -> str:
    if parent is not None:
        return f"Your reply to {parent.author.name}"
    return answer_label(question)


def get_question(access: WeekAccess, question_id: int) -> Question:
    """A question of this seminar (another week's is refused by the rules, with a message)."""
    question = (
        Question.objects.select_related("section")
        .filter(pk=question_id, section__week__seminar=access.week.seminar)
        .first()
    )
    if question is None:
        raise Http404("No such question")
    return question


def _post_new(
    request: HtmxHttpRequest,
    access: WeekAccess,
    *,
    question: Question | None,
    parent: Comment | None,
    key: str,
    action: str,
    draft_url: str,
    title: str,
    extra: dict[str, Any],
) -> HttpResponse:
    """Shared by answer, general comment and reply: post, or show the form again."""
    require(access.can_post, CANNOT_POST)
    label = field_label(question, parent)
    form = CommentForm(request.POST, key=key, draft_url=draft_url, label=label)
    context = form_context(access, form=form, key=key, action=action, draft_url=draft_url, **extra)
    try:
        comment = services.post_comment(
            access,
            question,
            parent,
            form.text,
            allow_duplicate=parent is not None or form.posting_anyway,
        )
    except duplicates.NearDuplicate as refusal:  # the warning, its links, "Post anyway"
        context.update(errors=refusal.messages, similar=refusal.similar)
        return form_response(request, context, title=title, status=400)
    except ValidationError as error:
        context["errors"] = error.messages
        return form_response(request, context, title=title, status=400)
    if parent is not None:
        replacement = ""  # the reply form goes away
    else:
        fresh = CommentForm(key=key, draft_url=draft_url, label=label)
        replacement = render_to_string(
            "discussions/_form.html", {**context, "form": fresh, "errors": []}, request
        )
    return posted_response(request, access, comment, replacement)


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
def post_answer(
    request: HtmxHttpRequest, seminar_slug: str, week_slug: str, question_id: int
) -> HttpResponse:
    access = get_access(request, seminar_slug, week_slug)
    question = get_question(access, question_id)
    base = access.week.get_absolute_url()
    key = f"q{question.pk}"
    action, draft_url = f"{base}q/{question.pk}/answer/", f"{base}draft/?question={question.pk}"
    extra = {
        "question": question,
        "submit_label": "Post answer",
        "target": "this",
        # Read only by the page without JavaScript (compose.html): a callable, so the
        # htmx fragments, which load the list on demand, never query it.
        "existing_answers": functools.partial(duplicates.existing_answers, access, question),
    }
    title = f"Answer question {question.number}"
    if request.method == "GET":
        require(access.can_post, CANNOT_POST)
        body = services.load_draft(access, question=question, parent=None)
        label = field_label(question, None)
        form = CommentForm(key=key, draft_url=draft_url, initial={"body": body}, label=label)
        context = form_context(access, form=form, key=key, action=action, draft_url=draft_url)
        return form_response(request, {**context, **extra}, title=title)
    return _post_new(
        request,
        access,
        question=question,
        parent=None,
        key=key,
        action=action,
        draft_url=draft_url,
        title=title,
        extra=extra,
    )


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
def post_general(request: HtmxHttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    access = get_access(request, seminar_slug, week_slug)
    base = access.week.get_absolute_url()
    key, action, draft_url = "general", f"{base}general/comment/", f"{base}draft/"
    extra = {"submit_label": "Post comment", "target": "this"}
    title = "Comment on the readings"
    if request.method == "GET":
        require(access.can_post, CANNOT_POST)
        body = services.load_draft(access, question=None, parent=None)
        label = field_label(None, None)
        form = CommentForm(key=key, draft_url=draft_url, initial={"body": body}, label=label)
        context = form_context(access, form=form, key=key, action=action, draft_url=draft_url)
        return form_response(request, {**context, **extra}, title=title)
    return _post_new(
        request,
        access,
        question=None,
        parent=None,
        key=key,
        action=action,
        draft_url=draft_url,
        title=title,
        extra=extra,
    )


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
def reply(
    request: HtmxHttpRequest, seminar_slug: str, week_slug: str, comment_id: int
) -> HttpResponse:
    access = get_access(request, seminar_slug, week_slug)
    require(access.can_reply, CANNOT_POST)
    if request.method == "POST" and other_week_comment(access, comment_id):
        # A reply aimed at another week's comment: refused by the rules, text kept.
        return refuse_reply(request, access, comment_id)
    parent = comment_for_user(access, comment_id)
    base = access.week.get_absolute_url()
    key = f"r{parent.pk}"
    action, draft_url = f"{base}c/{parent.pk}/reply/", f"{base}draft/?parent={parent.pk}"
    extra = {
        "parent": decorated(access, parent),
        "submit_label": "Post reply",
        "cancel_url": week_anchor(access, parent.anchor),
        "target": "this",
    }
    title = f"Reply to {parent.author.name}"
    if request.method == "GET":
        body = services.load_draft(access, question=parent.question, parent=parent)
        label = field_label(None, parent)
        form = CommentForm(key=key, draft_url=draft_url, initial={"body": body}, label=label)
        context = form_context(access, form=form, key=key, action=action, draft_url=draft_url)
        return form_response(request, {**context, **extra}, title=title)
    return _post_new(
        request,
        access,
        question=parent.question,
        parent=parent,
        key=key,
        action=action,
        draft_url=draft_url,
        title=title,
        extra=extra,
    )


def other_week_comment(access: WeekAccess, comment_id: int) -> bool:
    return (
        Comment.objects.filter(pk=comment_id, week__seminar_id=access.week.seminar_id)
        .exclude(week=access.week)
        .exists()
    )


def refuse_reply(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    key = f"r{comment_id}"
    action = f"{access.week.get_absolute_url()}c/{comment_id}/reply/"
    form = CommentForm(request.POST, key=key, label="Your comment")
    context = form_context(
        access,
        form=form,
        key=key,
        action=action,
        errors=[services.OTHER_WEEK_PARENT],
        submit_label="Post reply",
        target="this",
    )
    return form_response(request, context, title="Reply", status=400)


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
def edit(
    request: HtmxHttpRequest, seminar_slug: str, week_slug: str, comment_id: int
) -> HttpResponse:
    access = get_access(request, seminar_slug, week_slug)
    comment = comment_for_user(access, comment_id)
    require(access.can_edit(comment), "Only the author can edit this comment.")
    key = f"e{comment.pk}"
    action = f"{access.week.get_absolute_url()}c/{comment.pk}/edit/"
    extra = {
        "c": comment,
        "submit_label": "Save changes",
        "target": f"#main-c{comment.pk}",
        "cancel_url": week_anchor(access, comment.anchor),
        "cancel_get": f"{access.week.get_absolute_url()}c/{comment.pk}/",
        "fragment": "discussions/_edit_main.html",
    }
    title = "Edit your comment"
    if request.method == "GET":
        form = CommentForm(key=key, initial={"body": comment.body}, label="Your comment")
        context = form_context(access, form=form, key=key, action=action, **extra)
        return form_response(request, context, title=title)
    form = CommentForm(request.POST, key=key, label="Your comment")
    try:
        services.edit_comment(access, comment, form.text)
    except ValidationError as error:
        context = form_context(access, form=form, key=key, action=action, **extra)
        context["errors"] = error.messages
        return form_response(request, context, title=title, status=400)
    return comment_main_response(request, access, comment)


def comment_main_response(
    request: HtmxHttpRequest, access: WeekAccess, comment: Comment
) -> HttpResponse:
    """The comment (without replies) for htmx, else a redirect to its anchor."""
    if not request.htmx:
        return HttpResponseRedirect(week_anchor(access, comment.anchor))
    context = {"c": decorated(access, comment), "discussion": Discussion(access=access)}
    return render(request, "discussions/_comment_main.html", context)


@login_not_required
@require_http_methods(["GET"])
def comment_detail(
    request: HtmxHttpRequest, seminar_slug: str, week_slug: str, comment_id: int
) -> HttpResponse:
    """The comment as a fragment (htmx, e.g. cancelling an edit), else its permalink."""
    access = get_access(request, seminar_slug, week_slug)
    comment = comment_for_user(access, comment_id)
    return comment_main_response(request, access, comment)


@login_not_required
@require_http_methods(["GET", "POST"])
def delete(
    request: HtmxHttpRequest, seminar_slug: str, week_slug: str, comment_id: int
) -> HttpResponse:
    access = get_access(request, seminar_slug, week_slug)
    comment = comment_for_user(access, comment_id)
    require(access.can_delete(comment), "Only the author can delete this comment.")
    if request.method == "GET":  # JS off: confirm on a page
        context = {
            "access": access,
            "week": access.week,
            "c": decorated(access, comment),
            "discussion": Discussion(access=access),
            "title": "Delete your comment?",
            "base_template": page_base(),
            "cancel_url": week_anchor(access, comment.anchor),
        }
        return render(request, "discussions/confirm_delete.html", context)
    services.delete_comment(access, comment)
    return comment_main_response(request, access, comment)


@login_not_required
@require_http_methods(["GET"])
def history(
    request: HttpRequest, seminar_slug: str, week_slug: str, comment_id: int
) -> HttpResponse:
    access = get_access(request, seminar_slug, week_slug)
    comment = comment_for_user(access, comment_id)
    require(access.can_see_history, "Only staff can read the edit history.")
    revisions = [
        {"revision": r, "html": render_markdown(r.body)}
        for r in comment.revisions.select_related("edited_by")
    ]
    context = {
        "access": access,
        "week": access.week,
        "c": comment,
        "revisions": revisions,
        "current_html": comment.body_html,
        "title": "Edit history",
        "base_template": page_base(),
        "back_url": week_anchor(access, comment.anchor),
        "tz": access.week.seminar.tz,
    }
    return render(request, "discussions/history.html", context)


@login_not_required
@require_POST
def save_draft(request: HtmxHttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    """Keep the text being written (htmx while typing; sendBeacon on leaving the page)."""
    access = get_access(request, seminar_slug, week_slug)
    require(access.can_post, CANNOT_POST)
    question, parent = draft_place(access, request.GET)
    try:
        draft = services.save_draft(
            access, question=question, parent=parent, body=request.POST.get("body", "")
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    if not request.htmx:
        return HttpResponse(status=204)
    if draft is None:
        return HttpResponse("")
    saved = timezone.localtime(draft.updated_at, access.week.seminar.tz)
    return HttpResponse(f"Draft saved at {time_format(saved, 'g:i A')}.")


def draft_place(access: WeekAccess, query: Any) -> tuple[Question | None, Comment | None]:
    """The question or parent comment a draft is for, from ?question= or ?parent=."""
    try:
        question_id = int(query["question"]) if query.get("question") else None
        parent_id = int(query["parent"]) if query.get("parent") else None
    except ValueError:
        raise Http404("No such place") from None
    parent = comment_for_user(access, parent_id) if parent_id else None
    question = get_question(access, question_id) if question_id else None
    return question, parent


# --- Near-duplicate answers (discussions/duplicates.py) -----------------------------------


def answer_question(access: WeekAccess, question_id: int) -> Question:
    """A question of this week the viewer may answer (404 for another week's)."""
    require(access.can_post, CANNOT_POST)
    question = get_question(access, question_id)
    if question.section.week_id != access.week.pk:
        raise Http404("No such question")
    return question


@login_not_required
@require_POST
@ratelimit(key="user", rate=duplicates.CHECK_RATE, group="discussions.similar")
def similar_answers(
    request: HttpRequest, seminar_slug: str, week_slug: str, question_id: int
) -> HttpResponse:
    """The near-duplicate warning for the text being written (htmx while typing; debounced
    on the client, rate-limited here). POST because the text can be long; writes nothing."""
    access = get_access(request, seminar_slug, week_slug)
    question = answer_question(access, question_id)
    form = CommentForm(request.POST)
    similar = duplicates.similar_answers(access, question, form.text)
    return render(request, "discussions/duplicates/_warning.html", {"similar": similar})


@login_not_required
@require_http_methods(["GET"])
def existing_answers(
    request: HttpRequest, seminar_slug: str, week_slug: str, question_id: int
) -> HttpResponse:
    """The answers to read before answering, newest first (loaded when the list opens)."""
    access = get_access(request, seminar_slug, week_slug)
    question = answer_question(access, question_id)
    answers = duplicates.existing_answers(access, question)
    context = {"answers": answers, "question": question}
    return render(request, "discussions/duplicates/_answers.html", context)
