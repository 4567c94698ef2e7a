"""Blog URLs, included under /s/<seminar_slug>/: the seminar's index and feed, and each
week's post under its week (/s/<seminar>/w/<week>/blog/…)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_safe

from blog import views
from blog.feeds import SeminarBlogFeed

app_name = "blog"
post = "w/<slug:week_slug>/blog/"
# Readers without a session reach it too; SeminarBlogFeed decides who may (404 otherwise).
feed = login_not_required(require_safe(SeminarBlogFeed()))

urlpatterns = [
    path("blog/", views.index, name="index"),
    path("blog/feed/", feed, name="feed"),
    path("blog/feed/<str:token>/", feed, name="private_feed"),
    path(post, views.post_detail, name="post"),
    path(f"{post}edit/", views.edit, name="edit"),
    path(f"{post}autosave/", views.autosave, name="autosave"),
    path(f"{post}history/", views.history, name="history"),
    path(f"{post}history/<int:revision_id>/restore/", views.restore, name="restore"),
    path(f"{post}discussion.md", views.discussion_download, name="discussion"),
    path(f"{post}feedback/", views.feedback, name="feedback"),
    path(f"{post}request-changes/", views.request_changes, name="request_changes"),
]
urlpatterns += [
    path(f"{post}{action}/", views.transition, {"action": action}, name=action)
    for action in views.TRANSITIONS
]
