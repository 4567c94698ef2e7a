"""What the participation app's export commands share: the seminar named on the command
line, and where the CSV goes (a file, or standard output)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import Seminar


def add_seminar_and_output(parser: CommandParser) -> None:
    parser.add_argument("--seminar", required=True, help="Seminar slug")
    parser.add_argument("--output", help="Write to this file instead of printing")


def seminar_named(slug: str) -> Seminar:
    """The seminar with this slug, else an error that lists the slugs there are."""
    seminar = Seminar.objects.filter(slug=slug).first()
    if seminar is None:
        known = ", ".join(Seminar.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(f"no seminar {slug!r} (known: {known})")
    return seminar


def write_output(command: BaseCommand, text: str, output: str | None) -> None:
    """Write the CSV to `output`, or print it when no file is named."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
        command.stderr.write(f"Wrote {output}")
    else:
        command.stdout.write(text, ending="")
