"""`manage.py backup` then `manage.py restore` into a second, fresh database: nothing lost,
nothing doubled.

The demo seminar is seeded in the test database, with an uploaded image shown in one of
its comments (media in a temporary MEDIA_ROOT). `backup` runs here; `restore` runs in a
subprocess against a new database (a new SQLite file, or a new PostgreSQL database when
the tests run on PostgreSQL; dropped afterwards) and an empty second MEDIA_ROOT. Then
every model's row count must be equal, and the week pages and the seminar home as the
demo student sees them, and the image, must be byte-identical (CSRF tokens, CSP nonces
and the forms' random submission keys masked) between the two databases.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
STUDENT = "student1@example.edu"
MARK = "SNAPSHOT "
MASKS = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'("X-CSRFToken": ?")[^"]+'), r"\1CSRF"),
    (re.compile(r'(name="csrf-token" content=")[^"]+'), r"\1CSRF"),
    (re.compile(r'(nonce=")[^"]+'), r"\1NONCE"),
    # a random key per rendered form, so a resubmitted post is not saved twice
    (re.compile(r'(name="submission_key" value=")[^"]+'), r"\1KEY"),
    # the time the page was drawn, which the "what's new" form marks as read
    (re.compile(r'(name="at" value=")[0-9]+'), r"\1TIME"),
]


def mask(html: str) -> str:
    for pattern, replacement in MASKS:
        html = pattern.sub(replacement, html)
    return html


def snapshot() -> dict[str, Any]:
    """Every model's row count, then three pages as the demo student sees them, and the
    bytes of every uploaded image they show."""
    from django.apps import apps
    from django.test import Client

    from accounts.models import User
    from core.models import Week

    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.label != "sessions.Session"
    }
    client = Client()
    client.force_login(User.objects.get(email=STUDENT))
    urls = ["/s/demo/"] + [
        f"/s/demo/w/{slug}/"
        for slug in Week.objects.filter(seminar__slug="demo", number__in=[1, 2])
        .order_by("number")
        .values_list("slug", flat=True)
    ]
    pages = {}
    images = {}
    for url in urls:
        response = client.get(url)
        html = mask(response.content.decode())
        pages[url] = {"status": response.status_code, "html": html}
        for src in sorted(set(re.findall(r'src="(/media/[^"]+)"', html))):
            image = client.get(src)
            images[src] = [image.status_code, hashlib.sha256(image.getvalue()).hexdigest()]
    return {"counts": counts, "pages": pages, "images": images}


def print_snapshot() -> None:
    """In the restore's subprocess: the snapshot as one line of JSON."""
    from django.db import transaction
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment(debug=False)  # as pytest-django does: DEBUG off, testserver
    result = snapshot()
    with transaction.atomic():  # the sequences were moved past the restored keys
        result["next_user_pk"] = User.objects.create_user("after-restore@example.edu").pk
        transaction.set_rollback(True)
    print(MARK + json.dumps(result))


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 40, 90)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def target_database(tmp_path: Path) -> Iterator[str]:
    """A new, empty database another process can open: its DATABASE_URL."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"seminar_restore_{uuid.uuid4().hex[:12]}"
    db = connection.settings_dict
    user = db["USER"] or ""
    auth = f"{user}:{db['PASSWORD']}@" if db["PASSWORD"] else (f"{user}@" if user else "")
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, media_root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    } | {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "MEDIA_STORAGE_URL": "",
        "AWS_STORAGE_BUCKET_NAME": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_backup_then_restore_into_a_fresh_database(tmp_path: Path, target_database: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from discussions.models import Comment
    from discussions.uploads import image_upload_store

    source_media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    file_system = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    with override_settings(
        MEDIA_ROOT=source_media, STORAGES={**settings.STORAGES, "default": file_system}
    ):
        call_command("seed_demo", password="backup-demo-pw", stdout=io.StringIO())
        stored = image_upload_store(upload=SimpleUploadedFile("figure.png", png(), "image/png"))
        comment = Comment.objects.filter(week__number=2, author__email=STUDENT).first()
        assert comment is not None
        comment.body += f"\n\n![A figure]({stored.url})"
        comment.save()
        assert stored.url in Comment.objects.get(pk=comment.pk).body_html

        archive = tmp_path / "backup.tar.gz"
        call_command("backup", out=str(archive), stdout=io.StringIO())
        source = snapshot()

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        member = tar.extractfile("manifest.json")
        assert member is not None
        manifest = json.load(member)
    assert {"manifest.json", "data.json", f"media/{stored.name}"} <= set(names)
    assert ("database.dump" in names) == manifest["pg_dump"]["included"]
    if connection.vendor == "postgresql" and manifest["pg_dump"]["included"] is False:
        assert "pg_dump" in manifest["pg_dump"]["reason"]
    assert manifest["counts"]["discussions.Comment"] == source["counts"]["discussions.Comment"]
    assert [entry["name"] for entry in manifest["media"]] == [stored.name]

    restore = manage(target_database, restored_media, "restore", str(archive))
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "every count as in the manifest" in restore.stdout
    assert (restored_media / stored.name).read_bytes() == (source_media / stored.name).read_bytes()

    shell = manage(
        target_database, restored_media, "shell", "-c",
        "from tests.test_backup_restore import print_snapshot; print_snapshot()",
    )  # fmt: skip
    assert shell.returncode == 0, shell.stderr
    line = next(row for row in shell.stdout.splitlines() if row.startswith(MARK))
    restored = json.loads(line.removeprefix(MARK))

    assert restored["counts"] == source["counts"]
    assert restored["next_user_pk"] > User.objects.order_by("-pk").values_list("pk", flat=True)[0]
    for model in ("accounts.User", "discussions.Comment", "teams.Team", "blog.BlogPost"):
        assert source["counts"][model] > 0, model
    assert len(source["pages"]) == 3
    for url, page in source["pages"].items():
        assert page["status"] == 200, url
        assert restored["pages"][url]["status"] == 200, url
        diff = difflib.unified_diff(
            page["html"].splitlines(), restored["pages"][url]["html"].splitlines(), lineterm=""
        )
        assert restored["pages"][url]["html"] == page["html"], "\n".join([url, *diff][:60])
    assert any(stored.url in page["html"] for page in source["pages"].values())
    assert source["images"][stored.url][0] == 200
    assert restored["images"] == source["images"]

    again = manage(target_database, restored_media, "restore", str(archive))
    assert again.returncode != 0
    assert "refusing to restore into a database that already holds data" in again.stderr


@pytest.fixture
def s3_buckets() -> Iterator[tuple[Any, Any]]:
    """Two empty buckets of moto's S3 server on 127.0.0.1, as the app's S3 storage."""
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    from bench.server import free_port
    from core.lib.storage import PrivateS3Storage

    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"access_key": "test", "secret_key": "test", "region_name": "us-east-1"}
    try:
        client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
        )  # fmt: skip
        stores = []
        for bucket in ("backup-source", "backup-target"):
            client.create_bucket(Bucket=bucket)
            stores.append(
                PrivateS3Storage(
                    bucket_name=bucket, endpoint_url=endpoint, addressing_style="path", **keys
                )
            )
        yield stores[0], stores[1]
    finally:
        server.stop()


def test_media_of_an_s3_store_are_walked_and_written_back(
    tmp_path: Path, s3_buckets: tuple[Any, Any]
) -> None:
    """The media part on S3: every object, in nested "folders", goes into the archive and
    back into another bucket through the storage API, byte for byte."""
    from django.core.files.base import ContentFile

    from core.lib.backup import restore_media, walk, write_backup

    source, target = s3_buckets
    files = {
        "top.png": png(),
        "uploads/2026/11/a.png": b"first",
        "uploads/2026/12/b.gif": b"second",
    }
    for name, data in files.items():
        assert source.save(name, ContentFile(data)) == name
    assert sorted(walk(source)) == sorted(files)

    archive = tmp_path / "backup.tar"
    manifest = write_backup(archive, storage=source)
    assert sorted(entry["name"] for entry in manifest["media"]) == sorted(files)
    with tarfile.open(archive) as tar:
        assert restore_media(tar, manifest, storage=target) == len(files)
        assert restore_media(tar, manifest, storage=target) == 0  # already there, unchanged
    for name, data in files.items():
        with target.open(name, "rb") as handle:
            assert handle.read() == data
