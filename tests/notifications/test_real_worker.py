"""A real Celery worker process, the real Redis and a real SMTP server.

The test process builds a class with a deadline 47 hours away, starts
`celery -A seminar worker` on its own queue against Redis and the test database, and
sends the reminder job to it twice (two overlapping beats). The worker writes the
reminders, sends them through SMTP to an aiosmtpd server run by this test, and every
student who owes a post gets exactly one.

Runs in CI (Redis and PostgreSQL there, CI=true): never skipped there. Locally it is
skipped only when Redis is unreachable.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from discussions.models import Comment
from tests.conftest import make_week
from tests.notifications.conftest import due_in, make_class

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"


@pytest.fixture
def broker() -> str:
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {BROKER_URL} is required in CI: {exc}")
        pytest.skip(f"Redis at {BROKER_URL} is unreachable (and CI is unset): {exc}")
    return BROKER_URL


def database_url_for_worker(tmp_path: Path) -> str:
    """A DATABASE_URL a separate process can open, holding what this test committed."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{db['NAME']}"
    # SQLite: the test database lives in this process's memory; hand the worker a copy.
    path = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


@pytest.fixture
def worker(
    broker, smtp_server, tmp_path
) -> Iterator[tuple[Celery, str, Callable[[], subprocess.Popen]]]:
    """Yields a starter: call it once the data is in place (SQLite copies it then)."""
    queue = f"test-h7-{uuid.uuid4().hex[:10]}"
    inbox, port = smtp_server
    log_path = tmp_path / "worker.log"
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_worker(tmp_path),
            "REDIS_URL": broker,
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "SITE_URL": settings.SITE_URL,
            "DEBUG": "1",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "seminar", "worker",
            "--pool=solo", "--queues", queue, "--hostname", f"{queue}@localhost",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            "--loglevel", "INFO",
        ]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        started.append(process)
        return process

    sender = Celery("test-sender", broker=broker, set_as_current=False)
    sender.conf.task_serializer = "json"
    try:
        yield sender, queue, start
    finally:
        for process in started:
            # The test is over and every task acknowledged: no need for a warm shutdown.
            process.kill()
            process.wait(timeout=10)
        sender.close()
        client = redis.Redis.from_url(broker)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        if log_path.exists():
            sys.stdout.write(log_path.read_text(errors="replace")[-4000:])


def queue_drained(broker: str, queue: str, timeout: float) -> bool:
    client = redis.Redis.from_url(broker)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if client.llen(queue) == 0:
            return True
        time.sleep(0.1)
    return False


def test_a_real_worker_sends_each_owing_student_one_reminder_even_when_the_job_runs_twice(
    seminar, worker, smtp_server, broker
):
    sender, queue, start = worker
    inbox, _ = smtp_server
    week = make_week(seminar, deadline=due_in(47))
    done, *owing = make_class(seminar, 6)
    for section in week.sections.all():
        Comment.objects.create(
            week=week, question=section.questions.first(), author=done, body="Done."
        )

    process = start()
    # Two beats at once: both scans run, each reminder is written (and sent) once.
    for _ in range(2):
        sender.send_task("notifications.tasks.reminders_send_due", queue=queue)

    inbox.wait_for(len(owing), timeout=45)
    assert process.poll() is None, "the worker died"
    # Let the worker finish whatever it still has (e.g. the second scan's sends).
    assert queue_drained(broker, queue, timeout=10)
    time.sleep(1.0)
    assert inbox.recipients() == sorted(user.email for user in owing)
    _, message = inbox.messages[0]
    assert message["Subject"].startswith("[LLM Risks] Reminder: your post for Week 1")
    assert message["List-Unsubscribe"].strip().startswith("<https://seminar.example.edu/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    kinds = sorted(part.get_content_type() for part in message.walk() if not part.is_multipart())
    assert kinds == ["text/html", "text/plain"]
