"""Requests per second for the week page, served by gunicorn, as a logged-in student.

    python manage.py bench_page [--comments 300] [--seconds 20] [--concurrency 8]
                                [--workers 4] [--threads 4]
    python manage.py bench_page --url http://127.0.0.1:PORT/PATH [--cookie COOKIE] ...

The first form builds a throwaway seminar whose published week has 8 questions and N
comments and replies from 40 students (`bench_week`'s builder, committed so gunicorn sees
it), serves the app with gunicorn on 127.0.0.1 (the configured database), and has
`--concurrency` client threads GET the week page on keep-alive connections for
`--seconds`, as one student who owes a post. The seminar is deleted at the end.

The second form measures another server already running on 127.0.0.1 (for instance a
forum's topic page with the same number of posts: `bench/forum_compare.sh`) with the
same client. Both print, as their last line,

    page_rps=<float> ok=<int> errors=<int> p50_ms=<float> p95_ms=<float> kb=<int>

A non-200 answer counts as an error; on the app's own page the command exits non-zero if
there was one (another server's errors are only reported).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from bench.management.commands.bench_week import build_discussion, build_week
from bench.server import (
    Load,
    free_port,
    hammer,
    serve,
    session_cookie,
    stop,
    wait_until_up,
)


class Command(BaseCommand):
    help = "Requests per second for the week page (or another local URL) under gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--comments", type=int, default=300)
        parser.add_argument("--seconds", type=float, default=20.0)
        parser.add_argument("--concurrency", type=int, default=8, help="client threads")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
        parser.add_argument("--warmup", type=float, default=3.0, help="seconds not counted")
        parser.add_argument("--url", help="measure this http://127.0.0.1 URL instead")
        parser.add_argument("--cookie", default="", help="the Cookie header for --url")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["concurrency"] < 1 or options["seconds"] <= 0:
            raise CommandError("--concurrency must be at least 1 and --seconds above 0.")
        if options["url"]:
            url = urlsplit(options["url"])
            if url.hostname != "127.0.0.1" or not url.port:
                raise CommandError("--url must be http://127.0.0.1:PORT/…")
            path = url.path + (f"?{url.query}" if url.query else "")
            wait_until_up(url.port, path=path)
            self.measure(url.port, path, options["cookie"], options, strict=False)
            return
        week, users = build_week(slug=f"page-{uuid.uuid4().hex[:10]}")
        count = build_discussion(week=week, students=users, count=options["comments"])
        student = users[-1]  # not on a team: owes a post, sees the answer forms
        cookie = session_cookie(student)
        port = free_port()
        server = serve(port, options["workers"], options["threads"])
        try:
            wait_until_up(port, server)
            self.stdout.write(f"Week page with {count} comments: {week.get_absolute_url()}")
            self.measure(port, week.get_absolute_url(), cookie, options)
        finally:
            stop(server)
            Session.objects.filter(session_key=cookie.split(";")[0].split("=", 1)[1]).delete()
            User.objects.filter(enrollments__seminar=week.seminar).delete()
            week.seminar.delete()

    def measure(
        self, port: int, path: str, cookie: str, options: dict[str, Any], *, strict: bool = True
    ) -> Load:
        concurrency = options["concurrency"]
        if options["warmup"] > 0:
            hammer(port, path, cookie, seconds=options["warmup"], concurrency=concurrency)
        load = hammer(port, path, cookie, seconds=options["seconds"], concurrency=concurrency)
        errors = load.requests - load.ok
        size = load.body_bytes // max(load.requests, 1) // 1024
        self.stdout.write(
            f"{load.requests} requests in {load.seconds:.1f} s from {concurrency} threads;"
            f" status codes: {dict(sorted(load.codes.items()))}; {size} KB a page"
        )
        self.stdout.write(
            f"page_rps={load.per_second:.1f} ok={load.ok} errors={errors} "
            f"p50_ms={load.median_ms:.1f} p95_ms={load.percentile(0.95):.1f} kb={size}"
        )
        if errors and strict:
            raise CommandError(f"{errors} requests were not answered with 200")
        return load
