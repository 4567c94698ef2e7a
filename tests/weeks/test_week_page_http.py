"""The week page's HTTP: gzip, Cache-Control, and 304 while it has not changed."""

from __future__ import annotations

import gzip

import pytest

from discussions import services
from tests.discussions.helpers import add_comment, base, client_for, first_question
from tests.discussions.test_page_cache import access_for

pytestmark = pytest.mark.django_db


def test_the_week_page_is_gzipped_for_browsers_that_accept_it(week, student, other_student):
    add_comment(week, other_student, "An answer " * 50, question=first_question(week))
    client = client_for(student)
    plain = client.get(base(week))
    packed = client.get(base(week), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    text = gzip.decompress(packed.content).decode()
    assert "An answer An answer" in text
    assert len(packed.content) * 3 < len(plain.content)


def test_the_week_page_is_private_and_revalidated(week, student):
    response = client_for(student).get(base(week))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control
    assert response["ETag"].startswith('"')


def test_an_unchanged_week_answers_304_and_a_change_answers_200(week, student, other_student):
    add_comment(week, other_student, "First answer", question=first_question(week))
    client = client_for(student)
    first = client.get(base(week))
    etag = first["ETag"]
    again = client.get(base(week), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    gzipped = client.get(base(week), HTTP_ACCEPT_ENCODING="gzip")
    assert client.get(base(week), HTTP_IF_NONE_MATCH=gzipped["ETag"]).status_code == 304
    services.post_comment(access_for(other_student, week), None, None, "A new comment")
    changed = client.get(base(week), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "A new comment" in changed.content.decode()


def test_another_viewers_etag_never_answers_304(week, student, other_student):
    add_comment(week, other_student, "An answer", question=first_question(week))
    theirs = client_for(other_student).get(base(week))["ETag"]
    assert client_for(student).get(base(week), HTTP_IF_NONE_MATCH=theirs).status_code == 200
