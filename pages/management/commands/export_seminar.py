"""python manage.py export_seminar SLUG [--out FILE.zip]

The whole seminar as one zip (pages/archive.py): its weeks as week files, discussions,
blog posts, teams and roster as JSON. `import_seminar FILE.zip --seminar NEW` restores
the weeks into a new term.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import Seminar
from pages.archive import archive_filename, write_archive


class Command(BaseCommand):
    help = "Export a seminar (weeks, discussions, blog posts, teams, roster) as one zip archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("seminar", help="Seminar slug")
        parser.add_argument(
            "--out", type=Path, help="Where to write the zip (default: SLUG-archive-DATE.zip)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seminar = Seminar.objects.filter(slug=options["seminar"]).first()
        if seminar is None:
            raise CommandError(f"no seminar {options['seminar']!r}")
        out: Path = options["out"] or Path(archive_filename(seminar))
        if out.is_dir():
            out = out / archive_filename(seminar)
        partial = out.with_name(out.name + ".part")
        try:
            with partial.open("wb") as handle:
                manifest = write_archive(seminar, handle)
            partial.replace(out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{out}: cannot write the archive: {exc}") from exc
        weeks = len(manifest["weeks"])
        extras = ", ".join(name.removesuffix(".json") for name in manifest["files"])
        self.stdout.write(
            f"{seminar.slug}: {weeks} week{'' if weeks == 1 else 's'} and {extras} written to {out}"
        )
