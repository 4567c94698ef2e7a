"""The deadline-rush benchmark: students posting through the no-JS forms to a real gunicorn
server (2 sync workers), retrying with the same bytes after a timeout."""

from __future__ import annotations

import io
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from bench.rush import Browser, Intent, Tally
from core.models import Seminar

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_small_rush_of_answers_and_replies_loses_doubles_and_fails_nothing() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn needs a database another process can open (CI runs PostgreSQL)")
    out = io.StringIO()
    call_command("bench_rush", students=5, window=5, seed=1, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    figures = dict(re.findall(r"(\w+)=([\d.]+)", last))
    assert figures["rush_students"] == "5"
    assert figures["posts"] == figures["accepted"] == "15"  # 2 answers + 1 reply each
    assert figures["lost"] == figures["doubled"] == figures["errors"] == "0"
    for kind in ("answer_post", "reply_post", "redirected_get"):
        assert float(figures[f"{kind}_p99_ms"]) >= float(figures[f"{kind}_p50_ms"]) > 0
    # The throwaway seminar and its students are gone.
    assert not Seminar.objects.filter(slug__startswith="rush-").exists()
    assert not User.objects.filter(email__startswith="rush-").exists()


def test_the_rush_percentiles_are_nearest_rank() -> None:
    tally = Tally()
    for ms in range(1, 101):
        tally.add("answer POST", float(ms), 303)
    assert tally.percentile("answer POST", 0.50) == 50.0
    assert tally.percentile("answer POST", 0.99) == 99.0
    assert tally.percentile("reply POST", 0.99) == 0.0
    assert tally.errors == 0
    tally.add("redirected GET", 5.0, 0)
    tally.add("redirected GET", 5.0, 502)
    assert tally.errors == 2


def test_the_rush_client_retries_a_timed_out_post_once_with_the_same_bytes() -> None:
    """The first POST gets no answer within the client's timeout; the client sends the
    same bytes again (same submission key) and follows the redirect."""
    posts: list[bytes] = []
    form = (
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t0k">'
        '<input type="hidden" name="submission_key" value="' + "a" * 32 + '"></form>'
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.reply(200, form.encode())

        def do_POST(self) -> None:  # noqa: N802
            posts.append(self.rfile.read(int(self.headers["Content-Length"])))
            if len(posts) == 1:
                time.sleep(1.0)  # longer than the client waits
            self.send_response(302)
            self.send_header("Location", "/q/1/#c1")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser = Browser(server.server_address[1], "sessionid=s; csrftoken=c", timeout=0.3)
        intent = Intent(0, "answer", "/q/1/answer/", "My answer")
        tally = Tally()
        assert browser.post(tally, intent) == "/q/1/#c1"
    finally:
        server.shutdown()
        server.server_close()
    assert len(posts) == 2 and posts[0] == posts[1]
    assert b"submission_key=" + b"a" * 32 in posts[0]
    assert intent.retried and intent.seen_ok and intent.key == "a" * 32
    assert len(tally.times["answer POST"]) == 1  # one post, timed from the first press
    assert tally.times["answer POST"][0] >= 300
    assert len(tally.times["redirected GET"]) == 1
    assert tally.errors == 0
