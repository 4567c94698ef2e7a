"""A worker killed mid-batch, measured: how many emails are missed, doubled, and how long
the outbox takes to drain.

    python manage.py bench_outbox_kill [--emails 1000] [--runs 5] [--pool prefork]

Needs PostgreSQL (DATABASE_URL: the worker and this command share the database) and Redis
(REDIS_URL; use a database of its own, e.g. redis://127.0.0.1:6379/14). Each run writes
N outbox emails (invitations to addresses under bench.invalid), runs a local SMTP server
(aiosmtpd, a few milliseconds a message) and a real `celery -A seminar worker` on a
queue of its own, hands the whole batch to one `outbox_send` task (as publishing a week
does), and at a random point between 10 % and 90 % of the batch kills the worker and its
pool with SIGKILL. A new worker starts at once (a supervisor's restart), and this command
plays beat: `outbox_sweep` every 60 s. It waits until every row is sent and every email
received, and counts by Message-ID what the SMTP server got. The last line is

    emails=<int> runs=<int> delivered=<int> missed=<int> doubled=<int>
    doubled_pct=<float> drain_s_median=<float> drain_s_max=<float>

(one line; drain: from the kill to the last email). Rows, queue and the killed task's
unacknowledged message are removed at the end. Exits non-zero if an email was missed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.server import free_port
from notifications.models import OutboxEmail
from notifications.outbox import insert

SWEEP_EVERY = 60.0


class Received:
    """aiosmtpd handler: counts the Message-IDs it accepted, a little slowly."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 — aiosmtpd API
        await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.ids[str(message["Message-ID"])] += 1
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return sum(self.ids.values())


def write_batch(tag: str, total: int) -> list[int]:
    """N invitations (no account needed) under keys of this run."""
    rows = (
        insert(
            OutboxEmail.Kind.INVITATION,
            None,
            f"bench-kill:{tag}:{n}",
            subject=f"Bench {n}",
            text="An email of the kill benchmark.",
            to_email=f"p{n:05d}.{tag}@bench.invalid",
        )
        for n in range(total)
    )
    return [row.pk for row in rows if row is not None]


def outcome(rows: Any, handler: Received, drain_s: float) -> dict[str, float]:
    """Counted by Message-ID: each row's, against what the SMTP server accepted."""
    expected = set(rows.values_list("message_id", flat=True))
    received = dict(handler.ids)
    return {
        "delivered": len(expected & set(received)),
        "missed": len(expected - set(received)),
        "doubled": sum(count - 1 for mid, count in received.items() if mid in expected),
        "drain_s": drain_s,
    }


class Command(BaseCommand):
    help = "Kill a Celery worker mid-batch of outbox emails; count missed and doubled."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--emails", type=int, default=1000)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--pool", choices=("prefork", "solo"), default="prefork")
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--smtp-delay", type=float, default=0.005, help="seconds a message")
        parser.add_argument("--timeout", type=float, default=600.0, help="per run, seconds")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError("needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        # aiosmtpd and redis are dev/bench tools: imported here, not at module load.
        import redis
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every line
        rng = random.Random(options["seed"])  # noqa: S311 — where to kill, not secrets
        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        results = []
        for run in range(1, options["runs"] + 1):
            handler = Received(options["smtp_delay"])
            controller = Controller(handler, hostname="127.0.0.1", port=free_port())
            controller.start()
            try:
                results.append(self.run_once(run, handler, controller.port, rng, options))
            finally:
                controller.stop()
        self.report(options["emails"], results)

    def run_once(
        self, run: int, handler: Received, port: int, rng: random.Random, options: dict
    ) -> dict[str, float]:
        total = options["emails"]
        tag = uuid.uuid4().hex[:10]
        queue = f"bench-kill-{tag}"
        ids = write_batch(tag, total)
        rows = OutboxEmail.objects.filter(pk__in=ids)
        log = Path(tempfile.gettempdir()) / f"{queue}.log"
        workers: list[subprocess.Popen] = []
        from celery import Celery  # the sender only: a client of the worker's queue

        sender = Celery("bench-sender", broker=settings.REDIS_URL, set_as_current=False)
        try:
            workers.append(self.start_worker(queue, port, log, options))
            started = time.monotonic()
            sender.send_task("notifications.tasks.outbox_send", args=[ids], queue=queue)
            kill_at = int(total * rng.uniform(0.1, 0.9))
            while handler.count() < kill_at:
                if time.monotonic() - started > options["timeout"]:
                    raise CommandError(f"run {run}: no progress, see {log}")
                time.sleep(0.005)
            os.killpg(workers[-1].pid, signal.SIGKILL)  # the worker and its pool
            workers[-1].wait(timeout=10)
            killed, at_kill = time.monotonic(), handler.count()
            workers.append(self.start_worker(queue, port, log, options))
            # Beat's phase relative to the kill is anyone's.
            self.drain(rows, sender, queue, killed - rng.uniform(0, SWEEP_EVERY), options)
            result = outcome(rows, handler, time.monotonic() - killed)
            self.stdout.write(
                f"run {run}: killed after {at_kill}/{total} emails; delivered "
                f"{result['delivered']}, missed {result['missed']}, doubled "
                f"{result['doubled']}; drained {result['drain_s']:.1f} s after the kill"
            )
            return result
        finally:
            for process in workers:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            sender.close()
            self.forget(queue)
            rows.delete()

    def drain(self, rows: Any, sender: Any, queue: str, last_sweep: float, options: dict) -> None:
        """Play beat (the sweep every minute) until no row of the batch is pending."""
        killed = time.monotonic()
        while rows.filter(status=OutboxEmail.Status.PENDING).exists():
            now = time.monotonic()
            if now - last_sweep >= SWEEP_EVERY:
                sender.send_task("notifications.tasks.outbox_sweep", queue=queue)
                last_sweep = now
            if now - killed > options["timeout"]:
                raise CommandError(f"not drained after {options['timeout']} s")
            time.sleep(0.2)

    def start_worker(self, queue: str, port: int, log: Path, options: dict) -> subprocess.Popen:
        env = {
            **os.environ,
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "seminar", "worker",
            f"--pool={options['pool']}", f"--concurrency={options['concurrency']}",
            "--queues", queue, "--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@localhost",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            "--loglevel", "WARNING",
        ]  # fmt: skip
        with log.open("ab") as out:
            return subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed with its pool
            )

    def forget(self, queue: str) -> None:
        """Our queue's keys and the killed task's unacknowledged message (if still there)."""
        client = self.redis
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        for tag, payload in client.hgetall("unacked").items():
            if queue.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)

    def report(self, total: int, results: list[dict[str, float]]) -> None:
        delivered = sum(int(r["delivered"]) for r in results)
        missed = sum(int(r["missed"]) for r in results)
        doubled = sum(int(r["doubled"]) for r in results)
        drains = [r["drain_s"] for r in results]
        pct = 100 * doubled / max(1, total * len(results))
        self.stdout.write(
            f"emails={total} runs={len(results)} delivered={delivered} missed={missed} "
            f"doubled={doubled} doubled_pct={pct:.2f} "
            f"drain_s_median={statistics.median(drains):.1f} drain_s_max={max(drains):.1f}"
        )
        if missed:
            raise CommandError(f"{missed} email(s) missed")
