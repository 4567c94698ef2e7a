from django.urls import path

from pages import archive_views, brief_views, lead_views, search_views, views, week_editor

app_name = "weeks"
urlpatterns = [
    path("<slug:seminar_slug>/", views.seminar_home, name="seminar"),
    path("<slug:seminar_slug>/w/<slug:week_slug>/", views.week_detail, name="detail"),
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/participation-box/",
        views.participation_box,
        name="participation_box",
    ),
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/q/<int:question_id>/",
        views.question_detail,
        name="question",
    ),
    path("<slug:seminar_slug>/w/<slug:week_slug>/search/", search_views.search, name="search"),
    # The week editor: the lead team prepares its draft week, staff edit any week
    # (pages/week_editor.py); staff review drafts (pages/lead_views.py).
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/prepare/",
        week_editor.editor,
        name="lead_prepare",
    ),
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/prepare/preview/",
        week_editor.preview,
        name="lead_preview",
    ),
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/prepare/week.md",
        week_editor.download,
        name="lead_download",
    ),
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/prepare/import/",
        lead_views.import_week,
        name="lead_import",
    ),
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/prepare/withdraw/",
        lead_views.withdraw,
        name="lead_withdraw",
    ),
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/prepare/review/",
        lead_views.review,
        name="lead_review",
    ),
    # What needs attention in the week's discussion, for its leads and staff.
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/brief/",
        brief_views.brief,
        name="lead_brief",
    ),
    path("<slug:seminar_slug>/weeks/review/", lead_views.queue, name="lead_queue"),
    # The whole seminar as one zip (pages/archive.py).
    path("<slug:seminar_slug>/archive/", archive_views.archive_page, name="archive"),
    path(
        "<slug:seminar_slug>/archive/download/",
        archive_views.archive_download,
        name="archive_download",
    ),
]
