"""python manage.py import_seminar DIR --seminar SLUG [--title T] [--timezone TZ]

Every *.md file in DIR, in natural order (week2 before week10), in one transaction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from weeks.importer import WeekFileError, import_week_file
from weeks.management.commands.import_week import read_week_file, seminar_slug
from weeks.models import Seminar, validate_timezone


def natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


class Command(BaseCommand):
    help = "Import every week file (*.md) of a directory into a seminar, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--seminar", required=True, type=seminar_slug, help="Seminar slug")
        parser.add_argument("--title", help="Seminar title (default: its slug)")
        parser.add_argument("--timezone", help="IANA time zone, e.g. America/New_York")
        parser.add_argument(
            "--replace", action="store_true", help="Replace weeks whose slug exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a directory")
        paths = sorted(directory.glob("*.md"), key=natural_key)
        if not paths:
            raise CommandError(f"{directory}: no .md week files")
        texts = [(path, read_week_file(path)) for path in paths]
        try:
            with transaction.atomic():
                seminar = self._seminar(options)
                results = [
                    import_week_file(
                        text, seminar=seminar, replace=options["replace"], source=path.name
                    )
                    for path, text in texts
                ]
        except WeekFileError as exc:
            raise CommandError(f"{exc} — nothing was imported") from exc
        for result in results:
            self.stdout.write(result.report())
        self.stdout.write(f"{len(results)} week file(s) imported into {seminar.slug}.")

    def _seminar(self, options: dict[str, Any]) -> Seminar:
        tz = options.get("timezone")
        if tz:
            try:
                validate_timezone(tz)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        seminar, created = Seminar.objects.get_or_create(
            slug=options["seminar"],
            defaults={
                "title": options.get("title") or options["seminar"],
                **({"timezone": tz} if tz else {}),
            },
        )
        if not created:
            changed = {k: v for k, v in (("title", options.get("title")), ("timezone", tz)) if v}
            for key, value in changed.items():
                setattr(seminar, key, value)
            if changed:
                seminar.save(update_fields=list(changed))
        return seminar
