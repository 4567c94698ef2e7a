"""What the HTTP benchmarks share: the app under gunicorn on 127.0.0.1, logged-in
sessions made without a login round trip, and a load generator.

Used by `bench_rush` (a deadline rush of posts) and `bench_page` (the week page's
throughput, also against another server such as a forum, for comparison). Standard
library only on the client side; it talks only to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user: User) -> str:
    """A logged-in session for `user`, as `django.contrib.auth.login` would store it, and a
    CSRF cookie: the Cookie header of a browser that has just logged in."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf = secrets.token_hex(16)  # 32 characters, as Django's own CSRF secret
    session = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return f"{session}; {settings.CSRF_COOKIE_NAME}={csrf}"


def database_url() -> str:
    """The configured database as a URL another process (gunicorn) can open."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or ""
        auth = f"{user}:{db['PASSWORD']}@" if db["PASSWORD"] else (f"{user}@" if user else "")
        return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if str(db["NAME"]).startswith(("file:", ":memory:")):
        raise CommandError("the benchmark needs a database another process can open.")
    return f"sqlite:///{db['NAME']}"


def serve(
    port: int,
    workers: int,
    threads: int,
    *,
    worker_class: str = "gthread",
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """This app under gunicorn (gthread workers unless told) on 127.0.0.1:`port`, same
    database; `env` adds to (or overrides) this process's environment."""
    env = {**os.environ, "DATABASE_URL": database_url(), **(env or {})}
    command = [
        sys.executable, "-m", "gunicorn", "seminar.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--threads", str(threads), "--worker-class", worker_class,
        "--log-level", "warning", "--timeout", "120",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=Path(settings.BASE_DIR), env=env)  # noqa: S603


def collect_static(env: dict[str, str]) -> None:
    """`collectstatic` with the server's environment, as a deployment runs it before
    starting: with DEBUG off the pages name static files through its manifest."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(  # noqa: S603
        command, cwd=Path(settings.BASE_DIR), env={**os.environ, **env}, check=True
    )


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def wait_until_up(
    port: int, server: subprocess.Popen | None = None, path: str = "/healthz"
) -> None:
    for _ in range(300):
        if server is not None and server.poll() is not None:
            raise CommandError(f"the server exited with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 600:
                return
        except OSError:
            time.sleep(0.1)
    raise CommandError(f"nothing answered on 127.0.0.1:{port} within 30 s")


@dataclass
class Load:
    """What `hammer` measured."""

    seconds: float
    times_ms: list[float] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)
    body_bytes: int = 0

    @property
    def requests(self) -> int:
        return len(self.times_ms)

    @property
    def ok(self) -> int:
        return self.codes.get(200, 0)

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        times = sorted(self.times_ms)
        return times[min(len(times) - 1, int(len(times) * p))] if times else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0


def hammer(port: int, path: str, cookie: str, *, seconds: float, concurrency: int) -> Load:
    """GET 127.0.0.1:`port``path` with `cookie` from `concurrency` threads, each on one
    keep-alive connection, for `seconds`; count status codes and time each request.
    Status 0 counts a connection error."""
    load = Load(seconds=seconds)
    lock = threading.Lock()
    headers = {"Cookie": cookie, "Host": f"127.0.0.1:{port}"} if cookie else {}
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                size, status = len(response.read()), response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                size, status = 0, 0
            ms = (time.perf_counter() - started) * 1000
            with lock:
                load.times_ms.append(ms)
                load.codes[status] = load.codes.get(status, 0) + 1
                load.body_bytes += size
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    return load
