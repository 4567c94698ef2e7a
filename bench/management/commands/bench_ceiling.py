"""Where the week page stands against the framework's ceiling, in one run.

    python manage.py bench_ceiling [--sizes 300,1000] [--runs 30]

For each size, builds a throwaway seminar (a published week with 8 questions and N
comments and replies from 40 students, `bench_week`'s builder, plus a staff member)
inside a transaction that is ROLLED BACK at the end, and measures in this process,
through the whole middleware stack (Django's test client, DEBUG off):

- the week page as a student (owes a post: sees the forms), a lead and staff, for
  - a *repeat view* (nothing changed since the last view: answered from the page stored
    for this viewer, core/lib/page_store.py), and
  - a *first view after a change* (a comment saved just before each request, untimed:
    the page is assembled again, from the comments' stored markup);
- the *ceiling*: a view of the same project answering a prebuilt string of the same size
  (that viewer's page), for the same logged-in viewer through the same middleware.

The three are measured in turns, in three blocks each (first views, repeat views,
ceiling, and again), so that all see the same machine: its speed here varies by a third
from minute to minute, and a ratio is only meaningful between figures measured together.

It prints, per row, server CPU per request (process time, median), requests/s on one core
(1 / wall time, median), queries and size, and the ratio ceiling CPU / our CPU (the share
of the ceiling we reach: 100 % is as fast as answering a prebuilt string). The last line:

    ceiling_ratio_repeat_300=<float> ceiling_ratio_first_300=<float> first_ms_300=<float>
    repeat_ms_300=<float> growth_1000_vs_300=<float> queries_repeat=<int>

Absolute times depend on the machine's load; compare the ratios of one run.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from accounts.models import User
from bench.management.commands.bench_week import UNUSABLE, build_discussion, build_week
from core.models import Enrollment
from discussions.models import Comment

CEILING = {"body": b""}


def ceiling_view(request: HttpRequest) -> HttpResponse:
    """The ceiling: the same bytes as the page, prebuilt."""
    return HttpResponse(CEILING["body"], content_type="text/html; charset=utf-8")


# The project's URLs and the ceiling view, used for the measurement only.
urlpatterns = [path("bench-ceiling/", ceiling_view), path("", include("seminar.urls"))]


ROUNDS = 3  # blocks of each kind of request, in turns


def blocks(runs: int) -> list[int]:
    """`runs` split into ROUNDS blocks (at least one request each)."""
    size, extra = divmod(max(runs, ROUNDS), ROUNDS)
    return [size + (1 if i < extra else 0) for i in range(ROUNDS)]


class Command(BaseCommand):
    help = "The week page's server CPU and requests/s against a prebuilt string (one run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", default="300,1000", help="comment counts, comma-separated")
        parser.add_argument("--runs", type=int, default=30, help="timed requests per row")

    def handle(self, *args: Any, sizes: str, runs: int, **options: Any) -> None:
        counts = [int(size) for size in sizes.split(",") if size.strip()]
        if runs < 1 or not counts or min(counts) < 0:
            raise CommandError("--runs must be at least 1 and --sizes counts of 0 or more.")
        rows: dict[tuple[int, str, str], dict[str, float]] = {}
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__):
            for count in counts:
                wrapper = transaction.atomic()
                # Never committed, like a test's transaction: writes in it move the stored
                # pages' counters at once (core/lib/page_store.py), as commits would.
                wrapper._from_testcase = True  # type: ignore[attr-defined]
                with wrapper:
                    rows.update(self.measure_size(count, runs))
                    transaction.set_rollback(True)
        self.stdout.write("All benchmark data rolled back.")
        self.summary(rows, counts)

    def measure_size(self, count: int, runs: int) -> dict[tuple[int, str, str], dict[str, float]]:
        week, students = build_week(slug=f"ceiling-{uuid.uuid4().hex[:10]}")
        build_discussion(week=week, students=students, count=count)
        # Written over the days before, as a real week's are, not in the last second.
        two_days = dt.timedelta(days=2)
        Comment.objects.filter(week=week).update(
            created_at=F("created_at") - two_days, updated_at=F("updated_at") - two_days
        )
        staff = User.objects.create(email=f"staff-{week.seminar.slug}@example.invalid")
        staff.password = UNUSABLE
        staff.save()
        Enrollment.objects.create(user=staff, seminar=week.seminar, role=Enrollment.Role.STAFF)
        viewers = {"student": students[-1], "lead": students[0], "staff": staff}
        url = week.get_absolute_url()
        some = Comment.objects.filter(week=week).order_by("pk").first()
        rows = {}
        for role, user in viewers.items():
            client = Client()
            client.force_login(user)
            page = client.get(url, secure=True)
            if page.status_code != 200:
                raise CommandError(f"The week page answered HTTP {page.status_code}.")
            CEILING["body"] = page.content  # the ceiling: this viewer's page, prebuilt

            def change() -> None:
                if some is not None:
                    some.save(update_fields=["updated_at"])  # as any edit or moderation does

            kinds = {
                "first": (url, change),
                "repeat": (url, None),
                "ceiling": ("/bench-ceiling/", None),
            }
            samples: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
            for block in blocks(runs):  # in turns, so that all three see the same machine
                for kind, (target, before) in kinds.items():
                    samples[kind] += self.timed(client, target, block, before)
            for kind, (target, before) in kinds.items():
                if before is not None:
                    before()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(target, secure=True)
                rows[(count, role, kind)] = {
                    "cpu_ms": statistics.median(cpu for cpu, _ in samples[kind]),
                    "wall_ms": statistics.median(wall for _, wall in samples[kind]),
                    "queries": len(queries),
                    "kb": len(response.content) / 1024,
                }
        return rows

    def timed(
        self, client: Client, path: str, runs: int, before: Callable[[], None] | None
    ) -> list[tuple[float, float]]:
        """CPU and wall time (ms) of `runs` requests for `path` after one untimed warm-up,
        `before()` untimed before each."""
        gc.collect()  # untimed: a block does not pay for the previous block's garbage
        times = []
        for _ in range(runs + 1):
            if before is not None:
                before()
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            client.get(path, secure=True)
            times.append(
                (
                    (time.process_time() - start_cpu) * 1000,
                    (time.perf_counter() - start_wall) * 1000,
                )
            )
        return times[1:]

    def summary(
        self, rows: dict[tuple[int, str, str], dict[str, float]], counts: list[int]
    ) -> None:
        self.stdout.write(
            f"{'comments':>8} {'viewer':>8} {'view':>8} {'cpu ms':>8} {'req/s':>8} "
            f"{'queries':>7} {'KB':>6} {'of ceiling':>10}"
        )
        for (count, role, kind), row in rows.items():
            ceiling = rows[(count, role, "ceiling")]["cpu_ms"]
            share = ceiling / row["cpu_ms"] * 100 if row["cpu_ms"] else 0.0
            self.stdout.write(
                f"{count:>8} {role:>8} {kind:>8} {row['cpu_ms']:>8.2f} "
                f"{1000 / row['wall_ms']:>8.0f} {row['queries']:>7} {row['kb']:>6.0f} "
                f"{share:>9.1f}%"
            )
        small, large = min(counts), max(counts)
        base = rows[(small, "student", "repeat")]
        ceiling = rows[(small, "student", "ceiling")]["cpu_ms"]
        growth = rows[(large, "student", "first")]["cpu_ms"] / max(
            rows[(small, "student", "first")]["cpu_ms"], 1e-9
        )
        queries = max(int(r["queries"]) for (_, _, kind), r in rows.items() if kind == "repeat")
        self.stdout.write(
            f"ceiling_ratio_repeat_{small}={ceiling / base['cpu_ms']:.3f} "
            f"ceiling_ratio_first_{small}="
            f"{ceiling / rows[(small, 'student', 'first')]['cpu_ms']:.3f} "
            f"first_ms_{small}={rows[(small, 'student', 'first')]['cpu_ms']:.2f} "
            f"repeat_ms_{small}={base['cpu_ms']:.2f} "
            f"growth_{large}_vs_{small}={growth:.2f} queries_repeat={queries}"
        )
