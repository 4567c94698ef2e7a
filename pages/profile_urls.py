"""Mounted at the site root: the profile pages, and the calendar feed (no login: its URL
carries the secret)."""

from django.urls import path

from pages import calendar, profile

app_name = "profile"
urlpatterns = [
    path("profile/", profile.profile, name="page"),
    path("profile/calendar/reset/", profile.calendar_reset, name="calendar_reset"),
    path("profile/export/", profile.export, name="export"),
    path("profile/delete/", profile.delete, name="delete"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar"),
]
