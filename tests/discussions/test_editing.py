"""Authors edit their comments (revisions kept, "edited" shown, staff read the history) and
delete them softly (the thread keeps "deleted by author" and the replies)."""

from __future__ import annotations

import html

from discussions.models import Comment, CommentRevision
from tests.discussions.helpers import HTMX, add_comment, client_for, comment_url, first_question


def test_editing_keeps_a_revision_and_shows_edited(week, student):
    comment = add_comment(week, student, "First **version**", question=first_question(week))
    client = client_for(student)
    response = client.post(comment_url(comment, "edit"), {"body": "Second version"})
    comment.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c{comment.pk}")
    assert comment.body == "Second version" and comment.edited_at is not None
    assert comment.body_html == "<p>Second version</p>\n"
    assert list(CommentRevision.objects.values_list("body", flat=True)) == ["First **version**"]
    page = client.get(week.get_absolute_url()).content.decode()
    assert 'class="badge badge-edited"' in page
    assert "First" not in page


def test_editing_with_htmx_returns_the_comment_in_place(week, student):
    comment = add_comment(week, student, "Before", question=first_question(week))
    client = client_for(student)
    form = client.get(comment_url(comment, "edit"), **HTMX).content.decode()
    assert form.startswith(f'<div class="comment-main" id="main-c{comment.pk}">')
    assert "Before</textarea>" in form
    response = client.post(comment_url(comment, "edit"), {"body": "After"}, **HTMX)
    page = response.content.decode()
    assert page.startswith(f'<div class="comment-main" id="main-c{comment.pk}">')
    assert "<p>After</p>" in page and "badge-edited" in page


def test_an_empty_edit_is_refused_and_the_text_kept(week, student):
    comment = add_comment(week, student, "Original", question=first_question(week))
    client = client_for(student)
    for extra in ({}, HTMX):
        response = client.post(comment_url(comment, "edit"), {"body": "  \n "}, **extra)
        assert "Your comment is empty" in html.unescape(response.content.decode())
        assert response.status_code == (200 if extra else 400)
    comment.refresh_from_db()
    assert comment.body == "Original" and not comment.revisions.exists()


def test_editing_someone_elses_comment_is_forbidden(week, student, other_student, staff):
    comment = add_comment(week, other_student, "Theirs", question=first_question(week))
    for user in (student, staff):
        response = client_for(user).post(comment_url(comment, "edit"), {"body": "Mine now"})
        assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Theirs"


def test_staff_and_the_author_read_the_history_and_classmates_may_not(
    week, student, other_student, staff
):
    comment = add_comment(week, student, "v1 text", question=first_question(week))
    client_for(student).post(comment_url(comment, "edit"), {"body": "v2 text"})
    assert client_for(other_student).get(comment_url(comment, "history")).status_code == 403
    classmate_page = client_for(other_student).get(week.get_absolute_url()).content.decode()
    assert f"c/{comment.pk}/history/" not in classmate_page
    own = client_for(student).get(comment_url(comment, "history"))
    assert own.status_code == 200 and "v1 text" in own.content.decode()
    own_page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert f"c/{comment.pk}/history/" in own_page
    response = client_for(staff).get(comment_url(comment, "history"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "v1 text" in page and "v2 text" in page
    staff_page = client_for(staff).get(week.get_absolute_url()).content.decode()
    assert f"c/{comment.pk}/history/" in staff_page


def test_soft_delete_keeps_the_replies_and_says_deleted_by_author(week, student, other_student):
    answer = add_comment(week, student, "Secret words", question=first_question(week))
    reply = add_comment(week, other_student, "A reply that stays", parent=answer)
    client = client_for(student)
    response = client.post(comment_url(answer, "delete"))
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.deleted_at is not None and Comment.objects.filter(pk=reply.pk).exists()
    page = client_for(other_student).get(week.get_absolute_url()).content.decode()
    assert "Deleted by author." in page
    assert "Secret words" not in page
    assert "A reply that stays" in page
    assert f'id="c{reply.pk}"' in page


def test_delete_with_htmx_replaces_the_comment_in_place(week, student):
    answer = add_comment(week, student, "Going away", question=first_question(week))
    response = client_for(student).post(comment_url(answer, "delete"), **HTMX)
    page = response.content.decode()
    assert page.startswith(f'<div class="comment-main" id="main-c{answer.pk}">')
    assert "Deleted by author." in page and "Going away" not in page


def test_js_off_delete_asks_for_confirmation_first(week, student):
    answer = add_comment(week, student, "Maybe", question=first_question(week))
    response = client_for(student).get(comment_url(answer, "delete"))
    assert response.status_code == 200
    assert f'action="{comment_url(answer, "delete")}"' in response.content.decode()
    answer.refresh_from_db()
    assert answer.deleted_at is None


def test_deleting_someone_elses_comment_is_forbidden(week, student, other_student):
    answer = add_comment(week, other_student, "Theirs", question=first_question(week))
    assert client_for(student).post(comment_url(answer, "delete")).status_code == 403
    answer.refresh_from_db()
    assert answer.deleted_at is None


def test_a_deleted_comment_cannot_be_edited(week, student):
    answer = add_comment(week, student, "Gone", question=first_question(week))
    client = client_for(student)
    client.post(comment_url(answer, "delete"))
    assert client.post(comment_url(answer, "edit"), {"body": "Back"}).status_code == 403
