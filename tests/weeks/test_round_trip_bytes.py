"""export → import → export gives the same bytes: for every demo week and the seed week,
into a seminar of another time zone too (deadlines keep their wall-clock time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exporter import export_week_file
from core.importer import import_week_file
from core.models import Seminar, Week
from demo.weeks import build_demo

SEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "week2-alignment.md"


@pytest.fixture
def demo_weeks(db) -> list[Week]:
    summary = build_demo("demo-password")
    return [summary.weeks[key] for key in ("closed", "open", "draft")]


def reexport(text: str, *, slug: str, timezone: str = "America/New_York") -> str:
    target, _ = Seminar.objects.get_or_create(
        slug=slug, defaults={"title": slug, "timezone": timezone}
    )
    week = import_week_file(text, seminar=target, source="export.md").week
    return export_week_file(Week.objects.get(pk=week.pk))


@pytest.mark.parametrize("key", [0, 1, 2], ids=["closed", "open", "draft"])
def test_demo_week_export_import_export_is_byte_identical(demo_weeks, key):
    first = export_week_file(demo_weeks[key])
    assert reexport(first, slug="copy") == first


@pytest.mark.parametrize("key", [0, 1, 2], ids=["closed", "open", "draft"])
def test_demo_week_round_trips_into_another_time_zone_keeping_wall_clock(demo_weeks, key):
    first = export_week_file(demo_weeks[key])
    chicago = reexport(first, slug="chicago", timezone="America/Chicago")
    assert reexport(chicago, slug="back") == first


def test_seed_week_export_import_export_is_byte_identical(db):
    source = Seminar.objects.create(title="S", slug="s", timezone="America/New_York")
    week = import_week_file(SEED.read_text(encoding="utf-8"), seminar=source).week
    first = export_week_file(Week.objects.get(pk=week.pk))
    assert reexport(first, slug="copy") == first


WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"


@pytest.mark.parametrize("name", sorted(p.name for p in WEEKFILES.glob("*.md")))
def test_every_fixture_export_import_export_is_byte_identical(db, name):
    source = Seminar.objects.create(title="S", slug="s", timezone="America/New_York")
    text = (WEEKFILES / name).read_text(encoding="utf-8")
    week = import_week_file(text, seminar=source, source=name).week
    first = export_week_file(Week.objects.get(pk=week.pk))
    assert reexport(first, slug="copy") == first
    tokyo = reexport(first, slug="tokyo", timezone="Asia/Tokyo")
    assert reexport(tokyo, slug="back") == first
