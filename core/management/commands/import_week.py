"""python manage.py import_week PATH --seminar SLUG [--replace]"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug
from django.db import transaction

from core.importer import WeekFileError, import_week_file
from core.models import Seminar


def seminar_slug(value: str) -> str:
    """argparse type for --seminar: a slug, as the seminar's URL uses it."""
    try:
        validate_slug(value)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a slug (letters, digits, - and _)"
        ) from exc
    return value


def read_week_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read the file: {exc}") from exc


class Command(BaseCommand):
    help = "Import one week file into a seminar (created, titled after its slug, if missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The week file (markdown + TOML front matter)")
        parser.add_argument("--seminar", required=True, type=seminar_slug, help="Seminar slug")
        parser.add_argument(
            "--replace", action="store_true", help="Replace the week if its slug exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        text = read_week_file(path)
        try:
            with transaction.atomic():
                seminar, _ = Seminar.objects.get_or_create(
                    slug=options["seminar"], defaults={"title": options["seminar"]}
                )
                result = import_week_file(
                    text, seminar=seminar, replace=options["replace"], source=path.name
                )
        except WeekFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.report())
