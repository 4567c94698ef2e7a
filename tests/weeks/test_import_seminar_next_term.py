"""import_seminar brings last term's weeks into a new one: --term is set, nothing is
published at import (weeks come in as drafts or scheduled, publish times moved with the
class dates), and wall-clock times stay wall-clock times in the target seminar's zone."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.exporter import export_week_file
from core.models import Seminar, Week
from core.timefmt import format_time
from pages.archive import build_archive

pytestmark = pytest.mark.django_db

WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"
NY = zoneinfo.ZoneInfo("America/New_York")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def page(slug: str, front: str = "", deadline: str = "Before 5:29pm on Sunday, September 3") -> str:
    return (
        f'+++\ntitle = "{slug}"\nslug = "{slug}"\ndate = "2023-09-04"\n{front}+++\n\n'
        f"# Readings\n\n1. [A paper](https://example.org/{slug})\n\n"
        f"# Discussion Questions\n\n{deadline}, answer one question.\n\n1. Why?\n"
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_seminar", *args, stdout=out)
    return out.getvalue()


def test_a_directory_import_sets_the_term(tmp_path):
    (tmp_path / "week1.md").write_text(page("week1"))
    run(str(tmp_path), "--seminar", "fall", "--term", "Fall 2027")
    assert Seminar.objects.get(slug="fall").term == "Fall 2027"
    run(str(tmp_path), "--seminar", "fall", "--term", "Spring 2028", "--replace")
    assert Seminar.objects.get(slug="fall").term == "Spring 2028"


def test_a_directory_import_publishes_nothing(tmp_path):
    (tmp_path / "week1.md").write_text(page("week1", "draft = false\n"))
    (tmp_path / "week2.md").write_text(page("week2", "draft = true\n"))
    out = run(str(tmp_path), "--seminar", "next")
    weeks = {w.slug: w for w in Week.objects.filter(seminar__slug="next")}
    assert weeks["week1"].status == weeks["week2"].status == Week.Status.DRAFT
    assert weeks["week1"].published_at is None
    assert "week1: draft (it was published, with no publish time to move)" in out
    assert "week2: draft" in out


def test_scheduled_and_published_weeks_are_scheduled_at_their_moved_publish_time(tmp_path):
    scheduled = 'draft = true\nstatus = "scheduled"\npublish_at = 2023-08-28T09:00:00-04:00\n'
    published = "draft = false\npublished_at = 2023-08-29T08:30:00-04:00\n"
    (tmp_path / "week1.md").write_text(page("week1", scheduled))
    (tmp_path / "week2.md").write_text(page("week2", published))
    (tmp_path / "week3.md").write_text(page("week3", "draft = true\n"))
    today = timezone.localdate(timezone=NY)
    first = today + dt.timedelta(days=30)
    out = run(str(tmp_path), "--seminar", "next", "--first-class-date", first.isoformat())
    days = (first - dt.date(2023, 9, 4)).days
    weeks = {w.slug: w for w in Week.objects.filter(seminar__slug="next")}
    one, two, three = weeks["week1"], weeks["week2"], weeks["week3"]
    assert (one.status, two.status, three.status) == ("scheduled", "scheduled", "draft")
    moved = one.publish_at.astimezone(NY)
    assert moved.date() == dt.date(2023, 8, 28) + dt.timedelta(days=days)
    assert (moved.hour, moved.minute) == (9, 0)
    assert two.publish_at.astimezone(NY).time() == dt.time(8, 30)
    assert two.published_at is None
    assert f"week1: scheduled to publish {format_time(moved, NY, timezone.now())}" in out
    assert "nothing was published by the import" in out


def test_a_publish_time_that_has_passed_leaves_a_draft(tmp_path):
    front = 'draft = true\nstatus = "scheduled"\npublish_at = 2023-08-28T09:00:00-04:00\n'
    (tmp_path / "week1.md").write_text(page("week1", front))
    out = run(str(tmp_path), "--seminar", "next")
    week = Week.objects.get(seminar__slug="next")
    assert week.status == Week.Status.DRAFT
    passed = "Mon 28 Aug 2023, 9:00 am EDT"
    assert f"week1: draft (its publish time, {passed}, has passed: publish it by hand)" in out


def test_a_replaced_live_week_keeps_its_status(tmp_path):
    (tmp_path / "week1.md").write_text(page("week1"))
    seminar = Seminar.objects.create(title="Now", slug="now", timezone="America/New_York")
    Week.objects.create(
        seminar=seminar, number=1, slug="week1", title="Live", status=Week.Status.PUBLISHED
    )
    out = run(str(tmp_path), "--seminar", "now", "--replace")
    assert Week.objects.get(seminar=seminar).status == Week.Status.PUBLISHED
    assert "week1: replaced, still published" in out


def test_an_archive_into_another_zone_keeps_the_wall_clock_deadline(tmp_path):
    """5:29 pm EST exported from New York imports as 5:29 pm in Chicago, not 4:29 pm."""
    source = Seminar.objects.create(title="S", slug="s", timezone="America/New_York")
    deadline = dt.datetime(2023, 12, 3, 17, 29, tzinfo=NY)
    Week.objects.create(
        seminar=source, number=1, slug="week1", title="W", class_date=dt.date(2023, 12, 4),
        deadline=deadline, cutoff=deadline + dt.timedelta(days=2),
    )  # fmt: skip
    path = tmp_path / "s.zip"
    path.write_bytes(build_archive(source))
    run(str(path), "--seminar", "chicago", "--timezone", "America/Chicago", "--shift-days", "7")
    week = Week.objects.get(seminar__slug="chicago")
    assert week.deadline == dt.datetime(2023, 12, 10, 17, 29, tzinfo=CHICAGO)
    assert week.cutoff == dt.datetime(2023, 12, 12, 17, 29, tzinfo=CHICAGO)


def test_an_archive_restores_what_the_week_files_carry(tmp_path):
    source = Seminar.objects.create(title="S", slug="s", timezone="America/New_York")
    deadline = dt.datetime(2023, 12, 3, 17, 29, tzinfo=NY)
    week = Week.objects.create(
        seminar=source, number=1, slug="week1", title="W", deadline=deadline,
        cutoff=deadline + dt.timedelta(days=1), late_policy="close", staff_run=True,
        notes="A line nobody placed.",
    )  # fmt: skip
    path = tmp_path / "s.zip"
    path.write_bytes(build_archive(source))
    run(str(path), "--seminar", "copy")
    copy = Week.objects.get(seminar__slug="copy")
    assert export_week_file(copy) == export_week_file(week)
