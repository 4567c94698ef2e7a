"""A deadline rush: N students post their answers to the same week in the same minute.

    python manage.py bench_rush [--students 300] [--concurrency 50] [--workers 4]

Builds a throwaway seminar with a published week (8 questions, deadline ahead) and N
enrolled students, each with a logged-in session; serves the app with gunicorn on
127.0.0.1 (a free port, the same settings and database as this command); has a pool of
threads post one answer per student, all at once; then checks in the database that every
accepted post is stored exactly once and nothing else was stored. It prints the status
codes, latency percentiles and throughput, and as its last line

    rush_students=<int> accepted=<int> refused=<int> errors=<int> lost=<int> extra=<int>
    p50_ms=<float> p95_ms=<float> max_ms=<float> posts_per_s=<float>

(one line). The seminar and its students are deleted at the end unless --keep. The
command exits non-zero if a post was lost, stored twice, or answered with a 5xx.
"""

from __future__ import annotations

import http.client
import secrets
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from bench.management.commands.bench_week import build_week
from bench.server import free_port, serve, session_cookie, stop, wait_until_up
from core.models import Question, Seminar, Week
from discussions.models import Comment

TOPICS = (
    "reward hacking", "sycophancy", "red teaming", "interpretability", "jailbreaks",
    "oversight", "deception", "evaluation", "specification gaming", "data poisoning",
    "tool use", "constitutions", "scaling", "refusals", "memorisation", "watermarks",
)  # fmt: skip
WORDS = (
    "baseline", "threat", "model", "metric", "appendix", "ablation", "prompt", "attacker",
    "defence", "benchmark", "transfer", "suffix", "policy", "reward", "gradient", "human",
    "label", "dataset", "audit", "probe", "circuit", "feature", "claim", "evidence",
)  # fmt: skip


@dataclass
class Result:
    student: int
    status: int  # 0: no answer (connection error)
    ms: float
    error: str = ""


def answer_text(n: int) -> str:
    """A distinct answer per student: a sentence of the course's words and made-up ones,
    never a near-duplicate of a classmate's (which would ask them to "post anyway")."""
    rng = secrets.SystemRandom()
    coined = " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9)))
        for _ in range(30)
    )
    words = " ".join(rng.choice(WORDS) for _ in range(10))
    return f"Student {n} on **{TOPICS[n % len(TOPICS)]}**: {words}; {coined}."


class Command(BaseCommand):
    help = "Benchmark a deadline rush: N students post at once to a gunicorn server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=300)
        parser.add_argument("--concurrency", type=int, default=50, help="client threads")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
        parser.add_argument("--timeout", type=float, default=60.0, help="per-request seconds")
        parser.add_argument("--keep", action="store_true", help="keep the seminar afterwards")

    def handle(self, *args: Any, **options: Any) -> None:
        n = options["students"]
        if n < 1 or options["concurrency"] < 1:
            raise CommandError("--students and --concurrency must be at least 1.")
        seminar, week, questions, cookies = self.build(n)
        sessions = [cookie.split(";")[0].split("=", 1)[1] for cookie in cookies]
        port = free_port()
        server = serve(port, options["workers"], options["threads"])
        try:
            wait_until_up(port, server)
            posts = [
                (i, f"{week.get_absolute_url()}q/{questions[i % len(questions)]}/answer/")
                for i in range(n)
            ]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=options["concurrency"]) as pool:
                results = list(
                    pool.map(
                        lambda post: self.post(
                            port, post[1], cookies[post[0]], post[0], options["timeout"]
                        ),  # fmt: skip
                        posts,
                    )
                )
            elapsed = time.perf_counter() - started
        finally:
            stop(server)
        try:
            self.report(n, week, results, elapsed)
        finally:
            if not options["keep"]:
                Session.objects.filter(session_key__in=sessions).delete()
                User.objects.filter(enrollments__seminar=seminar).delete()
                seminar.delete()

    # --- setting up -------------------------------------------------------------------

    def build(self, n: int) -> tuple[Seminar, Week, list[int], list[str]]:
        week, users = build_week(slug=f"rush-{uuid.uuid4().hex[:10]}", students=n)
        questions = list(
            Question.objects.filter(section__week=week)
            .order_by("section__position", "position")
            .values_list("pk", flat=True)
        )
        return week.seminar, week, questions, [session_cookie(u) for u in users]

    # --- the rush ---------------------------------------------------------------------

    def post(self, port: int, path: str, cookie: str, student: int, timeout: float) -> Result:
        csrf = cookie.rsplit("=", 1)[1]
        body = urlencode({"body": answer_text(student)})
        headers = {
            "Cookie": cookie,
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": f"127.0.0.1:{port}",
        }
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            error = ""
        except OSError as exc:
            status, error = 0, repr(exc)
        return Result(student, status, (time.perf_counter() - started) * 1000, error)

    def report(self, n: int, week: Week, results: list[Result], elapsed: float) -> None:
        accepted = [r for r in results if 200 <= r.status < 400]
        refused = [r for r in results if 400 <= r.status < 500]
        errors = [r for r in results if r.status == 0 or r.status >= 500]
        stored: dict[int, int] = {}
        prefix = "Student "
        for body in Comment.objects.filter(week=week).values_list("body", flat=True):
            number = int(body[len(prefix) :].split(" ", 1)[0])
            stored[number] = stored.get(number, 0) + 1
        lost = sum(1 for r in accepted if stored.get(r.student, 0) == 0)
        extra = sum(count - 1 for count in stored.values() if count > 1) + sum(
            1 for r in refused + errors if stored.get(r.student, 0)
        )
        times = sorted(r.ms for r in results)
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        codes: dict[int, int] = {}
        for r in results:
            codes[r.status] = codes.get(r.status, 0) + 1
        self.stdout.write(
            f"{n} posts in {elapsed:.2f} s; status codes: {dict(sorted(codes.items()))}"
        )
        for r in (refused + errors)[:5]:
            self.stdout.write(f"  student {r.student}: {r.status} {r.error}")
        self.stdout.write(
            f"rush_students={n} accepted={len(accepted)} refused={len(refused)} "
            f"errors={len(errors)} lost={lost} extra={extra} p50_ms={p50:.1f} "
            f"p95_ms={p95:.1f} max_ms={times[-1]:.1f} posts_per_s={n / elapsed:.1f}"
        )
        if lost or extra or errors:
            raise CommandError("the rush lost, doubled or failed posts (see above)")
