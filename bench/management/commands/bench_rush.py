"""A deadline rush: N students each post two answers and a reply within a window.

    python manage.py bench_rush [--students 200] [--window 60] [--client-timeout 10] [--celery]

Builds a throwaway seminar with a published week (8 questions, one classmate's answer to
each, deadline ahead) and N enrolled students, each with a logged-in session; serves the
app with gunicorn on 127.0.0.1 (2 sync workers, DEBUG off, the same database as this
command); then each student, at three random moments of the window, posts through the
forms a browser without JavaScript sees (bench/rush.py): two answers to two questions and
one reply to a classmate's answer, each a GET of the form, a POST with its CSRF token and
submission key (sent once more with the same bytes after a client timeout, a connection
error or a 5xx) and a GET of the page the POST redirects to. Client threads and server
share the machine's cores. Afterwards it checks the database: a post the client saw
succeed must be stored (else "lost"), and no post twice (else "doubled"). It prints p50
and p99 per request type and, as its last line (one line),

    rush_students=<int> window_s=<float> posts=<int> accepted=<int> refused=<int>
    lost=<int> doubled=<int> errors=<int> retries=<int> <type>_p50_ms=<float>
    <type>_p99_ms=<float> ... requests_per_s=<float>

with <type> one of form_get, answer_post, reply_post, redirected_get. With --celery (needs
REDIS_URL), tasks go through Redis to one Celery worker started on the same machine, as
deployed; without it they run inside the requests (the development setup). The seminar
and its students are deleted at the end unless --keep. The command exits non-zero if a post was
lost or doubled or a request failed (5xx or no answer after the retry).
"""

from __future__ import annotations

import os
import random
import secrets
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from bench.management.commands.bench_week import build_discussion, build_week
from bench.rush import KINDS, Browser, Intent, Tally
from bench.server import (
    collect_static,
    database_url,
    free_port,
    serve,
    session_cookie,
    stop,
    wait_until_up,
)
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
# The server as deployed, but on plain HTTP on 127.0.0.1 (no TLS redirect, no HSTS).
SERVER_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
}


def celery_worker(env: dict[str, str]) -> subprocess.Popen:
    """One Celery worker (solo pool, as docker-compose.yml runs it) on this run's queue."""
    if not settings.REDIS_URL:
        raise CommandError("--celery needs REDIS_URL (the broker the worker reads).")
    queue = env["CELERY_QUEUE"]
    command = [sys.executable, "-m", "celery", "-A", "seminar", "worker", "--pool=solo",
               "--queues", queue, "--hostname", f"{queue}@localhost", "--without-heartbeat",
               "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]  # fmt: skip
    full_env = {**os.environ, "DATABASE_URL": database_url(), **env}
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=full_env)  # noqa: S603


def forget_redis_keys(prefix: str) -> None:
    """Delete this run's keys (its queue, its cache entries): never anything else."""
    import redis  # only with --celery, which needs Redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(match=f"*{prefix}*", count=1000):
        client.delete(key)
    client.close()


def post_text(n: int, kind: str) -> str:
    """A distinct text per post: a sentence of the course's words and made-up ones,
    never a near-duplicate of a classmate's (which would ask them to "post anyway")."""
    rng = secrets.SystemRandom()
    coined = " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9)))
        for _ in range(30)
    )
    words = " ".join(rng.choice(WORDS) for _ in range(10))
    return f"Student {n} {kind} on **{TOPICS[n % len(TOPICS)]}**: {words}; {coined}."


class Command(BaseCommand):
    help = "Benchmark a deadline rush: N students post 2 answers and a reply within a window."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=200)
        parser.add_argument("--window", type=float, default=60.0, help="seconds")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
        parser.add_argument(
            "--client-timeout", type=float, default=10.0, help="seconds before the retry"
        )
        parser.add_argument("--seed", type=int, default=None, help="for the moments chosen")
        parser.add_argument("--keep", action="store_true", help="keep the seminar afterwards")
        parser.add_argument(
            "--celery",
            action="store_true",
            help="as deployed: tasks (notices, emails) go through Redis (REDIS_URL) to a "
            "Celery worker started here on the same machine, instead of running in the requests",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        n, window = options["students"], options["window"]
        if n < 1 or window <= 0 or options["workers"] < 1:
            raise CommandError("--students, --window and --workers must be positive.")
        rng = random.Random(options["seed"])  # noqa: S311 (moments of a benchmark, no secret)
        seminar, week, intents, cookies = self.build(n, rng)
        sessions = [cookie.split(";")[0].split("=", 1)[1] for cookie in cookies]
        port = free_port()
        env = {**SERVER_ENV, "SECRET_KEY": settings.SECRET_KEY}
        collect_static(env)
        worker = None
        if options["celery"]:  # a queue and cache keys of this run's own, removed after
            env |= {"CELERY_QUEUE": f"bench-rush-{port}", "CACHE_KEY_PREFIX": f"bench-rush-{port}"}
            worker = celery_worker(env)
        else:  # tasks in the requests, whatever this shell's REDIS_URL (nothing queued)
            env["REDIS_URL"] = ""
        server = serve(port, options["workers"], 1, worker_class="sync", env=env)
        try:
            wait_until_up(port, server)
            tally, elapsed = self.rush(
                port, cookies, intents, timeout=options["client_timeout"], window=window
            )
        finally:
            stop(server)
            if worker is not None:
                stop(worker)
                forget_redis_keys(f"bench-rush-{port}")
        try:
            self.report(n, window, week, intents, tally, elapsed)
        finally:
            if not options["keep"]:
                Session.objects.filter(session_key__in=sessions).delete()
                User.objects.filter(enrollments__seminar=seminar).delete()
                seminar.delete()

    # --- setting up -------------------------------------------------------------------

    def build(
        self, n: int, rng: random.Random
    ) -> tuple[Seminar, Week, list[list[tuple[float, Intent]]], list[str]]:
        """The class, one classmate's answer to each question (what the replies answer),
        and each student's three posts at their moments of the window (fractions)."""
        week, users = build_week(slug=f"rush-{uuid.uuid4().hex[:10]}", students=n)
        questions = list(
            Question.objects.filter(section__week=week)
            .order_by("section__position", "position")
            .values_list("pk", flat=True)
        )
        build_discussion(week=week, students=users[:1], count=len(questions))
        answers = list(Comment.objects.filter(week=week, parent=None).values_list("pk", flat=True))
        base = week.get_absolute_url()
        plans = []
        for i in range(n):
            first, second = rng.sample(questions, 2)
            posts = [
                Intent(i, "answer", f"{base}q/{first}/answer/", post_text(i, "answer 1")),
                Intent(i, "answer", f"{base}q/{second}/answer/", post_text(i, "answer 2")),
                Intent(i, "reply", f"{base}c/{rng.choice(answers)}/reply/", post_text(i, "reply")),
            ]
            rng.shuffle(posts)
            moments = sorted(rng.random() for _ in posts)
            plans.append(list(zip(moments, posts, strict=True)))
        return week.seminar, week, plans, [session_cookie(u) for u in users]

    # --- the rush ---------------------------------------------------------------------

    def rush(
        self,
        port: int,
        cookies: list[str],
        plans: list[list[tuple[float, Intent]]],
        *,
        timeout: float,
        window: float,
    ) -> tuple[Tally, float]:
        """One thread per student; each post starts at its moment, or when the student's
        previous post is done if that is later."""
        tally = Tally()
        started = time.perf_counter()

        def student(i: int) -> None:
            browser = Browser(port, cookies[i], timeout)
            for moment, intent in plans[i]:
                time.sleep(max(0.0, started + moment * window - time.perf_counter()))
                browser.post(tally, intent)

        threads = [threading.Thread(target=student, args=(i,)) for i in range(len(plans))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return tally, time.perf_counter() - started

    # --- what the database says -------------------------------------------------------

    def report(
        self,
        n: int,
        window: float,
        week: Week,
        plans: list[list[tuple[float, Intent]]],
        tally: Tally,
        elapsed: float,
    ) -> None:
        intents = [intent for plan in plans for _, intent in plan]
        by_key: dict[str, int] = {}
        by_body: dict[str, int] = {}
        for key, body in Comment.objects.filter(week=week).values_list("submission_key", "body"):
            if key:
                by_key[key] = by_key.get(key, 0) + 1
            by_body[body] = by_body.get(body, 0) + 1
        stored = [max(by_key.get(i.key, 0), by_body.get(i.body, 0)) for i in intents]
        lost = sum(1 for i, rows in zip(intents, stored, strict=True) if i.seen_ok and not rows)
        doubled = sum(max(0, rows - 1) for rows in stored)
        accepted = sum(1 for i in intents if i.seen_ok)
        refused = sum(1 for i in intents if 400 <= i.status < 500)
        formless = sum(1 for i in intents if i.error.startswith("the form's page"))
        errors = tally.errors + formless
        figures = {
            "rush_students": n,
            "window_s": f"{window:g}",
            "posts": len(intents),
            "accepted": accepted,
            "refused": refused,
            "lost": lost,
            "doubled": doubled,
            "errors": errors,
            "retries": sum(1 for i in intents if i.retried),
        }
        self.stdout.write(
            f"{n} students, {len(intents)} posts in {elapsed:.1f} s (window {window:g} s); "
            f"status codes: {dict(sorted(tally.codes.items()))}"
        )
        for kind in KINDS:
            p50, p99 = tally.percentile(kind, 0.50), tally.percentile(kind, 0.99)
            times = tally.times[kind]
            self.stdout.write(
                f"  {kind:15} {len(times):5} requests  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  "
                f"max {max(times, default=0):8.1f} ms"
            )
            name = kind.lower().replace(" ", "_")
            figures[f"{name}_p50_ms"] = f"{p50:.1f}"
            figures[f"{name}_p99_ms"] = f"{p99:.1f}"
        for i in [i for i in intents if i.error or not i.seen_ok][:5]:
            self.stdout.write(f"  student {i.student} {i.kind}: {i.status} {i.error}")
        figures["requests_per_s"] = f"{sum(tally.codes.values()) / elapsed:.1f}"
        self.stdout.write(" ".join(f"{k}={v}" for k, v in figures.items()))
        if lost or doubled or errors:
            raise CommandError("the rush lost, doubled or failed posts (see above)")
