"""python manage.py restore FILE: bring a `backup` archive back into an empty database
(migrate, loaddata in one transaction, media through the storage API), then compare every
model's row count with the manifest (exit 1 on a difference)."""

from __future__ import annotations

import tarfile
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.lib.backup import (
    RestoreError,
    load_data,
    missing_migrations,
    model_counts,
    read_manifest,
    restore_media,
    rows_present,
)


class Command(BaseCommand):
    help = (
        "Restore a `backup` archive into an EMPTY database: runs migrate, loads the data in"
        " one transaction, writes the media files back, then checks every model's row count"
        " against the archive's manifest. Refuses a database that already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The archive written by `manage.py backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = tarfile.open(options["file"])  # noqa: SIM115 - closed below
        except (OSError, tarfile.TarError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        with archive:
            try:
                self.restore(archive)
            except RestoreError as exc:
                raise CommandError(str(exc)) from exc

    def restore(self, archive: tarfile.TarFile) -> None:
        manifest = read_manifest(archive)
        call_command("migrate", interactive=False, verbosity=0)
        unknown = missing_migrations(manifest)
        if unknown:
            raise RestoreError(
                "the backup comes from newer code; these migrations are unknown here: "
                + ", ".join(unknown[:10])
            )
        present = rows_present()
        if present:
            listed = ", ".join(f"{label} ({count})" for label, count in sorted(present.items()))
            raise RestoreError(
                "refusing to restore into a database that already holds data: "
                f"{listed}. Restore into a new, empty database."
            )
        load_data(archive)
        written = restore_media(archive, manifest)
        self.stdout.write(f"media: {written} of {len(manifest['media'])} files written")
        counts = model_counts()
        expected: dict[str, int] = manifest["counts"]
        width = max(len(label) for label in expected)
        wrong = []
        for label in sorted(expected):
            got = counts.get(label)
            mark = "ok" if got == expected[label] else "MISMATCH"
            if got != expected[label]:
                wrong.append(label)
            self.stdout.write(f"  {label:<{width}}  {got!s:>7} / {expected[label]:>7}  {mark}")
        if wrong:
            raise CommandError(
                f"{len(wrong)} models differ from the backup's manifest: {', '.join(wrong)}"
            )
        self.stdout.write(f"restored {sum(expected.values())} rows, every count as in the manifest")
