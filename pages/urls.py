from django.urls import path

from pages import archive_views, lead_views, views

app_name = "weeks"
urlpatterns = [
    path("<slug:seminar_slug>/", views.seminar_home, name="seminar"),
    path("<slug:seminar_slug>/w/<slug:week_slug>/", views.week_detail, name="detail"),
    # The lead team prepares its draft week; staff review it (pages/lead_views.py).
    path(
        "<slug:seminar_slug>/w/<slug:week_slug>/prepare/",
        lead_views.prepare,
        name="lead_prepare",
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
    path("<slug:seminar_slug>/weeks/review/", lead_views.queue, name="lead_queue"),
    # The whole seminar as one zip (pages/archive.py).
    path("<slug:seminar_slug>/archive/", archive_views.archive_page, name="archive"),
    path(
        "<slug:seminar_slug>/archive/download/",
        archive_views.archive_download,
        name="archive_download",
    ),
]
