"""The discussion's endpoints, under /s/<seminar_slug>/w/<week_slug>/ (the week's URL).

Templates build these paths from `discussion.base` (the week's URL) rather than reversing
per comment; keep the two in step.
"""

from django.urls import path

from discussions import comment_views, moderation_log_views, moderation_views, unread_views, views

app_name = "discussions"
urlpatterns = [
    path("q/<int:question_id>/answer/", views.post_answer, name="answer"),
    path("general/comment/", views.post_general, name="comment"),
    path("c/<int:comment_id>/", comment_views.comment_detail, name="detail"),
    path("c/<int:comment_id>/reply/", views.reply, name="reply"),
    path("c/<int:comment_id>/edit/", views.edit, name="edit"),
    path("c/<int:comment_id>/delete/", comment_views.delete, name="delete"),
    path("c/<int:comment_id>/history/", comment_views.history, name="history"),
    path("c/<int:comment_id>/follow/", comment_views.follow, name="follow"),
    path("draft/", comment_views.save_draft, name="draft"),
    # What's new: marking what a page showed as read (discussions/unread_views.py)
    path("seen/", unread_views.mark_seen, name="seen"),
    # Near-duplicate answers (discussions/duplicates.py)
    path("q/<int:question_id>/similar/", comment_views.similar_answers, name="similar"),
    path("q/<int:question_id>/answers/", comment_views.existing_answers, name="answers"),
    # Moderation (discussions/moderation_views.py)
    path("c/<int:comment_id>/moderate/", moderation_views.moderate_comment, name="moderate"),
    path("c/<int:comment_id>/flag/", moderation_views.flag_comment, name="flag"),
    path("lock/", moderation_views.lock, name="lock"),
    path("flags/", moderation_views.week_flags, name="flags"),
    path("flags/<int:flag_id>/resolve/", moderation_views.resolve_flag, name="resolve_flag"),
    path("moderation/log/", moderation_log_views.week_log, name="moderation_log"),
    path("moderation/log.csv", moderation_log_views.week_log_csv, name="moderation_log_csv"),
]
