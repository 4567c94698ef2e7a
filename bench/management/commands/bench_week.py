"""Benchmark the week page as a student sees it, with N comments and replies.

Everything the benchmark creates lives inside one database transaction that is rolled
back at the end, so it runs safely against the configured database (SQLite or
PostgreSQL) and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core.models import Enrollment, Question, QuestionSection, Seminar, Week, WeekDuty
from discussions.models import Comment

STUDENTS = 40
# An unusable password (no hashing): the benchmark logs in with force_login.
UNUSABLE = make_password(None)
SECTIONS = 2
QUESTIONS_PER_SECTION = 4
ANSWER = (
    "I think the paper's main claim holds for **{topic}**, but the evaluation in section {n} "
    "leaves out the case where the attacker adapts. See [the appendix](https://example.org/"
    "paper#appendix) and compare $p(x \\mid y)$ with the baseline.\n\n"
    "- first, the threat model\n- second, the metric\n\n`code sample {n}`"
)
REPLY = "Good point about {topic}, though I read section {n} differently: the baseline is weak."


class Command(BaseCommand):
    help = (
        "Build a throwaway seminar (a published week with 8 questions in 2 sections, 40 "
        "students, N comments and replies) inside a transaction that is ROLLED BACK at the "
        "end, render its week page as a student RUNS times with Django's test client, and "
        "print as the last line: render_ms_median=<float> queries=<int> comments=<int>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--comments", type=int, default=300, help="comments (default 300)")
        parser.add_argument("--runs", type=int, default=20, help="timed requests (default 20)")

    def handle(self, *args: Any, comments: int, runs: int, **options: Any) -> None:
        if comments < 0 or runs < 1:
            raise CommandError("--comments must be 0 or more and --runs at least 1.")
        with transaction.atomic():
            result = self._bench(comments=comments, runs=runs)
            transaction.set_rollback(True)
        timings, queries, created, status, size, url = result
        self.stdout.write(f"Week page {url} as a student: HTTP {status}, {size} bytes")
        self.stdout.write(
            f"{runs} runs (DEBUG off): min {min(timings):.1f} ms, median "
            f"{statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
        )
        self.stdout.write("All benchmark data rolled back.")
        self.stdout.write(
            f"render_ms_median={statistics.median(timings):.2f} queries={queries} "
            f"comments={created}"
        )

    def _bench(self, *, comments: int, runs: int) -> tuple[list[float], int, int, int, int, str]:
        week, students = build_week(slug=f"bench-{uuid.uuid4().hex[:10]}")
        created = build_discussion(week=week, students=students, count=comments)
        self.stdout.write(
            f"Built seminar {week.seminar.slug}: 1 week, {SECTIONS * QUESTIONS_PER_SECTION} "
            f"questions in {SECTIONS} sections, {len(students)} students, {created} comments"
        )
        viewer = students[-1]
        url = week.get_absolute_url()
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(viewer)
            response = client.get(url, secure=True)  # warm-up: templates, caches
            if response.status_code != 200:
                raise CommandError(f"The week page answered HTTP {response.status_code}.")
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url, secure=True)
                timings.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as captured:
                client.get(url, secure=True)
        return timings, len(captured), created, response.status_code, len(response.content), url


def build_week(*, slug: str, students: int = STUDENTS) -> tuple[Week, list[User]]:
    """A seminar with one published week, 8 questions in 2 sections, 40 students (the
    first three on the week's teams). bench_rush builds its class with it too."""
    seminar = Seminar.objects.create(title="Benchmark seminar", slug=slug, term="Bench")
    week = Week.objects.create(
        seminar=seminar,
        number=1,
        slug="week1",
        title="Benchmark week",
        status=Week.Status.PUBLISHED,
        published_at=timezone.now(),
        deadline=timezone.now() + dt.timedelta(days=3),
        intro="Readings and questions for the benchmark.",
    )
    for s in range(SECTIONS):
        section = QuestionSection.objects.create(
            week=week, position=s, title=f"Questions about paper {s + 1}"
        )
        for q in range(QUESTIONS_PER_SECTION):
            number = s * QUESTIONS_PER_SECTION + q + 1
            Question.objects.create(
                section=section,
                position=q,
                number=str(number),
                body=f"Question **{number}**: what does the paper assume about $x_{number}$?",
            )
    # Unusable passwords: the benchmark logs in with force_login, no hashing needed.
    users = User.objects.bulk_create(
        User(email=f"{slug}-{i}@example.invalid", first_name=f"Student{i}", password=UNUSABLE)
        for i in range(students)
    )
    Enrollment.objects.bulk_create(Enrollment(user=u, seminar=seminar) for u in users)
    WeekDuty.objects.bulk_create(
        [
            WeekDuty(week=week, user=users[0], team=WeekDuty.Team.LEAD),
            WeekDuty(week=week, user=users[1], team=WeekDuty.Team.LEAD),
            WeekDuty(week=week, user=users[2], team=WeekDuty.Team.BLOG),
        ]
    )
    return week, users


def build_discussion(*, week: Week, students: list[User], count: int) -> int:
    """`count` comments: three answers for every reply, spread over questions and students.

    Bulk-created (one INSERT for the answers, one for the replies) with their HTML rendered
    as a save would, so the page reads exactly what posting through the site would store.
    """

    questions = list(Question.objects.filter(section__week=week).order_by("section", "position"))
    if count == 0 or not questions:
        return 0
    replies = count // 4
    answers = [
        rendered(
            Comment(
                week=week,
                question=questions[i % len(questions)],
                author=students[i % len(students)],
                body=ANSWER.format(topic=f"topic {i}", n=i % 7 + 1),
            )
        )
        for i in range(count - replies)
    ]
    answers = Comment.objects.bulk_create(answers)
    thread_replies = [
        rendered(
            Comment(
                week=week,
                question=parent.question,
                parent=parent,
                depth=1,
                author=students[(i * 7 + 3) % len(students)],
                body=REPLY.format(topic=f"topic {i}", n=i % 7 + 1),
            )
        )
        for i, parent in ((i, answers[(i * 3) % len(answers)]) for i in range(replies))
    ]
    Comment.objects.bulk_create(thread_replies)
    return len(answers) + len(thread_replies)


def rendered(comment: Any) -> Any:
    """bulk_create skips save(): render the stored HTML the way save() would."""
    comment.render_markdown_fields()
    return comment
