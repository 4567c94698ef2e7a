"""A thread's markup around its comments is written in Python (discussions/thread_markup.py):
what staff typed is escaped there, and each viewer gets only their own controls."""

from __future__ import annotations

import pytest

from discussions import moderation
from tests.discussions.helpers import add_comment, base, client_for, first_question

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_minute")]


def test_a_question_number_staff_typed_is_escaped_in_its_thread(week, student, other_student):
    question = first_question(week)
    question.number = '<s>1"&'  # at most 12 characters (PostgreSQL enforces it)
    question.save()
    add_comment(week, other_student, "An answer", question=question)
    html = client_for(student).get(base(week)).content.decode()
    assert '<s>1"&' not in html
    assert "Answers to Q&lt;s&gt;1&quot;&amp;" in html
    assert "Show the answers to question &lt;s&gt;1&quot;&amp;" in html
    assert 'aria-label="Answers to question &lt;s&gt;1&quot;&amp;"' in html


def test_the_lock_control_is_for_moderators_with_their_token(week, student, lead):
    question = first_question(week)
    student_page = client_for(student).get(base(week)).content.decode()
    assert 'class="mod-form mod-thread"' not in student_page
    lead_client = client_for(lead)
    lead_client.get(base(week))  # the CSRF cookie
    lead_page = lead_client.get(base(week)).content.decode()
    token = lead_client.cookies["csrftoken"].value
    assert lead_page.count('class="mod-form mod-thread"') == 5  # four questions and general
    assert f'id="lock-q{question.pk}"' in lead_page
    assert 'name="csrfmiddlewaretoken" value="' in lead_page and token not in lead_page

    moderation.lock_thread(week, question, actor=lead, reason="Settled")
    lead_page = lead_client.get(base(week)).content.decode()
    assert f'id="unlock-q{question.pk}"' in lead_page
    student_page = client_for(student).get(base(week)).content.decode()
    assert "This thread is locked: no new posts." in student_page


def test_the_htmx_lock_answers_with_the_thread_and_its_status(week, lead):
    question = first_question(week)
    client = client_for(lead)
    client.get(base(week))
    response = client.post(
        f"{base(week)}lock/",
        {"question": question.pk, "action": "lock", "reason": "<b>done</b>"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.startswith(f'<section class="thread" id="thread-q{question.pk}"')
    assert f'id="unlock-q{question.pk}"' in html
    status = '<span class="mod-status" role="status">Thread locked: no new posts in it.</span>'
    assert status in html
    assert "<b>done</b>" not in html
