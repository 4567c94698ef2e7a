"""python manage.py export_week --seminar SLUG WEEK_SLUG — prints the week file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exporter import export_week_file
from core.models import Week


class Command(BaseCommand):
    help = "Print a week as a week file (the format import_week reads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("week", help="Week slug")
        parser.add_argument("--seminar", required=True, help="Seminar slug")

    def handle(self, *args: Any, **options: Any) -> None:
        week = (
            Week.objects.select_related("seminar")
            .filter(seminar__slug=options["seminar"], slug=options["week"])
            .first()
        )
        if week is None:
            raise CommandError(f"no week {options['week']!r} in seminar {options['seminar']!r}")
        self.stdout.write(export_week_file(week), ending="")
