"""Image uploads from the markdown editor: who may upload, what is stored, what is refused."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from PIL import Image

from tests.conftest import PASSWORD

URL = "/editor/upload/"
XHR = {"x-requested-with": "XMLHttpRequest"}
STORED_NAME = re.compile(r"^/media/uploads/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|gif|webp)$")
PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    return tmp_path


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 6), mode: str = "RGB", **kw) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color=(200, 30, 30) if mode == "RGB" else 1).save(out, fmt, **kw)
    return out.getvalue()


def upload(client: Client, name: str, data: bytes, content_type: str = "image/png"):
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(URL, {"image": file}, headers=XHR)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def stored_path(root: Path, response) -> Path:
    url = response.json()["image_code"].removeprefix("![](").removesuffix(")")
    assert STORED_NAME.match(url), url
    return root / url.removeprefix("/media/")


@pytest.fixture
def member(client: Client, student) -> Client:
    client.force_login(student)
    return client


def test_member_uploads_png_and_gets_markdown_for_the_stored_copy(member, media_root):
    response = upload(member, "photo.png", image_bytes())

    assert response.status_code == 200
    path = stored_path(media_root, response)
    assert response.json()["image_code"].startswith("![](/media/uploads/")
    with Image.open(path) as stored:
        assert stored.format == "PNG"
        assert stored.size == (8, 6)


@pytest.mark.parametrize(
    ("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif"), ("WEBP", "webp")]
)
def test_each_accepted_format_is_stored_with_its_verified_extension(member, media_root, fmt, ext):
    response = upload(member, "upload.bin", image_bytes(fmt), "application/octet-stream")

    assert response.status_code == 200
    path = stored_path(media_root, response)
    assert path.suffix == f".{ext}"
    with Image.open(path) as stored:
        assert stored.format == fmt


def test_staff_and_auditor_may_upload(client, staff, auditor):
    for user in (staff, auditor):
        client.force_login(user)
        assert upload(client, "a.png", image_bytes()).status_code == 200


def test_anonymous_upload_is_refused_with_a_message_and_stores_nothing(client, db, media_root):
    response = upload(client, "a.png", image_bytes())

    assert response.status_code == 403
    assert "You are logged out" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_user_in_no_seminar_is_refused_with_403_json(client, outsider, media_root):
    client.force_login(outsider)

    response = upload(client, "a.png", image_bytes())

    assert response.status_code == 403
    assert response.json() == {"image": ["Only members of a seminar can use the editor."]}
    assert stored_files(media_root) == []


def test_get_is_not_allowed(member):
    assert member.get(URL).status_code == 405


def test_upload_without_csrf_token_is_refused(student, media_root):
    client = Client(enforce_csrf_checks=True)
    client.login(email=student.email, password=PASSWORD)

    response = upload(client, "a.png", image_bytes())

    assert response.status_code == 403
    assert stored_files(media_root) == []


def test_upload_with_csrf_token_from_the_cookie_works(student, media_root):
    client = Client(enforce_csrf_checks=True)
    client.login(email=student.email, password=PASSWORD)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    file = SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")

    response = client.post(URL, {"image": file, "csrfmiddlewaretoken": token}, headers=XHR)

    assert response.status_code == 200


def test_html_sent_as_gif_named_evil_html_is_refused(member, media_root):
    response = upload(member, "evil.html", PAYLOAD, "image/gif")

    assert response.status_code == 400
    assert "not an image we accept" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_real_gif_named_evil_html_is_stored_as_gif(member, media_root):
    response = upload(member, "evil.html", image_bytes("GIF"), "text/html")

    assert response.status_code == 200
    path = stored_path(media_root, response)
    assert path.suffix == ".gif"
    assert "evil" not in path.name


def test_svg_with_script_is_refused(member, media_root):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.domain)</script></svg>"
    )

    response = upload(member, "drawing.svg", svg, "image/svg+xml")

    assert response.status_code == 400
    assert "PNG, JPEG, GIF or WebP" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_png_with_appended_html_payload_is_stored_re_encoded_without_it(member, media_root):
    original = image_bytes("PNG", size=(16, 16))

    response = upload(member, "polyglot.png", original + PAYLOAD, "image/png")

    assert response.status_code == 200
    stored = stored_path(media_root, response).read_bytes()
    assert b"<script" not in stored
    assert b"<html" not in stored
    with Image.open(io.BytesIO(stored)) as image, Image.open(io.BytesIO(original)) as source:
        assert image.tobytes() == source.convert(image.mode).tobytes()


def test_payload_hidden_in_png_text_chunk_is_dropped(member, media_root):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")

    response = upload(member, "meta.png", image_bytes("PNG", pnginfo=info))

    assert response.status_code == 200
    assert b"<script" not in stored_path(media_root, response).read_bytes()


def test_jpeg_exif_is_stripped_and_its_rotation_applied(member, media_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010E] = "secret GPS-ish description"  # ImageDescription

    response = upload(member, "phone.jpg", image_bytes("JPEG", size=(40, 20), exif=exif))

    assert response.status_code == 200
    data = stored_path(media_root, response).read_bytes()
    assert b"secret" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert not stored.getexif()
        assert stored.size == (20, 40)


def test_animated_gif_is_stored_as_its_first_frame(member, media_root):
    # Only the first frame is ever decoded: an animation's cost stays that of one picture.
    frames = [Image.new("RGB", (10, 10), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)

    response = upload(member, "anim.gif", out.getvalue() + PAYLOAD, "image/gif")

    assert response.status_code == 200
    data = stored_path(media_root, response).read_bytes()
    assert b"<script" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "GIF"
        assert stored.n_frames == 1
        assert stored.convert("RGB").getpixel((5, 5)) == (255, 0, 0)


def test_phone_mpo_photo_is_stored_as_a_single_jpeg(member, media_root):
    out = io.BytesIO()
    first, second = Image.new("RGB", (12, 8), "red"), Image.new("RGB", (12, 8), "blue")
    first.save(out, "MPO", save_all=True, append_images=[second])

    response = upload(member, "IMG_0001.JPG", out.getvalue(), "image/jpeg")

    assert response.status_code == 200
    path = stored_path(media_root, response)
    assert path.suffix == ".jpg"
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert getattr(stored, "n_frames", 1) == 1


def test_file_over_5_mb_is_refused_before_decoding(member, media_root):
    big = image_bytes() + b"\0" * (5 * 1024 * 1024)

    response = upload(member, "big.png", big)

    assert response.status_code == 400
    assert response.json() == {"image": ["This file is too big: images may be at most 5 MB."]}
    assert stored_files(media_root) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_over_20_megapixels_is_refused_though_small_on_disk(member, media_root):
    data = image_bytes("PNG", size=(5000, 5000), mode="1")
    assert len(data) < 100_000

    response = upload(member, "wide.png", data)

    assert response.status_code == 400
    assert "at most 20 megapixels" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_decompression_bomb_is_refused(member, media_root):
    data = image_bytes("PNG", size=(12_000, 12_000), mode="1")

    response = upload(member, "bomb.png", data)

    assert response.status_code == 400
    assert "megapixels" in response.json()["image"][0]


def test_text_file_is_refused(member, media_root):
    response = upload(member, "notes.txt", b"just some notes\n", "text/plain")

    assert response.status_code == 400
    assert "not an image we accept" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_truncated_image_is_refused_as_damaged(member, media_root):
    data = image_bytes("PNG", size=(64, 64))

    response = upload(member, "cut.png", data[: len(data) // 2])

    assert response.status_code == 400
    assert "damaged or incomplete" in response.json()["image"][0]


def test_missing_or_empty_file_gets_a_clear_message(member):
    missing = member.post(URL, {}, headers=XHR)
    empty = upload(member, "empty.png", b"")

    assert missing.status_code == 400
    assert missing.json() == {"image": ["Choose an image to upload."]}
    assert empty.status_code == 400
    assert empty.json() == {"image": ["This file is empty."]}


def test_stored_names_are_random_tokens_not_the_browsers_name(member, media_root):
    first = stored_path(media_root, upload(member, "same.png", image_bytes()))
    second = stored_path(media_root, upload(member, "same.png", image_bytes()))

    assert first != second
    assert "same" not in first.name


def test_uploads_are_rate_limited_per_user(client, student, other_student):
    client.force_login(student)
    statuses = [upload(client, "a.png", image_bytes()).status_code for _ in range(21)]

    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    limited = upload(client, "a.png", image_bytes())
    assert limited.json() == {
        "image": ["Too many uploads (limit: 20 per hour). Please try again later."]
    }
    client.force_login(other_student)
    assert upload(client, "a.png", image_bytes()).status_code == 200
