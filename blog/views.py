"""The blog pages: the week's post (draft or published), its editor, history, review
actions, feedback, the discussion download and the seminar's blog index.

Every page works without JavaScript; htmx adds autosave and in-place feedback.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHtmxHttpRequest, AuthenticatedHttpRequest
from blog import selectors, services
from blog.discussion import discussion_markdown
from blog.feeds import feed_token
from blog.forms import EditorActionForm, FeedbackForm, PostForm, ReviewForm, form_messages
from blog.models import BlogPost, BlogRevision
from core.access import SeminarAccess, WeekAccess, require, seminar_view, week_view
from core.lib.markdown import render_markdown
from core.timefmt import format_time


def base_context(access: WeekAccess, post: BlogPost | None) -> dict[str, Any]:
    week = access.week
    return {
        "access": access,
        "week": week,
        "seminar": week.seminar,
        "current_seminar": week.seminar,
        "post": post,
        "due": selectors.due_dates(week),
        "post_url": selectors.post_url(week),
        "edit_url": selectors.editor_url(week),
    }


def add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form (field errors on their fields)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, " ".join(error.messages))


# --- Reading ---------------------------------------------------------------------------


@require_safe
@login_not_required
@seminar_view()
def index(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    posts = list(selectors.published_posts(access))
    for post in posts:
        post.week.seminar = access.seminar
    private_feed = ""
    if not access.seminar.is_public and access.is_member and request.user.is_authenticated:
        token = feed_token(request.user, access.seminar)
        private_feed = request.build_absolute_uri(
            reverse("blog:private_feed", args=[access.seminar.slug, token])
        )
    context = {
        "access": access,
        "seminar": access.seminar,
        "current_seminar": access.seminar,
        "posts": posts,
        "feed_url": request.build_absolute_uri(reverse("blog:feed", args=[access.seminar.slug])),
        "private_feed_url": private_feed,
    }
    return render(request, "blog/index.html", context)


@require_safe
@login_not_required
@week_view()
def post_detail(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    post = selectors.post_of(access.week)
    if post is None or not access.can_see_post(post):
        raise Http404("No blog post here yet")
    return render(request, "blog/post_detail.html", detail_context(access, post))


def detail_context(access: WeekAccess, post: BlogPost, **forms: Any) -> dict[str, Any]:
    """The post page: the post, its credits, the week's readings and questions, and while
    it is a draft the feedback and the forms (`forms` replaces a form that has errors)."""
    context = base_context(access, post)
    context["credits"] = selectors.credits_for(access.week)
    context.update(selectors.week_material(access.week))
    if not post.is_published:
        context["feedback"] = selectors.feedback_for(post)
        context["feedback_form"] = FeedbackForm()
        context["review_form"] = ReviewForm()
    context.update(forms)
    return context


@require_safe
@week_view()
def history(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    require(access.can_blog, "Only the blogging team and staff see the post's history.")
    post = selectors.post_of(access.week)
    if post is None:
        raise Http404("No blog post yet")
    revisions = selectors.revisions_for(post)
    chosen, diff = None, []
    if request.GET.get("rev", "").isdigit():
        by_id = {r.pk: i for i, r in enumerate(revisions)}
        index_ = by_id.get(int(request.GET["rev"]))
        if index_ is None:
            raise Http404("No such revision")
        chosen = revisions[index_]
        previous = revisions[index_ + 1] if index_ + 1 < len(revisions) else None
        diff = selectors.revision_diff(previous, chosen)
    context = base_context(access, post) | {
        "revisions": revisions,
        "chosen": chosen,
        "diff": diff,
        "can_restore": access.can_edit_post(post),
    }
    return render(request, "blog/history.html", context)


@require_safe
@week_view()
def discussion_download(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    require(access.can_download_discussion, "Only the blogging team and staff download this.")
    base_url = request.build_absolute_uri(access.week.get_absolute_url())
    text = discussion_markdown(access, base_url=base_url)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    filename = f"{access.week.seminar.slug}-{access.week.slug}-discussion.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Writing ---------------------------------------------------------------------------


def editor_context(
    access: WeekAccess, post: BlogPost | None, form: PostForm, **extra: Any
) -> dict[str, Any]:
    context = base_context(access, post)
    context.update(
        form=form,
        autosave_url=autosave_url(access, post),
        review_form=ReviewForm(),
        **extra,
    )
    return context


def autosave_url(access: WeekAccess, post: BlogPost | None) -> str:
    """Where the editor autosaves; none for a published post (readers would see every
    keystroke of a fix): staff press Save."""
    if post is not None and post.is_published:
        return ""
    return reverse("blog:autosave", args=[access.week.seminar.slug, access.week.slug])


@require_http_methods(["GET", "HEAD", "POST"])
@week_view()
def edit(request: AuthenticatedHttpRequest, access: WeekAccess) -> HttpResponse:
    """The editor. Buttons: Save, or Preview (renders the text below, saves nothing)."""
    post = selectors.post_of(access.week)
    require(access.can_edit_post(post), "Only the week's blogging team and staff edit its post.")
    if request.method != "POST":
        initial = {
            "title": post.title if post else services.default_title(access.week),
            "body": post.body if post else "",
            "version": post.version if post else 0,
        }
        form = PostForm(initial=initial, autosave_url=autosave_url(access, post))
        return render(request, "blog/post_edit.html", editor_context(access, post, form))
    form = PostForm(request.POST, autosave_url=autosave_url(access, post))
    button = EditorActionForm(request.POST)
    if not button.is_valid() or not form.is_valid():
        for message in form_messages(button):
            form.add_error(None, message)
        if form.has_error("version"):  # a hidden field: said where the page shows messages
            form.add_error(None, form.errors["version"][0])
            keep_text_on_second_save(form, post)
        return render(
            request, "blog/post_edit.html", editor_context(access, post, form), status=400
        )
    data = form.cleaned_data
    if button.previewing:
        preview = render_markdown(data["body"])
        context = editor_context(access, post, form, preview_html=preview)
        return render(request, "blog/post_edit.html", context)
    try:
        services.post_save(
            week=access.week,
            author=request.user,
            title=data["title"],
            body=data["body"],
            base_version=data["version"],
        )
    except ValidationError as error:
        add_errors(form, error)
        if getattr(error, "code", None) == "stale":
            keep_text_on_second_save(form, selectors.post_of(access.week))
        return render(
            request, "blog/post_edit.html", editor_context(access, post, form), status=400
        )
    messages.success(request, "Post saved.")
    return redirect(selectors.editor_url(access.week))


def keep_text_on_second_save(form: PostForm, post: BlogPost | None) -> None:
    """The writer has now seen the warning: the page takes the post's current version, so
    a second Save keeps their text."""
    form.data = {**form.data, "version": str(post.version if post else 0)}


@require_POST
@week_view()
def autosave(request: AuthenticatedHtmxHttpRequest, access: WeekAccess) -> HttpResponse:
    """Keep the text while typing (htmx) and on leaving the page (sendBeacon)."""
    post = selectors.post_of(access.week)
    require(access.can_edit_post(post), "Only the week's blogging team and staff edit its post.")
    form = PostForm(request.POST)
    valid = form.is_valid()
    data = form.cleaned_data
    title, body = data.get("title", ""), data.get("body", "")
    status, message, version = 200, "", post.version if post else 0
    if not valid:  # kept on the page, not saved: Save shows the form with the message
        status, message = 400, "Not saved: " + " ".join(form_messages(form))
    elif post is None and not body.strip():
        message = ""
    elif post is not None and post.is_published:
        status, message = 409, "The post is published: press Save to change it."
    else:
        try:
            post = services.post_save(
                week=access.week,
                author=request.user,
                title=title,
                body=body,
                base_version=data.get("version"),
                kind=BlogRevision.Kind.AUTOSAVE,
            )
        except ValidationError as error:
            # The page keeps its old version number, so autosave never overwrites a
            # teammate's text: only an explicit Save after the warning does.
            status, message = 409, " ".join(error.messages)
        else:
            saved = format_time(post.updated_at, access.tz)
            message, version = f"Saved at {saved}.", post.version
    if not request.htmx:
        return HttpResponse(status=204 if status == 200 else status)
    html = render_to_string(
        "blog/_autosave_status.html",
        {"message": message, "version": version, "error": status != 200, "oob": status == 200},
    )
    # htmx swaps only 2xx answers: a conflict comes back as 200 with the error shown.
    return HttpResponse(html)


@require_POST
@week_view()
def restore(
    request: AuthenticatedHttpRequest, access: WeekAccess, revision_id: int
) -> HttpResponse:
    post = selectors.post_of(access.week)
    require(access.can_edit_post(post), "Only the week's blogging team and staff edit its post.")
    revision = post.revisions.filter(pk=revision_id).first() if post else None
    if post is None or revision is None:
        raise Http404("No such revision")
    revision.post = post
    try:
        services.post_restore(revision=revision, author=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {revision.version} is the current text again.")
    return redirect(selectors.editor_url(access.week))


# --- Review and feedback ---------------------------------------------------------------

TRANSITIONS = {
    "share": ("can_share_post", services.post_share, "Shared with the class for feedback."),
    "submit": ("can_submit_post", services.post_submit, "Submitted for staff review."),
    "withdraw": ("can_withdraw_post", services.post_withdraw, "Back to a private draft."),
    "publish": ("can_publish_post", services.post_publish, "Published."),
    "unpublish": ("can_unpublish_post", services.post_unpublish, "Unpublished: a draft again."),
}


@require_POST
@week_view()
def transition(request: AuthenticatedHttpRequest, access: WeekAccess, action: str) -> HttpResponse:
    post = selectors.post_of(access.week)
    if post is None or not access.can_see_post(post):
        raise Http404("No blog post yet")
    capability, service, done = TRANSITIONS[action]
    require(getattr(access, capability)(post), "You may not do that to this post.")
    try:
        service(post=post, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(selectors.post_url(access.week))


@require_POST
@week_view()
def request_changes(request: AuthenticatedHttpRequest, access: WeekAccess) -> HttpResponse:
    post = selectors.post_of(access.week)
    if post is None or not access.can_see_post(post):
        raise Http404("No blog post yet")
    require(access.can_review_post(post), "Only staff review a submitted post.")
    form = ReviewForm(request.POST)
    try:
        if form.is_valid():
            services.post_request_changes(
                post=post, actor=request.user, note=form.cleaned_data["note"]
            )
    except ValidationError as error:
        add_errors(form, error)
    if form.errors:
        context = detail_context(access, post, review_form=form)
        return render(request, "blog/post_detail.html", context, status=400)
    messages.success(request, "Changes requested: the team sees your note.")
    return redirect(selectors.post_url(access.week))


@require_POST
@week_view()
def feedback(request: AuthenticatedHtmxHttpRequest, access: WeekAccess) -> HttpResponse:
    post = selectors.post_of(access.week)
    if post is None or not access.can_see_post(post):
        raise Http404("No blog post yet")
    require(access.can_comment_post(post), "Feedback is open while the draft is shared.")
    form = FeedbackForm(request.POST)
    try:
        if form.is_valid():
            services.feedback_add(
                post=post,
                author=request.user,
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
            )
    except ValidationError as error:
        add_errors(form, error)
    status = 400 if form.errors else 200
    if status == 200:
        form = FeedbackForm()
    if request.htmx:
        context = base_context(access, post) | {
            "feedback": selectors.feedback_for(post),
            "feedback_form": form,
        }
        # 200 even on an error, so htmx swaps the form with its message and the text.
        return render(request, "blog/_feedback.html", context)
    if status == 400:
        context = detail_context(access, post, feedback_form=form)
        return render(request, "blog/post_detail.html", context, status=400)
    messages.success(request, "Thanks: your feedback is posted.")
    return redirect(f"{selectors.post_url(access.week)}#feedback")
