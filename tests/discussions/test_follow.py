"""Following a thread: on by default for its writers, a toggle (POST, htmx or not) for members."""

from __future__ import annotations

import pytest

from core.access import seminar_access, week_access
from discussions.follow_models import Follow
from discussions.services import post_comment
from tests.discussions.helpers import HTMX, client_for, comment_url, first_question

pytestmark = pytest.mark.django_db


def post(user, week, body, parent=None):
    access = week_access(seminar_access(user, week.seminar), week)
    return post_comment(access, None if parent else first_question(week), parent, body)


def following(user, comment) -> bool:
    return Follow.objects.filter(user=user, comment=comment, following=True).exists()


def test_writers_follow_the_threads_they_start_and_answer_in(week, student, other_student):
    answer = post(student, week, "An answer.")
    reply = post(other_student, week, "A reply.", parent=answer)
    post(student, week, "A reply to the reply.", parent=reply)
    assert following(student, answer) and following(other_student, answer)
    assert Follow.objects.count() == 2  # threads are top-level comments: not the reply


def test_the_week_page_offers_follow_or_unfollow_on_each_thread(week, student, other_student):
    mine = post(student, week, "Mine.")
    theirs = post(other_student, week, "Theirs.")
    reply = post(other_student, week, "A reply.", parent=mine)
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert f'action="{comment_url(mine, "follow")}"' in page
    assert f'action="{comment_url(theirs, "follow")}"' in page
    assert comment_url(reply, "follow") not in page
    assert page.count("Unfollow thread") == 1 and page.count(">Follow thread<") == 1


def test_unfollowing_and_following_again_without_javascript(week, student, other_student):
    theirs = post(other_student, week, "Theirs.")
    client = client_for(student)
    url = comment_url(theirs, "follow")
    assert client.get(url).status_code == 405
    response = client.post(url, {"follow": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{week.get_absolute_url()}#c{theirs.pk}"
    assert following(student, theirs)
    client.post(url, {"follow": "0"})
    assert not following(student, theirs)


def test_the_toggle_with_htmx_answers_with_the_new_button(week, student):
    mine = post(student, week, "Mine.")
    response = client_for(student).post(comment_url(mine, "follow"), {"follow": "0"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert ">Follow thread<" in html and 'name="follow" value="1"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_replies_and_bad_values_are_no_thread_to_follow(week, student, other_student):
    answer = post(student, week, "An answer.")
    reply = post(other_student, week, "A reply.", parent=answer)
    client = client_for(student)
    assert client.post(comment_url(reply, "follow"), {"follow": "1"}).status_code == 404
    assert client.post(comment_url(answer, "follow"), {"follow": "yes"}).status_code == 404
    assert not Follow.objects.filter(user=student, comment=reply).exists()


def test_only_members_follow(week, student, outsider, auditor):
    answer = post(student, week, "An answer.")
    url = comment_url(answer, "follow")
    assert client_for(outsider).post(url, {"follow": "1"}).status_code == 404
    assert client_for(auditor).post(url, {"follow": "1"}).status_code == 302
    assert following(auditor, answer)
    assert not Follow.objects.filter(user=outsider).exists()


def test_a_thread_posted_with_htmx_comes_with_its_unfollow_button(week, student, other_student):
    from tests.discussions.helpers import answer_url  # this test alone posts through the view

    question = first_question(week)
    response = client_for(student).post(
        answer_url(week, question), {"body": "A fresh answer."}, **HTMX
    )
    assert response.status_code == 200
    answer = Follow.objects.get(user=student).comment
    html = response.content.decode()
    assert f'action="{comment_url(answer, "follow")}"' in html
    assert "Unfollow thread" in html  # its writer follows it by default
    theirs = post(other_student, week, "Theirs.")
    reply = (
        client_for(student)
        .post(comment_url(theirs, "reply"), {"body": "A reply."}, **HTMX)
        .content.decode()
    )
    assert "follow/" not in reply  # a reply starts no thread: no button of its own
