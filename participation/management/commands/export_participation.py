"""python manage.py export_participation --seminar SLUG [--output FILE] — the term as CSV.

One row per student, one column per published week (the state), then the totals: the
same file as "Download CSV" on the participation matrix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import Seminar
from participation.selectors import matrix, matrix_csv


class Command(BaseCommand):
    help = "Print the seminar's participation (students × weeks, plus totals) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seminar", required=True, help="Seminar slug")
        parser.add_argument("--output", help="Write to this file instead of printing")

    def handle(self, *args: Any, **options: Any) -> None:
        seminar = Seminar.objects.filter(slug=options["seminar"]).first()
        if seminar is None:
            known = ", ".join(Seminar.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no seminar {options['seminar']!r} (known: {known})")
        text = matrix_csv(matrix(seminar))
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
