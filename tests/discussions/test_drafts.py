"""Unfinished text is kept on the server while typing and restored on any device."""

from __future__ import annotations

from discussions.models import Draft
from tests.discussions.helpers import (
    HTMX,
    add_comment,
    answer_url,
    base,
    client_for,
    comment_url,
    first_question,
)


def draft_url(week, **place) -> str:
    query = "&".join(f"{k}={v}" for k, v in place.items())
    return f"{base(week)}draft/" + (f"?{query}" if query else "")


def test_a_draft_saved_on_one_device_is_restored_on_another(week, student):
    question = first_question(week)
    laptop = client_for(student)
    response = laptop.post(draft_url(week, question=question.pk), {"body": "Half an idea"}, **HTMX)
    assert response.status_code == 200
    assert "Draft saved at" in response.content.decode()
    phone = client_for(student)  # another session, same student
    page = phone.get(week.get_absolute_url()).content.decode()
    assert f'id="id_body_q{question.pk}"' in page
    assert "Half an idea</textarea>" in page
    assert "Draft restored." in page


def test_a_draft_is_saved_once_per_place_and_updated(week, student):
    question = first_question(week)
    client = client_for(student)
    for text in ("one", "one two", "one two three"):
        client.post(draft_url(week, question=question.pk), {"body": text}, **HTMX)
    assert list(Draft.objects.values_list("body", flat=True)) == ["one two three"]


def test_sendbeacon_saves_without_htmx(week, student):
    response = client_for(student).post(draft_url(week), {"body": "general thought"})
    assert response.status_code == 204
    assert Draft.objects.get(question=None, parent=None).body == "general thought"


def test_posting_clears_the_draft(week, student):
    question = first_question(week)
    client = client_for(student)
    client.post(draft_url(week, question=question.pk), {"body": "almost"}, **HTMX)
    client.post(answer_url(week, question), {"body": "done"})
    assert not Draft.objects.exists()
    assert "almost</textarea>" not in client.get(week.get_absolute_url()).content.decode()


def test_emptying_the_text_removes_the_draft(week, student):
    client = client_for(student)
    client.post(draft_url(week), {"body": "x"}, **HTMX)
    client.post(draft_url(week), {"body": "  "}, **HTMX)
    assert not Draft.objects.exists()


def test_a_reply_draft_comes_back_in_the_reply_form(week, student, other_student):
    answer = add_comment(week, other_student, question=first_question(week))
    client_for(student).post(draft_url(week, parent=answer.pk), {"body": "I half agree"}, **HTMX)
    form = client_for(student).get(comment_url(answer, "reply"), **HTMX).content.decode()
    assert "I half agree</textarea>" in form
    assert Draft.objects.get().question == answer.question


def test_drafts_are_private(week, student, other_student):
    question = first_question(week)
    client_for(student).post(draft_url(week, question=question.pk), {"body": "mine only"}, **HTMX)
    page = client_for(other_student).get(week.get_absolute_url()).content.decode()
    assert "mine only" not in page


def test_people_who_may_not_post_cannot_save_drafts(week, auditor, outsider):
    assert client_for(auditor).post(draft_url(week), {"body": "x"}).status_code == 403
    assert client_for(outsider).post(draft_url(week), {"body": "x"}).status_code == 404
    assert not Draft.objects.exists()


def test_a_draft_for_a_question_of_another_seminar_is_404(week, student):
    assert (
        client_for(student).post(draft_url(week, question=99999), {"body": "x"}).status_code == 404
    )
    assert (
        client_for(student).post(draft_url(week, question="abc"), {"body": "x"}).status_code == 404
    )
