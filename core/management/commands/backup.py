"""python manage.py backup [--out FILE]: the database (dumpdata JSON, plus pg_dump -Fc on
PostgreSQL) and every uploaded file, in one archive (core/lib/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from core.lib.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar, or .tar.gz) with the database as dumpdata JSON (and a"
        " pg_dump -Fc file on PostgreSQL), every uploaded media file and a manifest.json"
        " with the row count of every model. `restore` brings it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            help="Archive to write (default: seminar-backup-YYYYMMDD-HHMMSS.tar.gz here)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        out = Path(options["out"] or f"seminar-backup-{stamp}.tar.gz")
        manifest = write_backup(out)
        rows = sum(manifest["counts"].values())
        size = sum(entry["size"] for entry in manifest["media"])
        pg = manifest["pg_dump"]
        self.stdout.write(
            f"{out}: {rows} rows of {len(manifest['counts'])} models,"
            f" {len(manifest['media'])} media files ({size} bytes),"
            + (" pg_dump included" if pg["included"] else f" no pg_dump ({pg['reason']})")
        )
