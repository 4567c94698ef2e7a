"""The markdown editor's server side: live preview and image upload.

These replace django-markdownx's own views (never include `markdownx.urls`: its preview
returns unsanitised HTML and its upload trusts the browser). The markdownx widget finds
them through MARKDOWNX_URLS_PATH and MARKDOWNX_UPLOAD_URLS_PATH. Both need a logged-in
member of at least one seminar and are rate-limited per user.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from core.access import may_use_editor
from core.lib.markdown import render_markdown
from core.lib.ratelimit import Rate, ratelimit
from discussions.upload_session import remember_upload
from discussions.uploads import image_upload_store

View = Callable[..., HttpResponse]
NOT_A_MEMBER = "Only members of a seminar can use the editor."
# A session that expired while someone was writing must not turn the preview into the
# login page: these views opt out of LoginRequiredMiddleware and answer with a message.
LOGGED_OUT = "You are logged out: log in again in another tab. Your text is still here."


class PreviewForm(forms.Form):
    content = forms.CharField(
        required=False,
        strip=False,
        max_length=settings.MARKDOWN_MAX_LENGTH,
        error_messages={
            "max_length": "Too long to preview: at most %(limit_value)d characters "
            "(this text has %(show_value)d). Your text is still in the editor."
        },
    )


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        error_messages={
            "required": "Choose an image to upload.",
            "empty": "This file is empty.",
            "invalid": "No file was received: choose an image to upload.",
        }
    )


def preview_message(message: str, status: int) -> HttpResponse:
    """An error the widget shows in place of the preview (it inserts any answer as HTML)."""
    html = format_html('<p class="markdownx-error" role="alert">{}</p>', message)
    return HttpResponse(html, status=status)


def upload_message(message: str, status: int) -> JsonResponse:
    """An error in the shape markdownx's upload script reads: {"image": [message]}."""
    return JsonResponse({"image": [message]}, status=status)


def editor_member_required(refuse: Callable[[str, int], HttpResponse]) -> Callable[[View], View]:
    """Refuse (403) anonymous users and users in no seminar, answering with `refuse`."""

    def decorator(view: View) -> View:
        @login_not_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return refuse(LOGGED_OUT, 403)
            if not may_use_editor(request.user):
                return refuse(NOT_A_MEMBER, 403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Room for the multipart envelope around the file: boundaries, part headers, the CSRF token.
UPLOAD_ENVELOPE_BYTES = 64 * 1024


def upload_body_capped(view: View) -> View:
    """Refuse (413) a request body over the upload limit before anything reads it.

    Django never reads past Content-Length, so checking it bounds the bytes read. The
    check must come before CsrfViewMiddleware, which reads request.POST (parsing the
    whole body, spooling files to disk): the view is csrf_exempt on the outside and
    csrf_protect on the inside, after this check (Django's documented order for work that
    must precede reading the body)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_BYTES + UPLOAD_ENVELOPE_BYTES:
            max_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
            return upload_message(
                f"This file is too big: images may be at most {max_mb:g} MB.", 413
            )
        return view(request, *args, **kwargs)

    return wrapper


def _preview_limited(request: HttpRequest, rate: Rate) -> HttpResponse:
    return preview_message(
        f"Preview paused: too many previews (limit: {rate.describe()}). It resumes "
        "shortly; your text is safe in the editor.",
        429,
    )


def _upload_limited(request: HttpRequest, rate: Rate) -> HttpResponse:
    return upload_message(
        f"Too many uploads (limit: {rate.describe()}). Please try again later.", 429
    )


@editor_member_required(preview_message)
@require_POST
@ratelimit(key="user", rate=settings.PREVIEW_RATE, on_limited=_preview_limited)
def markdownify(request: HttpRequest) -> HttpResponse:
    """Render the editor's text with the one sanitising renderer."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return preview_message(" ".join(map(str, form.errors["content"])), 400)
    return HttpResponse(render_markdown(form.cleaned_data["content"]))


@csrf_exempt  # checked by csrf_protect below, once the body is known to be small enough
@editor_member_required(upload_message)
@require_POST
@upload_body_capped
@csrf_protect
@ratelimit(key="user", rate=settings.UPLOAD_RATE, on_limited=_upload_limited)
def upload(request: HttpRequest) -> HttpResponse:
    """Store a verified, re-encoded image and answer with its markdown."""
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return upload_message(" ".join(map(str, form.errors["image"])), 400)
    try:
        stored = image_upload_store(upload=form.cleaned_data["image"])
    except ValidationError as exc:
        return upload_message(" ".join(exc.messages), 400)
    remember_upload(request, stored.name)  # the writer sees it in the preview
    return JsonResponse({"image_code": f"![]({stored.url})"})
