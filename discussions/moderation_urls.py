"""Seminar-wide moderation pages, under /s/<seminar_slug>/moderation/ (staff)."""

from django.urls import path

from discussions import moderation_views

app_name = "moderation"
urlpatterns = [
    path("flags/", moderation_views.seminar_flags, name="flags"),
]
