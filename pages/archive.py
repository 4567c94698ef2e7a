"""A whole seminar as one zip archive, and its weeks restored into a new term.

The archive holds:

- `manifest.json` — the format and version, the seminar's settings, and one entry per
  week (number, slug, file, status and the settings a week file does not carry);
- `weeks/NN-<slug>.md` — every week in the import format (`core.exporter`);
- `discussions.json` — every comment with its author, question and parent (the thread
  structure), moderation flags and times; deleted comments keep their place, not their text;
- `blog.json` — the weeks' summary posts;
- `teams.json` — the fixed teams with their members and each week's lead and blogging team;
- `roster.json` — the roster entries and the enrollments.

`restore_weeks` reads the weeks back (dates shifted, as drafts or scheduled: core.next_term)
into another seminar: the next offering starts from last year's weeks. People, teams and
comments stay behind.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from accounts.models import RosterEntry
from blog.models import BlogPost
from core.exporter import export_week_file
from core.importer import WeekFileError
from core.models import Enrollment, Seminar, Week, WeekDuty
from core.next_term import TermImport, TermItem, import_term
from discussions.models import Comment
from teams.models import Team

FORMAT = "seminar-archive"
VERSION = 1
MANIFEST = "manifest.json"
# An archive bigger than this (uncompressed, per member) is refused rather than read.
MAX_MEMBER_BYTES = 20 * 1024 * 1024


class ArchiveError(WeekFileError):
    """An archive that cannot be read; the message is one line."""


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"email": user.email, "name": user.name}


def week_filename(week: Week) -> str:
    return f"weeks/{week.number:02d}-{week.slug}.md"


# --- Export ------------------------------------------------------------------------------


def seminar_data(seminar: Seminar) -> dict[str, Any]:
    return {
        "slug": seminar.slug,
        "title": seminar.title,
        "term": seminar.term,
        "timezone": seminar.timezone,
        "visibility": seminar.visibility,
        "description": seminar.description,
        "late_policy": seminar.late_policy,
        "blog_draft_due_days": seminar.blog_draft_due_days,
        "blog_final_due_days": seminar.blog_final_due_days,
    }


def week_entry(week: Week) -> dict[str, Any]:
    return {
        "number": week.number,
        "slug": week.slug,
        "title": week.title,
        "file": week_filename(week),
        "status": week.status,
        "class_date": _iso(week.class_date),
        "publish_at": _iso(week.publish_at),
        "published_at": _iso(week.published_at),
        "cutoff": _iso(week.cutoff),
        "late_policy": week.late_policy,
        "staff_run": week.staff_run,
        "is_locked": week.is_locked,
    }


def discussions_data(seminar: Seminar) -> list[dict[str, Any]]:
    """Every comment of the seminar, oldest first, with what places it in its thread."""

    comments = (
        Comment.objects.filter(week__seminar=seminar)
        .select_related("author", "week", "question__section")
        .order_by("week__number", "created_at", "pk")
    )
    rows = []
    for c in comments:
        question = c.question
        rows.append(
            {
                "id": c.pk,
                "week": c.week.slug,
                "question": question.number if question else None,
                "section": question.section.position if question else None,
                "parent": c.parent_id,
                "author": _person(c.author),
                "body": "" if c.deleted_at else c.body,
                "created_at": _iso(c.created_at),
                "edited_at": _iso(c.edited_at),
                "deleted_at": _iso(c.deleted_at),
                "is_late": c.is_late,
                "is_hidden": c.is_hidden,
                "hidden_reason": c.hidden_reason,
                "is_pinned": c.is_pinned,
                "is_endorsed": c.is_endorsed,
                "credited_substantive": c.credited_substantive,
            }
        )
    return rows


def blog_data(seminar: Seminar) -> list[dict[str, Any]]:
    """The weeks' blog posts."""
    rows = []
    for post in BlogPost.objects.filter(week__seminar=seminar).select_related("week"):
        rows.append(
            {
                "week": post.week.slug,
                "title": post.title,
                "body": post.body,
                "status": post.status,
                "published_at": _iso(post.published_at),
                "created_at": _iso(post.created_at),
                "updated_at": _iso(post.updated_at),
            }
        )
    return rows


def teams_data(seminar: Seminar) -> dict[str, Any]:
    teams = Team.objects.filter(seminar=seminar).order_by("position", "name").with_members()
    duties = (
        WeekDuty.objects.filter(week__seminar=seminar)
        .select_related("user", "week")
        .order_by("week__number", "team", "user__email")
    )
    return {
        "teams": [
            {
                "name": team.name,
                "position": team.position,
                "members": sorted(m.user.email for m in team.memberships.all()),
            }
            for team in teams
        ],
        "duties": [{"week": d.week.slug, "team": d.team, "email": d.user.email} for d in duties],
    }


def roster_data(seminar: Seminar) -> dict[str, Any]:

    entries = RosterEntry.objects.filter(seminar=seminar).select_related("user").order_by("email")
    enrollments = (
        Enrollment.objects.filter(seminar=seminar).select_related("user").order_by("user__email")
    )
    return {
        "roster": [
            {
                "email": e.email,
                "name": e.name,
                "role": e.role,
                "account": e.user.email if e.user else None,
                "invited_at": _iso(e.invited_at),
            }
            for e in entries
        ],
        "enrollments": [
            {"email": e.user.email, "name": e.user.name, "role": e.role} for e in enrollments
        ],
    }


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_archive(seminar: Seminar, out: IO[bytes]) -> dict[str, Any]:
    """Write the seminar's archive to `out` (a binary file); returns its manifest."""
    weeks = list(Week.objects.filter(seminar=seminar).order_by("number"))
    for week in weeks:
        week.seminar = seminar
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(timezone.now()),
        "seminar": seminar_data(seminar),
        "weeks": [week_entry(week) for week in weeks],
        "files": ["discussions.json", "teams.json", "roster.json", "blog.json"],
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _json(manifest))
        for week in weeks:
            archive.writestr(week_filename(week), export_week_file(week))
        archive.writestr("discussions.json", _json(discussions_data(seminar)))
        archive.writestr("teams.json", _json(teams_data(seminar)))
        archive.writestr("roster.json", _json(roster_data(seminar)))
        archive.writestr("blog.json", _json(blog_data(seminar)))
    return manifest


def build_archive(seminar: Seminar) -> bytes:
    buffer = io.BytesIO()
    write_archive(seminar, buffer)
    return buffer.getvalue()


def archive_filename(seminar: Seminar, now: dt.datetime | None = None) -> str:
    day = timezone.localtime(now or timezone.now(), seminar.tz).date()
    return f"{seminar.slug}-archive-{day.isoformat()}.zip"


# --- Import ------------------------------------------------------------------------------


@dataclass
class ArchivedWeek:
    entry: dict[str, Any]
    name: str
    text: str


@dataclass
class Archive:
    manifest: dict[str, Any]
    weeks: list[ArchivedWeek]

    @property
    def seminar(self) -> dict[str, Any]:
        return self.manifest.get("seminar") or {}


def _read_member(archive: zipfile.ZipFile, name: str, source: str) -> str:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise ArchiveError(f"{source}: the archive has no {name}") from exc
    if info.file_size > MAX_MEMBER_BYTES:
        raise ArchiveError(f"{source}: {name} is too large")
    try:
        return archive.read(info).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{source}: {name} is not UTF-8 text") from exc


def read_archive(path_or_file: str | Path | IO[bytes], *, source: str = "") -> Archive:
    """The manifest and week files of an archive made by `write_archive`."""
    source = source or str(path_or_file if isinstance(path_or_file, str | Path) else "archive")
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            try:
                manifest = json.loads(_read_member(archive, MANIFEST, source))
            except json.JSONDecodeError as exc:
                raise ArchiveError(f"{source}: {MANIFEST} is not valid JSON: {exc}") from exc
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ArchiveError(f"{source}: not a seminar archive (no {FORMAT} manifest)")
            if manifest.get("version") != VERSION:
                raise ArchiveError(
                    f"{source}: archive version {manifest.get('version')!r} is not supported"
                )
            weeks = []
            for entry in sorted(manifest.get("weeks") or [], key=lambda e: e.get("number") or 0):
                name = entry.get("file")
                if not isinstance(name, str):
                    raise ArchiveError(f"{source}: a week in {MANIFEST} names no file")
                weeks.append(
                    ArchivedWeek(entry=entry, name=name, text=_read_member(archive, name, source))
                )
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{source}: not a readable zip file ({exc})") from exc
    return Archive(manifest=manifest, weeks=weeks)


def restore_weeks(
    archive: Archive,
    *,
    seminar: Seminar,
    shift_days: int | None = None,
    first_class_date: dt.date | None = None,
    replace: bool = False,
    source: str = "archive",
) -> TermImport:
    """Import the archive's weeks into `seminar`, dates moved, as drafts or scheduled (never
    published: core.next_term); all or nothing. People, teams and comments stay behind."""
    items = [
        TermItem(text=item.text, source=f"{source}:{item.name}", entry=item.entry)
        for item in archive.weeks
    ]
    return import_term(
        items,
        seminar=seminar,
        replace=replace,
        shift_days=shift_days,
        first_class_date=first_class_date,
    )
