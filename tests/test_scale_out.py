"""Scale-out: two gunicorn servers and a Celery worker share one PostgreSQL database, one
Redis and one S3-compatible object store (moto's server on 127.0.0.1), nothing else. A
student logs in through one, uploads an image and posts an answer showing it through the
other, and both serve the page and the image; a classmate's reply through the first is
emailed to the student by the worker: sessions, the cache, rate limits, uploaded media and
background jobs hold across processes.

Runs only with PostgreSQL and Redis (CI sets DATABASE_URL and REDIS_URL). The servers use
Redis database 13 under a key prefix and a Celery queue of their own, deleted afterwards.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from bench.server import database_url, free_port, stop, wait_until_up
from discussions.models import Comment
from tests.conftest import PASSWORD, enroll, make_user
from tests.discussions.helpers import answer_url, comment_url, first_question
from tests.notifications.conftest import smtp_server  # noqa: F401, F811 — a fixture

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "seminar-scale-out"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis() -> None:
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as CI sets them")


@pytest.fixture
def s3_store() -> Iterator[str]:
    """moto's S3 server on a free 127.0.0.1 port, with an empty bucket: its URL."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
        )  # fmt: skip
        client.create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.stop()


def redis_url_db13() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((parts.scheme, parts.netloc, "/13", "", ""))


@pytest.fixture
def servers(s3_store: str, smtp_server, tmp_path: Path) -> Iterator[tuple[int, int]]:  # noqa: F811
    """Two gunicorn servers and a Celery worker, each its own process, the same stores
    behind them; the worker sends email through the local SMTP server."""
    import redis

    prefix = f"scale-out-{uuid.uuid4().hex}"
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped} | {
        "DEBUG": "0",
        "TESTING": "1",  # static files from the finders: no collectstatic needed
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key for both, as in production
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url_db13(),
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_QUEUE": prefix,
        "MEDIA_STORAGE_URL": f"s3://test:test@{s3_store.removeprefix('http://')}/{BUCKET}"
        "?secure=0&region=us-east-1",
        "MEDIA_ROOT": str(tmp_path / "not-used"),
        "LOG_LEVEL": "WARNING",
        "UPLOAD_RATE": "2/h",  # counted in Redis: the servers share one count per user
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_ACCESS_LOG": "",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server[1]}",
    }
    ports = (free_port(), free_port())
    procs = []
    try:
        for port in ports:
            command = [sys.executable, "-m", "gunicorn", "seminar.wsgi",
                       "--bind", f"127.0.0.1:{port}", "--timeout", "60"]  # fmt: skip
            procs.append(
                subprocess.Popen(command, cwd=settings.BASE_DIR, env={**env, "GUNICORN_BIND": ""})  # noqa: S603
            )
        for port, proc in zip(ports, procs, strict=True):
            wait_until_up(port, proc)
        worker = [sys.executable, "-m", "celery", "-A", "seminar", "worker", "--pool=solo",
                  "--queues", prefix, "--hostname", f"{prefix}@localhost", "--without-heartbeat",
                  "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]  # fmt: skip
        procs.append(subprocess.Popen(worker, cwd=settings.BASE_DIR, env=env))  # noqa: S603
        yield ports
    finally:
        for proc in procs:
            stop(proc)
        client = redis.Redis.from_url(redis_url_db13())
        for key in client.scan_iter(match=f"*{prefix}*", count=1000):
            client.delete(key)
        client.close()


class Browser:
    """One browser: a cookie jar shared by every server on 127.0.0.1 (cookies ignore ports)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body: bytes = b"", **headers: str):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body or None, headers={"Cookie": cookie, **headers})
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, content

    def get(self, port: int, path: str):
        return self.request(port, "GET", path)

    def post_form(self, port: int, path: str, fields: dict[str, str]):
        body = urlencode(fields).encode()
        return self.request(
            port, "POST", path, body, **{"Content-Type": "application/x-www-form-urlencoded"}
        )

    def csrf_token(self, port: int, path: str) -> str:
        response, content = self.get(port, path)
        assert response.status == 200, (path, response.status)
        found = CSRF.search(content.decode())
        assert found, f"no CSRF token on {path}"
        return found.group(1)


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (6, 4), (20, 120, 220)).save(out, "PNG")
    return out.getvalue()


def servers_password(user) -> None:
    """The password as the servers hash it (PBKDF2; this test process uses MD5), cheaply."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])


def test_two_servers_and_a_worker_share_sessions_posts_images_and_jobs(
    servers,
    s3_store,
    smtp_server,  # noqa: F811 — the fixture imported above
    week,
    seminar,
):
    a, b = servers
    student = enroll(make_user("scale-student@example.edu"), seminar)
    classmate = enroll(make_user("scale-classmate@example.edu"), seminar)
    servers_password(student)
    servers_password(classmate)
    question = first_question(week)
    page = week.get_absolute_url()

    # Logged in through A...
    browser = Browser()
    token = browser.csrf_token(a, "/accounts/login/")
    response, _ = browser.post_form(
        a, "/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": student.email, "password": PASSWORD},
    )  # fmt: skip
    assert response.status == 302, response.status
    assert "sessionid" in browser.cookies

    # ...uploads an image and posts an answer showing it through B.
    token = browser.csrf_token(b, page)
    response, content = upload(browser, b, token)
    assert response.status == 200, content
    image_url = re.fullmatch(r'\{"image_code": "!\[\]\((.+)\)"\}', content.decode()).group(1)
    assert image_url.startswith("/media/uploads/")
    text = f"My answer, with a figure ![]({image_url})"
    response, content = browser.post_form(
        b, answer_url(week, question), {"csrfmiddlewaretoken": token, "body": text}
    )
    assert response.status in (200, 302), content[:500]

    # Both serve the page with the answer and the image, from the shared store.
    for port in (a, b):
        response, content = browser.get(port, page)
        assert response.status == 200
        assert f'src="{image_url}"' in content.decode()
        response, content = browser.get(port, image_url)
        assert response.status == 200
        assert response.getheader("Content-Type") == "image/png"
        assert content.startswith(b"\x89PNG")

    # The file is in the object store, not on a server's disk.
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=s3_store, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )  # fmt: skip
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [image_url.removeprefix("/media/")]

    # A classmate logged in through B sees the image through A (the post shows it); a
    # visitor who is not logged in does not.
    other = Browser()
    other_token = other.csrf_token(b, "/accounts/login/")
    response, _ = other.post_form(
        b, "/accounts/login/",
        {"csrfmiddlewaretoken": other_token, "login": classmate.email, "password": PASSWORD},
    )  # fmt: skip
    assert response.status == 302
    response, content = other.get(a, image_url)
    assert response.status == 200 and content.startswith(b"\x89PNG")
    response, _ = Browser().get(b, image_url)
    assert response.status == 302  # to the login page

    # The classmate replies through A; the worker emails the student a reply notice.
    answer = Comment.objects.get(author=student, parent=None, question=question)
    other_token = other.csrf_token(a, page)  # login rotated the CSRF token
    response, content = other.post_form(
        a, comment_url(answer, "reply"), {"csrfmiddlewaretoken": other_token, "body": "Agreed!"}
    )
    assert response.status in (200, 302), content[:500]
    inbox = smtp_server[0]
    inbox.wait_for(1, timeout=60)
    assert inbox.recipients() == [student.email]

    # The upload limit (2/h here) counts the student's uploads on both servers together.
    response, content = upload(browser, a, token)
    assert response.status == 200, content
    response, content = upload(browser, b, token)
    assert response.status == 429, content


def upload(browser: Browser, port: int, token: str):
    body, content_type = multipart({"csrfmiddlewaretoken": token}, "image", "a.png", png())
    return browser.request(port, "POST", "/editor/upload/", body, **{"Content-Type": content_type})
