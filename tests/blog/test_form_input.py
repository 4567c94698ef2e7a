"""The blog reads every POST through a form: input a form refuses never reaches a service
(a bad version number must not skip the check that protects a teammate's newer text), and
comes back with a message and the text typed."""

from __future__ import annotations

import html

import pytest

from blog import services
from blog.forms import UNKNOWN_ACTION, VERSION_UNKNOWN
from blog.models import BlogFeedback, BlogPost
from core.models import WeekDuty
from tests.blog.conftest import make_post, url
from tests.conftest import enroll, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
NUL_REFUSED = "Null characters are not allowed."


@pytest.fixture
def teammate(seminar, week):
    user = enroll(make_user("teammate@example.edu", first_name="Tess"), seminar)
    WeekDuty.objects.create(week=week, user=user, team=WeekDuty.Team.BLOG)
    return user


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("version", ["latest", "-1"])
def test_a_save_with_a_bad_version_never_overwrites_a_teammates_text(
    client, week, blogger, teammate, version
):
    post = services.post_save(week=week, author=blogger, title="T", body="v1", base_version=0)
    services.post_save(week=week, author=teammate, title="T", body="v2 by Tess", base_version=1)
    client.force_login(blogger)
    response = client.post(
        url("edit", week), {"title": "T", "body": "my v2", "version": version, "action": "save"}
    )
    assert response.status_code == 400
    assert VERSION_UNKNOWN in page(response) and "my v2" in page(response)
    post.refresh_from_db()
    assert post.body == "v2 by Tess"
    assert f'name="version" value="{post.version}"' in page(response)  # a second Save works


def test_an_unknown_editor_button_saves_nothing_and_says_so(client, week, blogger):
    client.force_login(blogger)
    response = client.post(
        url("edit", week), {"title": "T", "body": "My draft", "version": "0", "action": "post"}
    )
    assert response.status_code == 400
    assert UNKNOWN_ACTION in page(response) and "My draft" in page(response)
    assert not BlogPost.objects.exists()


def test_a_post_with_a_nul_character_is_refused_with_the_text_kept(client, week, blogger):
    client.force_login(blogger)
    response = client.post(
        url("edit", week), {"title": "T", "body": "My draft\x00", "version": "0"}
    )
    assert response.status_code == 400
    assert NUL_REFUSED in page(response) and "My draft" in page(response)
    assert not BlogPost.objects.exists()


def test_an_autosave_with_a_bad_version_saves_nothing_and_says_so(client, week, blogger):
    post = make_post(week, blogger)
    client.force_login(blogger)
    data = {"title": "T", "body": "typed", "version": "x"}
    response = client.post(url("autosave", week), data, **HTMX)
    assert response.status_code == 200  # htmx swaps the status line with the message
    assert "Not saved" in page(response) and VERSION_UNKNOWN in page(response)
    assert client.post(url("autosave", week), data).status_code == 400
    post.refresh_from_db()
    assert post.body != "typed"


def test_feedback_with_a_nul_character_is_a_message_not_a_500(client, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.SHARED)
    client.force_login(student)
    response = client.post(url("feedback", week), {"body": "Nice\x00"})
    assert response.status_code == 400 and NUL_REFUSED in page(response)
    response = client.post(url("feedback", week), {"body": "Nice\x00"}, **HTMX)
    assert response.status_code == 200 and NUL_REFUSED in page(response)
    assert not BlogFeedback.objects.exists()


def test_feedback_posted_without_a_body_field_asks_for_it(client, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.SHARED)
    client.force_login(student)
    response = client.post(url("feedback", week), {})
    assert response.status_code == 400 and "Write your feedback first." in page(response)


def test_a_change_request_with_a_nul_character_is_refused_and_kept(client, week, blogger, staff):
    make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(staff)
    response = client.post(url("request_changes", week), {"note": "Add authors\x00"})
    assert response.status_code == 400
    assert NUL_REFUSED in page(response) and "Add authors" in page(response)
    assert BlogPost.objects.get().status == BlogPost.Status.SUBMITTED
