"""Run every periodic job once, in-process: what beat does, for a crontab without Redis."""

from __future__ import annotations

from typing import Any

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run each job of the beat schedule (CELERY_BEAT_SCHEDULE) once, in this process: "
        "publish due weeks, reminders, duties, reply notices, the digest, the outbox sweep. "
        "Safe to run from cron every minute, also next to a running beat."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        app.loader.import_default_modules()
        failed = []
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            task = app.tasks[entry["task"]]
            try:
                result = task.apply(kwargs=entry.get("kwargs") or {}).get()
            except Exception as exc:  # one failing job must not stop the others
                failed.append(name)
                self.stderr.write(f"{name}: failed: {exc!r}")
                continue
            self.stdout.write(f"{name}: {result}")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
