"""Uploads are bounded: pixels counted over every frame from the header, before decoding.

The reported files: a 77 KB GIF of 5 frames of 4470×4470 took a worker to 847 MB and 9 s,
a 267 KB animated WebP to 1 GB (measured here before the fix: 924 MB / 27 s and
956 MB / 17 s). Pillow's image memory is invisible to tracemalloc, so the upload path runs
in a child process that reports its resident memory: VmRSS before, VmHWM (the peak) after.
(Not ru_maxrss: Linux carries it across exec, from the test process's own peak.)
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
URL = "/editor/upload/"
XHR = {"x-requested-with": "XMLHttpRequest"}
SIDE, FRAMES = 4470, 5  # 5 × 19.98 MP: every frame under the 20 MP limit, 100 MP in all
MEMORY_LIMIT_MB = 150
ANIMATION_TOO_LARGE = "This animation is too large: at most 40 megapixels over all its frames"

CHILD = """
import json, sys, time
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from discussions.uploads import image_upload_store

def status_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

data = open(sys.argv[1], "rb").read()
with override_settings(MEDIA_ROOT=sys.argv[2]):
    before = status_kb("VmRSS")
    start = time.perf_counter()
    try:
        stored, messages = image_upload_store(upload=SimpleUploadedFile("f", data)).format, []
    except ValidationError as exc:
        stored, messages = None, exc.messages
    seconds = time.perf_counter() - start
print(json.dumps({"mb": (status_kb("VmHWM") - before) / 1024, "seconds": seconds, "stored": stored,
                  "messages": messages}))
"""


def animation(fmt: str) -> bytes:
    """FRAMES frames of SIDE×SIDE, each one colour: a few KB of file for 100 MP of pixels."""
    if fmt == "GIF":
        palette = [v for c in range(256) for v in (c, 255 - c, 40 * c % 256)]
        frames = [Image.new("P", (SIDE, SIDE), i) for i in range(FRAMES)]
        for frame in frames:
            frame.putpalette(palette)
        extra: dict[str, object] = {"optimize": False}
    else:
        frames = [Image.new("RGB", (SIDE, SIDE), (40 * i, 0, 0)) for i in range(FRAMES)]
        extra = {"lossless": True, "method": 0, "quality": 0, "kmin": 0, "kmax": 0}
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100, **extra)
    return out.getvalue()


def still(fmt: str, size: tuple[int, int], mode: str = "RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (90, 120, 200, 255)[: len(mode)]).save(out, fmt, **options)
    return out.getvalue()


def noisy_progressive_jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    noise = Image.effect_noise(size, 20).convert("RGB")
    noise.save(out, "JPEG", quality=30, progressive=True, subsampling=0)
    return out.getvalue()


@pytest.fixture(scope="module")
def animations() -> dict[str, bytes]:
    made = {fmt: animation(fmt) for fmt in ("GIF", "WEBP")}
    for fmt, data in made.items():
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size, image.n_frames) == (fmt, (SIDE, SIDE), FRAMES)
        assert len(data) < 300_000
    return made


def upload_in_child(data: bytes, tmp_path: Path) -> dict:
    source = tmp_path / "upload.bin"
    source.write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "seminar.settings")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(tmp_path / "media")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animation_bomb_is_refused_from_its_header_in_little_memory_and_time(
    animations, tmp_path, fmt
):
    result = upload_in_child(animations[fmt], tmp_path)

    assert result["stored"] is None
    assert ANIMATION_TOO_LARGE in result["messages"][0]
    assert result["mb"] < MEMORY_LIMIT_MB, result
    assert result["seconds"] < 1.0, result


@pytest.mark.parametrize(
    ("fmt", "make"),
    [
        ("PNG", lambda: still("PNG", (SIDE, SIDE), "RGBA")),  # 20 MP, the largest PNG
        ("JPEG", lambda: still("JPEG", (SIDE, SIDE))),  # 20 MP, the largest JPEG
        ("WEBP", lambda: still("WEBP", (2236, 2236), "RGBA")),  # 5 MP, the largest WebP
        ("JPEG", lambda: noisy_progressive_jpeg((3162, 3162))),  # 10 MP, 4:4:4, all scans
    ],
    ids=["png-20MP", "jpeg-20MP", "webp-5MP", "progressive-jpeg-10MP"],
)
def test_largest_accepted_still_is_stored_within_the_memory_bound(tmp_path, fmt, make):
    result = upload_in_child(make(), tmp_path)

    assert result["stored"] == fmt, result
    assert result["mb"] < MEMORY_LIMIT_MB, result
    assert result["seconds"] < 10, result


@pytest.fixture
def member(client, student, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    client.force_login(student)
    return client


def post(client, data: bytes, name: str = "image.bin"):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(URL, {"image": file}, headers=XHR)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_writer_uploading_an_animation_bomb_gets_a_clear_message(member, animations, tmp_path, fmt):
    response = post(member, animations[fmt])

    assert response.status_code == 400
    assert response.json() == {
        "image": [f"{ANIMATION_TOO_LARGE}. Please upload a smaller animation or a still image."]
    }
    assert stored_files(tmp_path) == []


def test_gif_frame_larger_than_the_declared_screen_counts_at_its_own_size(member, tmp_path):
    data = bytearray(still("GIF", (5000, 5000), "L"))
    data[6:10] = struct.pack("<2H", 10, 10)  # the header claims a 10×10 screen

    response = post(member, bytes(data))

    assert response.status_code == 400
    assert "at most 20 megapixels" in response.json()["image"][0]
    assert stored_files(tmp_path) == []


def test_animated_png_counts_every_frame(member, tmp_path):
    frames = [Image.new("L", (3700, 3700), 60 * i) for i in range(3)]  # 3 × 13.7 MP
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])

    response = post(member, out.getvalue())

    assert response.status_code == 400
    assert ANIMATION_TOO_LARGE in response.json()["image"][0]


def test_gif_with_more_than_100_frames_is_refused_from_its_header(member, tmp_path):
    frames = [Image.new("L", (2, 2), i) for i in range(101)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])

    response = post(member, out.getvalue())

    assert response.status_code == 400
    assert response.json() == {"image": ["This animation has too many frames: at most 100."]}


def test_webp_over_5_megapixels_is_refused_before_decoding(member, tmp_path):
    response = post(member, still("WEBP", (2300, 2300), lossless=True))

    assert response.status_code == 400
    assert response.json() == {
        "image": [
            "This WebP image is too large: at most 5 megapixels (PNG, GIF or baseline "
            "JPEG: 20), please scale it down."
        ]
    }


def test_body_over_the_limit_is_refused_before_django_parses_it(member, tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the multipart body was parsed")

    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", never)

    response = post(member, b"\0" * (6 * 1024 * 1024), "big.png")

    assert response.status_code == 413
    assert response.json() == {"image": ["This file is too big: images may be at most 5 MB."]}
    assert stored_files(tmp_path) == []


def test_progressive_jpeg_over_10_megapixels_is_refused_before_decoding(member, tmp_path):
    # libjpeg holds all of a progressive JPEG's coefficients: 20 MP took ~190 MB.
    response = post(member, still("JPEG", (3300, 3300), progressive=True))

    assert response.status_code == 400
    assert response.json()["image"][0].startswith(
        "This progressive JPEG image is too large: at most 10 megapixels"
    )
    assert stored_files(tmp_path) == []
