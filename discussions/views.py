"""Posting, replying, editing, deleting and drafts — with htmx in place, and with JS off.

Every view answers two kinds of request:
- a plain form POST (JavaScript off): success redirects to the comment on its question's
  page (or the week's); an error re-renders the form on a page, with message and text.
- an htmx request (HX-Request header): success returns the fragment that replaces the form
  (plus the new comment, swapped out of band into its thread); an error returns the same
  form with the message in its aria-live region and the text kept.
Who may do what is asked of core.access. Every POST is read through a form of
discussions.forms, which refuses bad input (empty or too long text) with a message; the
rules about other objects (deadline, lock, the thread's week) live in services, whose
ValidationError the view puts on the form. Either way the form comes back with the text.
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
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from core.access import WeekAccess, require, week_view
from core.lib.http import HtmxHttpRequest
from core.lib.ratelimit import Rate, allow
from core.models import Question
from discussions import duplicates, services
from discussions.comment_view import load_comment_view
from discussions.follow_button import thread_follow_form
from discussions.forms import CommentForm
from discussions.models import Comment
from discussions.selectors import Discussion, answer_label, comment_for_user

CANNOT_POST = "You may not post in this week's discussion."
LOGGED_OUT = "You are logged out: log in again in another tab, then post. Your text is kept here."
View = Callable[..., HttpResponse]
POSTING_TOO_FAST = (
    "You are posting faster than the limit of {limit}. Wait a moment, then send it again: "
    "your text is kept here."
)
# A malformed POST_RATE or FLAG_RATE stops the start, not the first post.
Rate.parse(settings.POST_RATE), Rate.parse(settings.FLAG_RATE)


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
        form.add_error(None, LOGGED_OUT)
        context = {
            "form": form,
            "key": key,
            "action": request.path,
            "target": "this",
            "submit_label": "Post",
        }
        if request.htmx:
            return render(request, "discussions/_form.html", context)
        context["login_url"] = f"{resolve_url(settings.LOGIN_URL)}?next={request.path}"
        return render(request, "discussions/logged_out.html", context, status=403)

    return wrapper


def posted_data(request: HttpRequest) -> Any:
    """What a form is bound to: the POST data, or nothing (GET), so that GET and POST
    share one path (unlike `request.POST or None`, an empty POST is still a POST)."""
    return request.POST if request.method == "POST" else None


def week_anchor(access: WeekAccess, anchor: str) -> str:  # "c12", or "q/3/#c12"
    return f"{access.week.get_absolute_url()}{'' if '#' in anchor else '#'}{anchor}"


def form_context(
    access: WeekAccess,
    *,
    form: CommentForm,
    key: str,
    action: str,
    **extra: Any,
) -> dict[str, Any]:
    """What discussions/_form.html reads; its messages are the form's errors."""
    return {
        "discussion": Discussion(access=access),
        "access": access,
        "week": access.week,
        "form": form,
        "key": key,
        "action": action,
        **extra,
    }


def compose_page(
    request: HttpRequest, context: dict[str, Any], *, title: str, status: int = 200
) -> HttpResponse:
    """The form on a page of its own (JavaScript off), with what it answers above it."""
    context = {**context, "title": title, "compose_page": True}
    return render(request, "discussions/compose.html", context, status=status)


def form_response(
    request: HtmxHttpRequest, context: dict[str, Any], *, title: str, status: int = 200
) -> HttpResponse:
    """The form alone for htmx (errors with status 200 so htmx swaps them), else a page."""
    if request.htmx:
        template = context.pop("fragment", "discussions/_form.html")
        return render(request, template, context)
    return compose_page(request, context, title=title, status=status)


def posting_limited(request: HttpRequest, kind: str = "post") -> Rate | None:
    """Count this POST against its user's limit: "post" (answers, replies, general comments
    and edits: POST_RATE) or "flag" (FLAG_RATE). The Rate once over it, else None."""
    rate = Rate.parse(settings.FLAG_RATE if kind == "flag" else settings.POST_RATE)
    return None if allow(request, group=f"discussions.{kind}", rate=rate) else rate


def too_fast(rate: Rate) -> str:
    return POSTING_TOO_FAST.format(limit=rate.describe())


def limited_response(
    request: HtmxHttpRequest, form: CommentForm, context: dict[str, Any], *, title: str, rate: Rate
) -> HttpResponse:
    """A post over the limit: the form again with the message and the text, status 429
    for htmx too (static/js/discussion.js swaps it in like the 200 errors)."""
    form.add_error(None, too_fast(rate))
    response = form_response(request, context, title=title, status=429)
    response.status_code = 429
    response["Retry-After"] = str(rate.period)
    return response


def posted_response(
    request: HtmxHttpRequest, access: WeekAccess, comment: Comment, replacement: str
) -> HttpResponse:
    """After a successful post: redirect (JS off) or the form's replacement plus the
    new comment, appended to its thread or reply list out of band (htmx)."""
    if not request.htmx:  # to the question's own page (a general comment: the week's)
        page = f"q/{comment.question_id}/" if comment.question_id else ""
        return HttpResponseRedirect(week_anchor(access, page + "#" + comment.anchor))
    view = load_comment_view(access, comment)
    if view.container_id:
        target = f"#replies-c{view.container_id}"
    elif view.question_id:
        target = f"#comments-q{view.question_id}"
    else:
        target = "#comments-general"
    follow = thread_follow_form(request, access, comment)  # a new thread's, its writer's
    context = {"c": view, "discussion": Discussion(access=access), "after_main": follow}
    html = render_to_string("discussions/_comment.html", context, request)
    oob = f'<div hx-swap-oob="beforeend:{target}">{html}</div>'
    response = HttpResponse(replacement + oob)
    # Pages listening (the participation box: pages.views.participation_box) refresh.
    response["HX-Trigger"] = "comment-posted"
    return response


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


def _compose(
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
    """Shared by answer, general comment and reply: the form (GET, with the writer's draft)
    or the post (POST), shown again with the message and the text when it is refused."""
    require(access.can_post, CANNOT_POST)
    label = field_label(question, parent)
    data = posted_data(request)
    initial = {}
    if data is None:
        initial["body"] = services.load_draft(access, question=question, parent=parent)
    form = CommentForm(data, key=key, draft_url=draft_url, label=label, initial=initial)
    context = form_context(access, form=form, key=key, action=action, draft_url=draft_url, **extra)
    if data is None:
        return form_response(request, context, title=title)
    # A repeat of a stored key (double click, retry after a lost response) answers like
    # the first success: before the limit and the near-duplicate warning, which it is not.
    comment = services.posted_with_key(access, form.posted_key)
    if comment is None:
        if (rate := posting_limited(request)) is not None:
            return limited_response(request, form, context, title=title, rate=rate)
        if not form.is_valid():
            return form_response(request, context, title=title, status=400)
        try:
            comment = services.post_comment(
                access,
                question,
                parent,
                form.cleaned_data["body"],
                allow_duplicate=parent is not None or form.cleaned_data["post_anyway"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except duplicates.NearDuplicate as refusal:  # the warning, its links, "Post anyway"
            form.add_error(None, refusal)
            context["similar"] = refusal.similar
            return form_response(request, context, title=title, status=400)
        except ValidationError as error:  # the thread's rules: deadline, lock, its week
            form.add_error(None, error)
            return form_response(request, context, title=title, status=400)
    if parent is not None:
        replacement = ""  # the reply form goes away
    else:
        fresh = CommentForm(key=key, draft_url=draft_url, label=label)  # with a new key
        replacement = render_to_string(
            "discussions/_form.html", {**context, "form": fresh}, request
        )
    return posted_response(request, access, comment, replacement)


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
@week_view()
def post_answer(request: HtmxHttpRequest, access: WeekAccess, question_id: int) -> HttpResponse:
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
    return _compose(
        request,
        access,
        question=question,
        parent=None,
        key=key,
        action=action,
        draft_url=draft_url,
        title=f"Answer question {question.number}",
        extra=extra,
    )


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
@week_view()
def post_general(request: HtmxHttpRequest, access: WeekAccess) -> HttpResponse:
    base = access.week.get_absolute_url()
    return _compose(
        request,
        access,
        question=None,
        parent=None,
        key="general",
        action=f"{base}general/comment/",
        draft_url=f"{base}draft/",
        title="Comment on the readings",
        extra={"submit_label": "Post comment", "target": "this"},
    )


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
@week_view()
def reply(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    require(access.can_reply, CANNOT_POST)
    if request.method == "POST" and other_week_comment(access, comment_id):
        # A reply aimed at another week's comment: refused by the rules, text kept.
        return refuse_reply(request, access, comment_id)
    parent = comment_for_user(access, comment_id)
    base = access.week.get_absolute_url()
    extra = {
        "parent": load_comment_view(access, parent),
        "submit_label": "Post reply",
        "cancel_url": week_anchor(access, parent.anchor),
        "target": "this",
    }
    return _compose(
        request,
        access,
        question=parent.question,
        parent=parent,
        key=f"r{parent.pk}",
        action=f"{base}c/{parent.pk}/reply/",
        draft_url=f"{base}draft/?parent={parent.pk}",
        title=f"Reply to {parent.author.name}",
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
    form.add_error(None, services.OTHER_WEEK_PARENT)
    context = form_context(
        access, form=form, key=key, action=action, submit_label="Post reply", target="this"
    )
    return form_response(request, context, title="Reply", status=400)


@keep_text_when_logged_out
@login_not_required
@require_http_methods(["GET", "POST"])
@week_view()
def edit(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
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
    data = posted_data(request)
    form = CommentForm(data, key=key, initial={"body": comment.body}, label="Your comment")
    context = form_context(access, form=form, key=key, action=action, **extra)
    if data is None:
        return form_response(request, context, title=title)
    if services.edited_with_key(comment, form.posted_key):  # a repeat: answered as the first
        return comment_main_response(request, access, comment)
    if (rate := posting_limited(request)) is not None:
        return limited_response(request, form, context, title=title, rate=rate)
    if form.is_valid():
        try:
            services.edit_comment(
                access,
                comment,
                form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return comment_main_response(request, access, comment)
    return form_response(request, context, title=title, status=400)


def comment_main_response(
    request: HtmxHttpRequest, access: WeekAccess, comment: Comment
) -> HttpResponse:
    """The comment (without replies) for htmx, else a redirect to its anchor."""
    if not request.htmx:
        return HttpResponseRedirect(week_anchor(access, comment.anchor))
    context = {"c": load_comment_view(access, comment), "discussion": Discussion(access=access)}
    return render(request, "discussions/_comment_main.html", context)
