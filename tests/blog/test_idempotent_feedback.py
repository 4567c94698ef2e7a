"""Feedback on a shared draft is sent once: the form's one-time submission key
(core.lib.submission) makes a double click or a retry store one feedback, answered like
the first success."""

from __future__ import annotations

import re
import uuid

import pytest

from blog.models import BlogFeedback, BlogPost
from tests.blog.conftest import make_post, url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
KEY_INPUT = re.compile(r'<input type="hidden" name="submission_key" value="([0-9a-f]{32})">')


@pytest.fixture
def shared(week, blogger) -> BlogPost:
    return make_post(week, blogger, status=BlogPost.Status.SHARED)


def test_feedback_sent_twice_is_stored_once_and_both_redirect(client, week, shared, student):
    client.force_login(student)
    data = {"body": "Cite the second paper.", "submission_key": uuid.uuid4().hex}

    responses = [client.post(url("feedback", week), data) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert BlogFeedback.objects.get().submission_key == data["submission_key"]


def test_with_htmx_the_repeat_shows_one_feedback_and_a_fresh_key(client, week, shared, student):
    client.force_login(student)
    data = {"body": "Nice *intro*", "submission_key": uuid.uuid4().hex}

    pages = [client.post(url("feedback", week), data, **HTMX) for _ in range(2)]

    assert BlogFeedback.objects.count() == 1
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200 and "Feedback from the class (1)" in html
        (fresh,) = KEY_INPUT.findall(html)
        assert fresh != data["submission_key"]


def test_the_post_page_carries_a_key_and_a_malformed_one_is_refused(client, week, shared, student):
    client.force_login(student)
    assert len(KEY_INPUT.findall(client.get(url("post", week)).content.decode())) == 1

    response = client.post(url("feedback", week), {"body": "Kept 8c2b", "submission_key": "x"})

    html = response.content.decode()
    assert response.status_code == 400 and "Kept 8c2b" in html
    assert "submission key was not understood" in html
    assert not BlogFeedback.objects.exists()


def test_feedback_without_a_key_still_works(client, week, shared, student):
    client.force_login(student)
    assert client.post(url("feedback", week), {"body": "No key"}).status_code == 302
    assert client.post(url("feedback", week), {"body": "No key"}).status_code == 302
    assert BlogFeedback.objects.count() == 2  # no key, no idempotency
