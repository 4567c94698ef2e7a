"""Seminar-wide moderation pages, under /s/<seminar_slug>/moderation/ (staff): every
week's flags, and the moderation log."""

from django.urls import path

from discussions import moderation_log_views, moderation_views

app_name = "moderation"
urlpatterns = [
    path("flags/", moderation_views.seminar_flags, name="flags"),
    path("log/", moderation_log_views.seminar_log, name="log"),
    path("log.csv", moderation_log_views.seminar_log_csv, name="log_csv"),
]
