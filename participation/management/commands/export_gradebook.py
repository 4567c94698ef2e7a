"""python manage.py export_gradebook --seminar SLUG --format canvas|moodle [--output FILE]

The same files as the gradebook page's downloads (docs/gradebook.md says how to import
them): a participation score per student and published week.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from participation.command_io import add_seminar_and_output, seminar_named, write_output
from participation.gradebook import FORMATS, gradebook, gradebook_csv


class Command(BaseCommand):
    help = "Print the seminar's gradebook (scores per student and week) as a Canvas or Moodle CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        add_seminar_and_output(parser)
        parser.add_argument("--format", choices=FORMATS, default="canvas")

    def handle(self, *args: Any, **options: Any) -> None:
        seminar = seminar_named(options["seminar"])
        text = gradebook_csv(gradebook(seminar), options["format"])
        write_output(self, text, options.get("output"))
