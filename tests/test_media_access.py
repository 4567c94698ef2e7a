"""Uploaded media are served by the app's view (pages/media.py) only to those who may see
them: the session that uploaded the file, members of a seminar whose post shows it, and
superusers. Behind nginx the view answers X-Accel-Redirect instead of the bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from core.models import Seminar
from tests.conftest import enroll, make_user, make_week
from tests.discussions.helpers import add_comment


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT = ""
    cache.clear()
    return tmp_path


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 200, 10)).save(out, "PNG")
    return out.getvalue()


def uploaded_url(client: Client) -> str:
    file = SimpleUploadedFile("a.png", png(), content_type="image/png")
    response = client.post(
        "/editor/upload/", {"image": file}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 200, response.content
    return response.json()["image_code"].removeprefix("![](").removesuffix(")")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_uploader_sees_the_image_before_any_post_shows_it(student, other_student):
    writer = logged_in(student)
    url = uploaded_url(writer)

    response = writer.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body(response).startswith(b"\x89PNG")
    assert "private" in response["Cache-Control"]
    # A classmate does not, until a post shows it.
    assert logged_in(other_student).get(url).status_code == 404


def test_members_of_the_seminar_whose_post_shows_it_see_it_others_do_not(
    student, other_student, outsider, week
):
    url = uploaded_url(logged_in(student))
    add_comment(week, student, body=f"My answer ![]({url})")

    assert logged_in(other_student).get(url).status_code == 200
    assert logged_in(outsider).get(url).status_code == 404  # in no seminar
    elsewhere = Seminar.objects.create(slug="elsewhere", title="Elsewhere")
    make_week(elsewhere)
    stranger = enroll(make_user("stranger@example.edu"), elsewhere)
    assert logged_in(stranger).get(url).status_code == 404  # in another seminar


def test_anonymous_visitors_are_sent_to_log_in(student, week):
    url = uploaded_url(logged_in(student))
    add_comment(week, student, body=f"![]({url})")

    response = Client().get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_superuser_sees_every_file_and_a_missing_one_is_404(student):
    url = uploaded_url(logged_in(student))
    admin = make_user("root@example.edu", is_staff=True, is_superuser=True)
    assert logged_in(admin).get(url).status_code == 200
    assert logged_in(admin).get("/media/uploads/2020/01/" + "0" * 32 + ".png").status_code == 404
    assert logged_in(admin).get("/media/../settings.py").status_code == 404
    folder = url.removeprefix("/media/").rsplit("/", 1)[0]
    assert logged_in(admin).get(f"/media/{folder}").status_code == 404
    assert logged_in(admin).get(f"/media/{folder}/").status_code == 404


def test_behind_nginx_the_view_answers_x_accel_redirect(settings, student):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected"
    writer = logged_in(student)
    url = uploaded_url(writer)

    response = writer.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_protected/local/" + url.removeprefix("/media/")
    assert response.content == b""
