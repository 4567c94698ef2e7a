"""Mounted at /s/<seminar_slug>/: the schedule, and the staff pages under teams/manage/."""

from django.urls import path

from teams import rotation_views, views

app_name = "teams"

manage = "teams/manage/"
urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path(manage, views.overview, name="overview"),
    path(f"{manage}new/", views.team_create, name="team_create"),
    path(f"{manage}generate/", views.teams_generate, name="generate"),
    path(f"{manage}import/", views.teams_import, name="import"),
    path(f"{manage}import/apply/", views.teams_import_apply, name="import_apply"),
    path(f"{manage}<int:team_id>/", views.team_detail, name="team"),
    path(f"{manage}<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path(f"{manage}<int:team_id>/add/", views.member_add, name="member_add"),
    path(f"{manage}<int:team_id>/remove/", views.member_remove, name="member_remove"),
    path(f"{manage}rotation/", rotation_views.rotation, name="rotation"),
    path(f"{manage}rotation/apply/", rotation_views.rotation_apply, name="rotation_apply"),
    path(f"{manage}rotation/import/", rotation_views.rotation_import, name="rotation_import"),
    path(
        f"{manage}rotation/import/apply/",
        rotation_views.rotation_import_apply,
        name="rotation_import_apply",
    ),
    path(f"{manage}weeks/<slug:week_slug>/", rotation_views.week_edit, name="week"),
    path(f"{manage}weeks/<slug:week_slug>/swap/", rotation_views.week_swap, name="week_swap"),
    path(f"{manage}weeks/<slug:week_slug>/add/", rotation_views.week_add, name="week_add"),
    path(f"{manage}weeks/<slug:week_slug>/remove/", rotation_views.week_remove, name="week_remove"),
]
