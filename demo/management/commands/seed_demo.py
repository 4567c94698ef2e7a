"""python manage.py seed_demo [--password P]: build or refresh the demo seminar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importer import WeekFileError
from demo.weeks import DEFAULT_PASSWORD, DemoSummary, build_demo


class Command(BaseCommand):
    help = (
        "Build (or refresh) the enrolled-only demo seminar 'demo': an open, a closed and a"
        " draft week, staff@, lead@, blogger@ and student1..12@example.edu. Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo account (default: {DEFAULT_PASSWORD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str = options["password"]
        if not password.strip():
            raise CommandError("--password must not be empty")
        try:
            summary = build_demo(password)
        except WeekFileError as exc:
            raise CommandError(f"the demo week could not be imported: {exc}") from exc
        self.stdout.write(describe(summary))


STATES = {
    "closed": "published, deadline passed",
    "open": "published, open for answers",
    "draft": "draft, visible to staff only",
}


def describe(summary: DemoSummary) -> str:
    seminar = summary.seminar
    lines = [f"Demo seminar {seminar.title!r} ({seminar.term}) at /s/{seminar.slug}/"]
    for key, state in STATES.items():
        week = summary.weeks[key]
        deadline = week.deadline.astimezone(seminar.tz) if week.deadline else None
        due = f"{deadline:%a %d %b %Y, %H:%M %Z}" if deadline else "no deadline"
        lines.append(f"  {week.title}: {state}, due {due}")
    lines += summary.notes
    lines.append("")
    lines.append(f"Log in at /accounts/login/ with password {summary.password!r}:")
    width = max(len(email) for email, _ in summary.logins())
    lines += [f"  {email:<{width}}  {what}" for email, what in summary.logins()]
    return "\n".join(lines)
