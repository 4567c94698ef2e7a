"""The markdown editor's endpoints, under /editor/ (names as django-markdownx expects)."""

from django.urls import path

from discussions import editor

urlpatterns = [
    path("markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("upload/", editor.upload, name="markdownx_upload"),
]
