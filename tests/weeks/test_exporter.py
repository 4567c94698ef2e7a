"""Export then import gives back the same week."""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from pathlib import Path

import pytest

from core.exporter import export_week_file
from core.importer import import_week_file
from core.models import Question, QuestionSection, Reading, Seminar, Week

WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"
ALL_FIXTURES = sorted(p.name for p in WEEKFILES.glob("*.md"))
NY = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def seminars(db) -> tuple[Seminar, Seminar]:
    make = Seminar.objects.create
    return (
        make(title="Source", slug="source", timezone="America/New_York"),
        make(title="Copy", slug="copy", timezone="America/New_York"),
    )


def snapshot(week: Week) -> dict[str, object]:
    """Everything a week file carries, comparable across seminars."""
    readings = [
        (r.kind, r.group, r.position, r.number, r.title, r.url, r.citation, r.note, r.abstract)
        for r in week.readings.order_by("position")
    ]
    sections = [
        (
            s.position, s.title, s.intro, s.reading.title if s.reading else None, s.day_label,
            s.deadline, s.required_answers,
            [(q.number, q.body) for q in s.questions.order_by("position")],
        )
        for s in week.sections.order_by("position").select_related("reading")
    ]  # fmt: skip
    return {
        "title": week.title,
        "slug": week.slug,
        "number": week.number,
        "class_date": week.class_date,
        "intro": week.intro,
        "discussion_intro": week.discussion_intro,
        "deadline": week.deadline,
        "draft": week.status != Week.Status.PUBLISHED,
        "readings": readings,
        "sections": sections,
    }


def round_trip(week: Week, target: Seminar) -> Week:
    text = export_week_file(week)
    result = import_week_file(text, seminar=target, source="export.md")
    return result.week


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_round_trips(seminars, name):
    source, copy = seminars
    text = (WEEKFILES / name).read_text(encoding="utf-8")
    week = import_week_file(text, seminar=source, source=name).week
    again = round_trip(week, copy)
    assert snapshot(again) == snapshot(week)


def test_seed_export_is_a_readable_course_page(seminars):
    source, _ = seminars
    week = import_week_file((WEEKFILES / "week2-alignment.md").read_text(), seminar=source).week
    text = export_week_file(week)
    front = tomllib.loads(text.split("+++")[1])
    assert front["title"] == "Week 2: Alignment"
    assert front["slug"] == "week2"
    assert front["date"] == "2023-09-03"
    assert front["deadline"] == dt.datetime(2023, 9, 3, 17, 29, tzinfo=NY)
    assert front["sections"][0]["reading"] == (
        "The Alignment Problem from a Deep Learning Perspective"
    )
    body = text.split("+++", 2)[2]
    assert (
        "\n# Readings\n\n1. [What is the alignment problem?](https://aligned.substack.com/p/"
        in body
    )
    assert "\n## Optional Additional Readings\n\n### Background / Motivation\n" in body
    assert "\n# Discussion Questions\n\nBefore 5:29pm on Sunday, September 3," in body
    assert "\n4. Section 4.3 mentions" in body


def test_export_then_reimport_with_replace_keeps_the_row(seminars):
    source, _ = seminars
    week = import_week_file((WEEKFILES / "week2-alignment.md").read_text(), seminar=source).week
    before = snapshot(week)
    result = import_week_file(export_week_file(week), seminar=source, replace=True)
    assert result.week.pk == week.pk
    assert snapshot(result.week) == before


@pytest.fixture
def built_week(seminars) -> Week:
    """A week built in the admin with what hand-written pages rarely have."""
    source, _ = seminars
    week = Week.objects.create(
        seminar=source, number=9, slug="built", title='A "quoted" week: built by hand',
        class_date=dt.date(2023, 10, 16), intro="Intro with *emphasis*.\n\nSecond paragraph.",
        discussion_intro="Answer at least two questions in each section.",
        deadline=dt.datetime(2023, 10, 17, 21, 0, tzinfo=NY), status=Week.Status.DRAFT,
    )  # fmt: skip
    make = Reading.objects.create
    make(
        week=week,
        position=0,
        number=1,
        title="Main [bracketed] paper",
        url="https://e.org/a",
        citation="A. Author (2023).",
        abstract="First paragraph.\n\nSecond paragraph.",
    )
    make(
        week=week,
        position=1,
        kind="optional",
        group="Background",
        title="Extra",
        url="https://e.org/b",
        note="sections 1, 3, 4",
    )
    make(week=week, position=2, number=2, title="Back to required", url="https://e.org/c")
    make(week=week, position=3, group="Monday", title="Grouped required", url="https://e.org/d")
    make(week=week, position=4, group="Deep dive", title="No link at all", citation="Handout.")
    make(week=week, position=5, kind="optional", title="Ungrouped optional", url="https://e.org/f")
    first = QuestionSection.objects.create(
        week=week, position=0, title="Paper 1: Main paper", intro="Think about *scale*.",
        reading=week.readings.get(position=0), day_label="Monday", required_answers=2,
        deadline=dt.datetime(2023, 10, 15, 21, 0, tzinfo=NY),
    )  # fmt: skip
    second = QuestionSection.objects.create(week=week, position=1, title="Wrap-up")
    Question.objects.create(section=first, position=0, number="1", body="One?\n\nMore detail.")
    Question.objects.create(section=first, position=1, number="2a", body="Two a?")
    Question.objects.create(section=second, position=0, number="7", body="Seven?\nStill seven.")
    return week


def test_admin_built_week_round_trips(built_week, seminars):
    _, copy = seminars
    again = round_trip(built_week, copy)
    assert snapshot(again) == snapshot(built_week)


def test_export_command_output_matches_the_function(built_week, capsys):
    from django.core.management import call_command

    call_command("export_week", "built", seminar="source")
    assert capsys.readouterr().out == export_week_file(built_week)


def test_export_query_count_does_not_grow_with_rows(seminars, django_assert_max_num_queries):
    source, _ = seminars
    week = import_week_file((WEEKFILES / "week2-alignment.md").read_text(), seminar=source).week
    week = Week.objects.get(pk=week.pk)
    with django_assert_max_num_queries(5):  # seminar, rule, readings, sections, questions
        export_week_file(week)
