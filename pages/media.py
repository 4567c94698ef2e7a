"""Uploaded media, served only to those who may see them.

Every file under MEDIA_URL goes through `media`: a logged-in user sees an image when their
session uploaded it (discussions/upload_session.py: the editor's preview) or when a post of
a seminar they may see shows it (an answer, reply, blog post, feedback or a week's text).
Superusers see every file. The file itself then comes from
  - nginx, when MEDIA_ACCEL_REDIRECT names its internal location (X-Accel-Redirect: no
    Python process is held while the bytes go out), for files on the local disk;
  - the storage API otherwise (local disk or the S3-compatible store), streamed by the view.
Anyone else gets 404, as if the file did not exist.
"""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import Model, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from blog.models import BlogFeedback, BlogPost
from core.access import seminars_for_user
from core.models import Question, QuestionSection, Reading, Week
from discussions.models import Comment
from discussions.upload_session import uploaded_in_session

# Where each model's markdown may show an image, and the path from it to its seminar.
SHOWN_IN: list[tuple[type[Model], str]] = [
    (Comment, "week__seminar"),
    (BlogPost, "week__seminar"),
    (BlogFeedback, "post__week__seminar"),
    (Week, "seminar"),
    (Reading, "week__seminar"),
    (QuestionSection, "week__seminar"),
    (Question, "section__week__seminar"),
]
# A "yes" is remembered this long per user and file (every replica: it is the shared cache).
ALLOWED_CACHE_SECONDS = 300
# Browsers keep an image privately: names are random and a file never changes.
CACHE_CONTROL = "private, max-age=86400"


def _clean_name(path: str) -> str:
    """The storage name of an image under MEDIA_URL; 404 for anything else (a folder, a
    path out of the media, a file that is not an image)."""
    name = posixpath.normpath(path).lstrip("/")
    if name in ("", ".") or name.startswith("..") or "\\" in name or "\0" in name:
        raise Http404("No such file")
    if not (mimetypes.guess_type(name)[0] or "").startswith("image/"):
        raise Http404("No such file")
    return name


def shown_in_seminars(name: str, seminar_ids: Any) -> bool:
    """Does any post or week text of these seminars show the file `name`?"""
    for model, seminar in SHOWN_IN:
        fields = list(model.markdown_fields)  # type: ignore[attr-defined]
        shows = Q()
        for field in fields:
            shows |= Q(**{f"{field}__contains": name})
        if model._default_manager.filter(shows, **{f"{seminar}__in": seminar_ids}).exists():
            return True
    return False


def may_see(request: HttpRequest, name: str) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_superuser or uploaded_in_session(request, name):
        return True
    key = f"media-allowed:{user.pk}:{name}"
    if cache.get(key):
        return True
    allowed = shown_in_seminars(name, seminars_for_user(user).values("pk"))
    if allowed:
        cache.set(key, True, ALLOWED_CACHE_SECONDS)
    return allowed


def accel_target(name: str) -> str | None:
    """Where nginx finds the file (X-Accel-Redirect), or None: the view streams it.

    Local disk: MEDIA_ACCEL_REDIRECT/local/<name>, an internal alias of MEDIA_ROOT. Object
    store: MEDIA_ACCEL_REDIRECT/s3/<a one-minute presigned URL's path and query>, an
    internal location forwarding to the store (docker/nginx.conf)."""
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if not prefix:
        return None
    if isinstance(default_storage, FileSystemStorage):
        if not default_storage.exists(name):
            raise Http404("No such file")
        return f"{prefix}/local/{name}"
    signed_url = getattr(default_storage, "signed_url", None)
    if signed_url is None:
        return None
    url = urlsplit(signed_url(name))
    return f"{prefix}/s3{url.path}?{url.query}"


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    name = _clean_name(path)
    if not may_see(request, name):
        raise Http404("No such file")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    target = accel_target(name)
    if target is not None:
        response: HttpResponse | FileResponse = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = target
    else:
        if not default_storage.exists(name):
            raise Http404("No such file")
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Disposition"] = "inline"
    return response
