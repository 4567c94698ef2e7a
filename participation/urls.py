"""Under /s/<seminar_slug>/participation/."""

from django.urls import path

from participation import gradebook_views, views

app_name = "participation"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("export.csv", views.matrix_csv, name="csv"),
    path("gradebook/", gradebook_views.page, name="gradebook"),
    path("gradebook/canvas.csv", gradebook_views.canvas, name="gradebook_canvas"),
    path("gradebook/moodle.csv", gradebook_views.moodle, name="gradebook_moodle"),
    path("w/<slug:week_slug>/", views.week_list, name="week"),
    path("w/<slug:week_slug>/nudge/", views.nudge, name="nudge"),
    path("w/<slug:week_slug>/queue/", views.queue, name="queue"),
    path(
        "w/<slug:week_slug>/queue/<int:comment_id>/<slug:verdict>/",
        views.judge,
        name="judge",
    ),
    path("w/<slug:week_slug>/u/<int:user_id>/", views.student, name="student"),
]
