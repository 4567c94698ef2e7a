"""python manage.py export_participation --seminar SLUG [--output FILE] — the term as CSV.

One row per student, one column per published week (the state), then the totals: the
same file as "Download CSV" on the participation matrix.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from participation.command_io import add_seminar_and_output, seminar_named, write_output
from participation.selectors import matrix, matrix_csv


class Command(BaseCommand):
    help = "Print the seminar's participation (students × weeks, plus totals) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        add_seminar_and_output(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        seminar = seminar_named(options["seminar"])
        write_output(self, matrix_csv(matrix(seminar)), options.get("output"))
