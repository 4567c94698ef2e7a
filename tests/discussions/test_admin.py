"""Staff see comments (with revisions), flags and the moderation log in the admin."""

from __future__ import annotations

from discussions.models import CommentRevision, Flag, ModerationAction
from tests.conftest import make_user
from tests.discussions.helpers import add_comment, client_for, first_question


def test_admin_lists_comments_with_revisions_and_the_log_is_read_only(week, student):
    admin = make_user("root@example.edu", is_staff=True, is_superuser=True)
    comment = add_comment(week, student, "Visible in admin", question=first_question(week))
    CommentRevision.objects.create(comment=comment, body="older text", edited_by=student)
    Flag.objects.create(comment=comment, user=student, reason="spam?")
    entry = ModerationAction.objects.create(
        week=week, comment=comment, actor=admin, action="hide", reason="off topic"
    )
    client = client_for(admin)
    assert "Visible in admin" in client.get("/admin/discussions/comment/").content.decode()
    change = client.get(f"/admin/discussions/comment/{comment.pk}/change/").content.decode()
    assert "older text" in change and "spam?" in change
    assert client.get("/admin/discussions/flag/").status_code == 200
    log = client.get("/admin/discussions/moderationaction/").content.decode()
    assert "off topic" in log
    assert client.get("/admin/discussions/moderationaction/add/").status_code == 403
    assert client.post(f"/admin/discussions/moderationaction/{entry.pk}/delete/").status_code == 403


def test_students_cannot_open_the_admin(week, student):
    response = client_for(student).get("/admin/discussions/comment/")
    assert response.status_code == 302
