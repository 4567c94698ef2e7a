"""`manage.py publish_due_weeks`: what the periodic task does, for a cron job or by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.services import publish_due_weeks


class Command(BaseCommand):
    help = "Publish the scheduled weeks whose publish time has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = publish_due_weeks()
        self.stdout.write(f"Published {count} week{'s' if count != 1 else ''}.")
