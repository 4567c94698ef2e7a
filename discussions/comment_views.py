"""The discussion's other endpoints: a comment alone, deleting, its history, drafts while
writing, and the answers to read before answering (near-duplicates).

Every view gets the week's access object from `week_view` (404 for what the viewer may not
see; a logged-out visitor is sent to log in) and asks it before acting.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import account
from core.access import WeekAccess, require, week_view
from core.lib.http import HtmxHttpRequest
from core.lib.markdown import render_markdown
from core.lib.ratelimit import ratelimit
from core.models import Question
from core.timefmt import format_time
from discussions import duplicates, services
from discussions.comment_view import load_comment_view
from discussions.follow_models import set_following
from discussions.forms import DraftForm, DraftPlaceForm, FollowForm, SimilarForm, error_messages
from discussions.models import Comment
from discussions.render import follow_form
from discussions.selectors import Discussion, comment_for_user
from discussions.views import CANNOT_POST, comment_main_response, get_question, week_anchor


@login_not_required
@require_http_methods(["GET"])
@week_view()
def comment_detail(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    """The comment as a fragment (htmx, e.g. cancelling an edit), else its permalink."""
    comment = comment_for_user(access, comment_id)
    return comment_main_response(request, access, comment)


@login_not_required
@require_http_methods(["GET", "POST"])
@week_view()
def delete(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    comment = comment_for_user(access, comment_id)
    require(access.can_delete(comment), "Only the author can delete this comment.")
    if request.method == "GET":  # JS off: confirm on a page
        context = {
            "access": access,
            "week": access.week,
            "c": load_comment_view(access, comment),
            "discussion": Discussion(access=access),
            "title": "Delete your comment?",
            "cancel_url": week_anchor(access, comment.anchor),
        }
        return render(request, "discussions/confirm_delete.html", context)
    services.delete_comment(access, comment)
    return comment_main_response(request, access, comment)


@login_not_required
@require_http_methods(["GET"])
@week_view()
def history(request: HttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    comment = comment_for_user(access, comment_id)
    require(
        access.can_see_history_of(comment),
        "Only staff and the comment's author can read its edit history.",
    )
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
        "back_url": week_anchor(access, comment.anchor),
        "tz": access.tz,
    }
    return render(request, "discussions/history.html", context)


@login_not_required
@require_POST
@week_view("can_flag", "Only members of this seminar follow its threads.")
def follow(request: HtmxHttpRequest, access: WeekAccess, comment_id: int) -> HttpResponse:
    """Follow or unfollow the thread a top-level comment starts: its button again (htmx),
    else back to the comment."""
    comment = comment_for_user(access, comment_id)
    form = FollowForm(request.POST)
    if comment.parent_id is not None or comment.deleted_at is not None or not form.is_valid():
        raise Http404("No thread to follow here")
    set_following(account(access.user).pk, comment.pk, bool(form.cleaned_data["follow"]))
    if not request.htmx:
        return HttpResponseRedirect(week_anchor(access, comment.anchor))
    following = bool(form.cleaned_data["follow"])
    url = f"{access.week.get_absolute_url()}c/{comment.pk}/"
    return HttpResponse(follow_form(url, following, get_token(request)))


@login_not_required
@require_POST
@week_view()
def save_draft(request: HtmxHttpRequest, access: WeekAccess) -> HttpResponse:
    """Keep the text being written (htmx while typing; sendBeacon on leaving the page)."""
    require(access.can_post, CANNOT_POST)
    question, parent = draft_place(access, DraftPlaceForm(request.GET))
    form = DraftForm(request.POST)
    if not form.is_valid():
        return HttpResponse(" ".join(error_messages(form)), status=400, content_type="text/plain")
    try:
        draft = services.save_draft(
            access, question=question, parent=parent, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    if not request.htmx:
        return HttpResponse(status=204)
    if draft is None:
        return HttpResponse("")
    return HttpResponse(f"Draft saved at {format_time(draft.updated_at, access.tz)}.")


def draft_place(
    access: WeekAccess, place: DraftPlaceForm
) -> tuple[Question | None, Comment | None]:
    """The question or parent comment a draft is for, from ?question= or ?parent=
    (404 for what is not a place of this seminar the viewer may see)."""
    if not place.is_valid():
        raise Http404("No such place")
    question_id, parent_id = place.cleaned_data["question"], place.cleaned_data["parent"]
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
@week_view()
def similar_answers(request: HttpRequest, access: WeekAccess, question_id: int) -> HttpResponse:
    """The near-duplicate warning for the text being written (htmx while typing; debounced
    on the client, rate-limited here). POST because the text can be long; writes nothing."""
    question = answer_question(access, question_id)
    form = SimilarForm(request.POST)
    form.is_valid()  # always: any text can be compared
    similar = duplicates.similar_answers(access, question, form.cleaned_data["body"])
    return render(request, "discussions/duplicates/_warning.html", {"similar": similar})


@login_not_required
@require_http_methods(["GET"])
@week_view()
def existing_answers(request: HttpRequest, access: WeekAccess, question_id: int) -> HttpResponse:
    """The answers to read before answering, newest first (loaded when the list opens)."""
    question = answer_question(access, question_id)
    answers = duplicates.existing_answers(access, question)
    context = {"answers": answers, "question": question}
    return render(request, "discussions/duplicates/_answers.html", context)
