"""python manage.py export_gradebook --seminar SLUG --format canvas|moodle [--output FILE]

The same files as the gradebook page's downloads (docs/gradebook.md says how to import
them): a participation score per student and published week.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import Seminar
from participation.gradebook import FORMATS, gradebook, gradebook_csv


class Command(BaseCommand):
    help = "Print the seminar's gradebook (scores per student and week) as a Canvas or Moodle CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seminar", required=True, help="Seminar slug")
        parser.add_argument("--format", choices=FORMATS, default="canvas")
        parser.add_argument("--output", help="Write to this file instead of printing")

    def handle(self, *args: Any, **options: Any) -> None:
        seminar = Seminar.objects.filter(slug=options["seminar"]).first()
        if seminar is None:
            known = ", ".join(Seminar.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no seminar {options['seminar']!r} (known: {known})")
        text = gradebook_csv(gradebook(seminar), options["format"])
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
