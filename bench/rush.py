"""The deadline rush's client: students posting through the forms a browser without
JavaScript sees, from threads on 127.0.0.1.

Each post is what the browser does: GET the form's page (its CSRF token and one-time
submission key), POST the form, follow the redirect (a GET of the question's page). A POST
that times out, fails to connect or answers 5xx is sent again once with the SAME bytes
(same submission key), as a browser's "resubmit" would. Standard library only.
"""

from __future__ import annotations

import html
import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')
KINDS = ("form GET", "answer POST", "reply POST", "redirected GET")


@dataclass
class Intent:
    """One post a student means to make, and what the client saw of it."""

    student: int
    kind: str  # "answer" or "reply"
    path: str  # the form's action
    body: str
    key: str = ""  # the submission key the form carried
    status: int = 0  # the final POST's status (0: no answer)
    retried: bool = False
    error: str = ""

    @property
    def seen_ok(self) -> bool:
        return self.status in (302, 303)


@dataclass
class Tally:
    """Latencies per request type, shared by the students' threads."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    codes: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, status: int) -> None:
        with self.lock:
            self.times[kind].append(ms)
            self.codes[status] = self.codes.get(status, 0) + 1

    @property
    def errors(self) -> int:
        """Requests answered 5xx or not at all (a POST counted after its retry)."""
        return sum(n for status, n in self.codes.items() if status == 0 or status >= 500)

    def percentile(self, kind: str, p: float) -> float:
        """Nearest rank: the smallest time at or above which lies (1 - p) of the times."""
        times = sorted(self.times[kind])
        if not times:
            return 0.0
        rank = max(1, -(-len(times) * p // 1))  # ceil(n * p), at least 1
        return times[int(rank) - 1]


class Browser:
    """One student's browser: a cookie jar and one connection per request (gunicorn's
    sync workers close each connection after its response)."""

    def __init__(self, port: int, cookie: str, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.jar = dict(part.strip().split("=", 1) for part in cookie.split(";"))

    def send(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str, str]:
        """Status, Location and text of one request; raises OSError/HTTPException."""
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items()),
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    if "=" in pair:
                        k, v = pair.split("=", 1)
                        self.jar[k.strip()] = v
            return response.status, response.getheader("Location") or "", text
        finally:
            conn.close()

    def timed(
        self, tally: Tally, kind: str, method: str, path: str, body: bytes | None = None
    ) -> tuple[int, str, str]:
        started = time.perf_counter()
        try:
            status, location, text = self.send(method, path, body)
        except (OSError, http.client.HTTPException):
            tally.add(kind, (time.perf_counter() - started) * 1000, 0)
            raise
        tally.add(kind, (time.perf_counter() - started) * 1000, status)
        return status, location, text

    def post(self, tally: Tally, intent: Intent) -> str:
        """Open the form, post it (once more with the same bytes after a timeout, a
        connection error or a 5xx), follow the redirect. The redirect's target, or ""."""
        try:
            _, _, page = self.timed(tally, "form GET", "GET", intent.path)
        except (OSError, http.client.HTTPException) as exc:
            intent.error = f"form GET: {exc!r}"
            return ""
        csrf, key = CSRF.search(page), KEY.search(page)
        if csrf is None or key is None:
            intent.error = "the form's page had no CSRF token or submission key"
            return ""
        intent.key = key.group(1)
        fields = {"csrfmiddlewaretoken": html.unescape(csrf.group(1)), "submission_key": intent.key}
        data = urlencode({**fields, "body": intent.body}).encode()
        kind = f"{intent.kind} POST"
        started = time.perf_counter()  # a retry's time counts from the first press
        for attempt in (1, 2):  # the same bytes both times
            intent.retried = attempt == 2
            try:
                intent.status, location, _ = self.send("POST", intent.path, data)
                intent.error = ""
            except (OSError, http.client.HTTPException) as exc:
                intent.status, location, intent.error = 0, "", repr(exc)
            if attempt == 1 and (intent.status == 0 or intent.status >= 500):
                continue  # the user presses the button again
            tally.add(kind, (time.perf_counter() - started) * 1000, intent.status)
            break
        if not intent.seen_ok:
            return ""
        target = urlsplit(location)
        try:
            self.timed(tally, "redirected GET", "GET", target.path)
        except (OSError, http.client.HTTPException) as exc:
            intent.error = f"redirected GET: {exc!r}"
        return location
