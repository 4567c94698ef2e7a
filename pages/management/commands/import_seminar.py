"""python manage.py import_seminar DIR --seminar SLUG [--title T] [--timezone TZ] [--term T]

Every *.md file in DIR, in natural order (week2 before week10), in one transaction.

DIR may also be a zip made by `export_seminar` (pages/archive.py): its weeks are restored
into the seminar (a new term: teams, comments and people stay behind), with the seminar's
settings from the archive unless given. --shift-days N or --first-class-date YYYY-MM-DD
move every class date, deadline and publish time (for a directory too).

Nothing is published at import (core.next_term): a new week the files say was published
or scheduled is scheduled at its moved publish time while that is ahead, else a draft; a
replaced week keeps its status. The report says which.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.importer import WeekFileError
from core.management.commands.import_week import read_week_file, seminar_slug
from core.models import Seminar, validate_timezone
from core.next_term import TermImport, TermItem, import_term
from pages import archive


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
        parser.add_argument("--term", help="The new seminar's term, e.g. Fall 2027")
        dates = parser.add_mutually_exclusive_group()
        dates.add_argument(
            "--shift-days", type=int, help="Move every class date and deadline by N days"
        )
        dates.add_argument(
            "--first-class-date",
            type=dt.date.fromisoformat,
            help="Move the dates so the earliest class falls on this day (YYYY-MM-DD)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if directory.is_file() and zipfile.is_zipfile(directory):
            self._restore_archive(directory, options)
            return
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a directory")
        paths = sorted(directory.glob("*.md"), key=natural_key)
        if not paths:
            raise CommandError(f"{directory}: no .md week files")
        items = [TermItem(text=read_week_file(path), source=path.name) for path in paths]
        try:
            with transaction.atomic():
                seminar = self._seminar(options)
                done = import_term(
                    items,
                    seminar=seminar,
                    replace=options["replace"],
                    shift_days=options.get("shift_days"),
                    first_class_date=options.get("first_class_date"),
                )
        except WeekFileError as exc:
            raise CommandError(f"{exc} — nothing was imported") from exc
        self._report(done)
        self.stdout.write(f"{len(done.results)} week file(s) imported into {seminar.slug}.")

    def _report(self, done: TermImport) -> None:
        for result in done.results:
            self.stdout.write(result.report())
        if done.days:
            self.stdout.write(
                f"Dates moved by {done.days} day{'' if abs(done.days) == 1 else 's'}."
            )
        self.stdout.write("Publishing (nothing was published by the import):")
        for line in done.lines:
            self.stdout.write(f"  {line}")

    def _restore_archive(self, path: Path, options: dict[str, Any]) -> None:
        try:
            data = archive.read_archive(path, source=path.name)
            with transaction.atomic():
                seminar = self._archive_seminar(data, options)
                done = archive.restore_weeks(
                    data,
                    seminar=seminar,
                    shift_days=options.get("shift_days"),
                    first_class_date=options.get("first_class_date"),
                    replace=options["replace"],
                    source=path.name,
                )
        except WeekFileError as exc:
            raise CommandError(f"{exc} — nothing was imported") from exc
        self._report(done)
        self.stdout.write(f"{len(done.results)} week(s) restored into {seminar.slug}.")

    def _archive_seminar(self, data: archive.Archive, options: dict[str, Any]) -> Seminar:
        """The target seminar: created with the archive's settings (and the options), or
        the existing one with the options applied."""
        source = data.seminar
        fields = {
            "title": options.get("title") or source.get("title") or options["seminar"],
            "timezone": options.get("timezone") or source.get("timezone"),
            "term": options.get("term") or "",
        }
        if fields["timezone"]:
            try:
                validate_timezone(fields["timezone"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        else:
            del fields["timezone"]
        copied: tuple[str, ...] = ("description", "visibility", "late_policy")
        copied += ("blog_draft_due_days", "blog_final_due_days")
        defaults = {key: source[key] for key in copied if source.get(key) is not None}
        seminar, created = Seminar.objects.get_or_create(
            slug=options["seminar"], defaults={**defaults, **fields}
        )
        if not created:
            given = {"title": options.get("title"), "timezone": options.get("timezone")}
            given["term"] = options.get("term")
            changed = {key: value for key, value in given.items() if value}
            for key, value in changed.items():
                setattr(seminar, key, value)
            if changed:
                seminar.save(update_fields=list(changed))
        return seminar

    def _seminar(self, options: dict[str, Any]) -> Seminar:
        tz = options.get("timezone")
        if tz:
            try:
                validate_timezone(tz)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        term = options.get("term")
        seminar, created = Seminar.objects.get_or_create(
            slug=options["seminar"],
            defaults={
                "title": options.get("title") or options["seminar"],
                **({"timezone": tz} if tz else {}),
                **({"term": term} if term else {}),
            },
        )
        if not created:
            given = (("title", options.get("title")), ("timezone", tz), ("term", term))
            changed = {k: v for k, v in given if v}
            for key, value in changed.items():
                setattr(seminar, key, value)
            if changed:
                seminar.save(update_fields=list(changed))
        return seminar
