"""The shapes real course pages come in (issue 17), one fixture each, written for these
tests: each imports with the right counts of required and optional readings, sections and
questions, and the report says what was guessed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from core.importer import ParsedWeek, import_week_file, parse_week_file
from core.models import Seminar

WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"
NY = zoneinfo.ZoneInfo("America/New_York")


def parse(name: str) -> ParsedWeek:
    text = (WEEKFILES / name).read_text(encoding="utf-8")
    return parse_week_file(text, tz="America/New_York", source=name)


def counts(week: ParsedWeek) -> tuple[int, int, int, int]:
    """(required readings, optional readings, sections, questions)"""
    return (
        len(week.readings_of("required")),
        len(week.readings_of("optional")),
        len(week.sections),
        sum(len(s.questions) for s in week.sections),
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("paragraph-readings.md", (3, 2, 1, 3)),
        ("bold-day-labels.md", (4, 3, 2, 4)),
        ("day-discussion-sections.md", (3, 0, 2, 5)),
        ("lazy-citation.md", (3, 0, 1, 2)),
        ("choose-one.md", (3, 1, 1, 2)),
    ],
)
def test_each_real_shape_imports_with_the_right_counts(name, expected):
    week = parse(name)
    assert counts(week) == expected
    assert week.notes == ""  # every line found its place


def test_paragraph_readings_after_a_not_required_sentence_are_optional():
    week = parse("paragraph-readings.md")
    optional = week.readings_of("optional")
    assert [r.title for r in optional] == [
        "The Algorithmic Foundations of Differential Privacy",
        "Deep Learning with Differential Privacy",
    ]
    assert optional[0].citation.startswith("Dwork, Cynthia, and Aaron Roth.")
    assert optional[0].group == (
        "The readings below are not required but may be helpful if you want more context on"
        " differential privacy"
    )
    assert week.guesses == [
        "line 16: 'The readings below are not required but may be helpful if you want mor'"
        " introduces optional readings: those after it"
    ]


def test_bold_day_labels_group_readings_whose_numbers_run_on():
    week = parse("bold-day-labels.md")
    required = week.readings_of("required")
    assert [(r.number, r.group) for r in required] == [
        (1, "Monday"), (2, "Monday"), (3, "Wednesday"), (4, "Wednesday"),
    ]  # fmt: skip
    optional = week.readings_of("optional")
    assert [r.group for r in optional] == ["Monday", "Monday", "Wednesday"]
    explore = optional[-1]
    assert (explore.title, explore.url) == (
        "the Neuronpedia feature browser",
        "https://example.org/tools/feature-browser",
    )
    assert explore.citation == "and try to find a feature you did not expect."
    assert week.guesses == [
        "line 10: 'Monday' read as a day label",
        "line 20: 'Wednesday' read as a day label",
        "line 25: 'Optionally, also explore': read as an optional reading",
    ]


def test_discussion_for_a_day_headings_are_sections_with_their_own_rule_and_deadline():
    week = parse("day-discussion-sections.md")
    monday, wednesday = week.sections
    assert (monday.day_label, wednesday.day_label) == ("Monday", "Wednesday")
    assert monday.deadline == dt.datetime(2023, 10, 22, 21, 0, tzinfo=NY)
    assert wednesday.deadline == dt.datetime(2023, 10, 24, 21, 0, tzinfo=NY)
    assert (monday.required_answers, wednesday.required_answers) == (1, 2)
    assert monday.intro.startswith("Before 9pm on Sunday, October 22, everyone who is not")
    assert [n for n, _ in wednesday.questions] == ["3", "4", "5"]
    assert week.deadline == wednesday.deadline
    assert week.guesses == [
        "line 14: 'Discussion for Monday' read as a question section heading",
        "line 21: 'Discussion for Wednesday' read as a question section heading",
    ]


def test_a_citation_line_without_its_list_marker_is_a_reading_of_its_own():
    week = parse("lazy-citation.md")
    second = week.readings[1]
    assert second.title == "Artificial Intelligence Can Persuade Humans on Political Issues"
    assert second.url == "https://example.org/papers/persuade-political"
    assert second.citation == "Bai, Hui, Jan Voelkel, and Robb Willer. OSF preprint (2023)."
    assert week.readings[0].citation == "Salvi, Francesco, et al. arXiv preprint (2024)."
    assert len(week.guesses) == 1 and "has no list marker but starts a citation" in week.guesses[0]


def test_a_continuation_line_that_is_not_a_citation_stays_with_its_reading():
    text = (
        '+++\ntitle = "W"\ndate = "2023-10-29"\n+++\n\n# Readings\n\n'
        "- [One](https://e.org/1) Ann Author, Bob Author.\nSections 2 and 3 only.\n"
        "- [Two](https://e.org/2) Cy Author.\n\n# Questions\n\nBy 5pm on October 29.\n\n1. Q?\n"
    )
    week = parse_week_file(text, tz="America/New_York")
    assert [r.title for r in week.readings] == ["One", "Two"]
    assert week.readings[0].citation == "Ann Author, Bob Author. Sections 2 and 3 only."
    assert week.guesses == []


def test_choose_one_of_the_following_names_the_required_readings_group():
    week = parse("choose-one.md")
    required = week.readings_of("required")
    assert {r.group for r in required} == {"Choose one (or more) of the following papers"}
    assert [r.number for r in required] == [1, 2, 3]
    [optional] = week.readings_of("optional")
    assert optional.title == "Towards Best Practices in AGI Safety and Governance"
    assert "names the group of the required readings after it" in week.guesses[0]


def test_the_import_report_lists_the_guesses(db):
    seminar = Seminar.objects.create(title="S", slug="s", timezone="America/New_York")
    text = (WEEKFILES / "bold-day-labels.md").read_text(encoding="utf-8")
    result = import_week_file(text, seminar=seminar, source="bold-day-labels.md")
    report = result.report()
    assert "4 required readings, 3 optional readings in 2 groups, 2 question sections" in report
    assert "3 guess(es), check them:\n  - line 10: 'Monday' read as a day label" in report


def test_a_line_that_cannot_be_placed_goes_to_the_notes_and_is_reported(db):
    seminar = Seminar.objects.create(title="S", slug="s", timezone="America/New_York")
    text = (WEEKFILES / "paragraph-readings.md").read_text(encoding="utf-8")
    text = text.replace(
        "# Discussion Questions", "Bring a printed copy to class.\n\n# Discussion Questions"
    )
    result = import_week_file(text, seminar=seminar, source="p.md")
    assert result.week.notes == "Bring a printed copy to class."
    assert "kept in the week's notes: 'Bring a printed copy to class.'" in result.report()
    assert "the week has notes" in result.report()
    assert "Bring a printed copy" not in result.week.intro


def test_a_short_not_required_line_before_a_list_makes_that_list_optional():
    text = (
        '+++\ntitle = "W"\ndate = "2023-10-08"\n+++\n\n# Readings\n\n'
        "Ann Author, and Bo Author. [Required One](https://e.org/1). Venue (2021).\n\n"
        "These are not required but may be helpful:\n\n"
        "- [Helpful One](https://e.org/2) Cy Author (2014).\n"
        "- [Helpful Two](https://e.org/3) Di Author (2016).\n\n"
        "# Discussion Questions\n\nBefore 5pm on Sunday, October 8, answer one.\n\n1. Q?\n"
    )
    week = parse_week_file(text, tz="America/New_York")
    assert [(r.kind, r.title) for r in week.readings] == [
        ("required", "Required One"), ("optional", "Helpful One"), ("optional", "Helpful Two"),
    ]  # fmt: skip
    assert week.guesses == [
        "line 10: 'These are not required but may be helpful' read as the heading of"
        " optional readings"
    ]
