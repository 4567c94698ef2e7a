"""python manage.py import_post PATH --seminar SLUG --week SLUG [--author EMAIL] [--draft]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from blog.importer import import_post
from core.models import Week


class Command(BaseCommand):
    help = "Import a Hugo blog post (+++ TOML front matter, markdown) as a week's post."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--seminar", required=True, help="The seminar's slug.")
        parser.add_argument("--week", required=True, help="The week's slug.")
        parser.add_argument("--author", help="Email of the user the revision is credited to.")
        parser.add_argument(
            "--draft", action="store_true", help="Keep it a draft even without draft = true."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        week = (
            Week.objects.filter(seminar__slug=options["seminar"], slug=options["week"])
            .select_related("seminar")
            .first()
        )
        if week is None:
            raise CommandError(f"No week {options['week']!r} in seminar {options['seminar']!r}.")
        author = None
        if options["author"]:
            author = User.objects.filter(email__iexact=options["author"]).first()
            if author is None:
                raise CommandError(f"No user with the email {options['author']!r}.")
        try:
            result = import_post(
                path.read_text(encoding="utf-8"),
                week=week,
                author=author,
                publish=False if options["draft"] else None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        verb = "Created" if result.created else ("Updated" if result.changed else "Unchanged:")
        self.stdout.write(
            f"{verb} “{result.post.title}” for {week} ({result.post.get_status_display()})."
        )
        if result.ignored_keys:
            self.stdout.write(f"Ignored front matter keys: {', '.join(result.ignored_keys)}.")
        if result.html_fragments:
            self.stdout.write(f"Cleaned {result.html_fragments} piece(s) of raw HTML.")
