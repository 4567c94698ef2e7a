"""The week-file importer: the seed week exactly, database semantics, malformed files."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from core.importer import (
    WeekExistsError,
    WeekFileError,
    import_week_file,
    parse_week_file,
)
from core.models import Question, QuestionSection, Reading, Seminar, Week

WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"
SEED = WEEKFILES / "week2-alignment.md"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

SEED_REQUIRED = [
    (1, "What is the alignment problem?"),
    (2, "Red Teaming Language Models to Reduce Harms: Methods, Scaling Behaviors, "
        "and Lessons Learned"),
    (4, "The Alignment Problem from a Deep Learning Perspective"),
    (5, "Universal and Transferable Adversarial Attacks on Aligned Language Models"),
]  # fmt: skip
SEED_GROUPS = [
    ("Background / Motivation", 3),
    ("Alignment Readings", 7),
    ("Adversarial Attacks / Jailbreaking", 3),
]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def ny_seminar(db) -> Seminar:
    return Seminar.objects.create(title="Alignment", slug="alignment", timezone="America/New_York")


# -- the seed week, parsed ---------------------------------------------------------------------


def test_seed_week_front_matter():
    week = parse_week_file(seed_text(), tz="America/New_York", source="week2-alignment.md")
    assert week.title == "Week 2: Alignment"
    assert week.slug == "week2"
    assert week.number == 2
    assert week.class_date == dt.date(2023, 9, 3)
    assert week.draft is False


def test_seed_week_has_four_required_readings_in_source_order():
    week = parse_week_file(seed_text(), tz="America/New_York")
    required = [r for r in week.readings if r.kind == "required"]
    assert [(r.number, r.title) for r in required] == SEED_REQUIRED
    assert required[0].url == "https://aligned.substack.com/p/what-is-alignment"
    assert required[0].citation == "Blog post by Jan Leike"
    assert required[2].citation.startswith("Richard Ngo, Lawrence Chan, and Sören Mindermann.")


def test_seed_week_optional_groups_and_sizes():
    week = parse_week_file(seed_text(), tz="America/New_York")
    optional = [r for r in week.readings if r.kind == "optional"]
    groups = [(g, sum(1 for r in optional if r.group == g)) for g in week.optional_groups]
    assert groups == SEED_GROUPS
    assert [r.position for r in week.readings] == list(range(17))


def test_seed_week_optional_reading_details():
    week = parse_week_file(seed_text(), tz="America/New_York")
    by_title = {r.title: r for r in week.readings}
    circuits = by_title["Exploring how neural circuits collect meaningful information"]
    assert circuits.url == "https://distill.pub/2020/circuits/zoom-in/"
    assert circuits.note == "suggested if you are less experienced with ML"
    risks = by_title["Risks from Learned Optimization in Advanced Machine Learning Systems"]
    assert risks.note == "Inner alignment: (sections 1, 3, 4)"
    assert risks.url == "https://arxiv.org/abs/1906.01820"
    outer = by_title["Outer alignment and imitative amplification"]
    assert (outer.note, outer.citation) == ("Outer alignment", "Blog post by Evan Hubinger.")


def test_seed_week_two_sections_of_four_questions_linked_to_their_readings():
    week = parse_week_file(seed_text(), tz="America/New_York")
    assert [len(s.questions) for s in week.sections] == [4, 4]
    assert [[n for n, _ in s.questions] for s in week.sections] == [
        ["1", "2", "3", "4"],
        ["5", "6", "7", "8"],
    ]
    assert [s.reading_title for s in week.sections] == [SEED_REQUIRED[2][1], SEED_REQUIRED[3][1]]
    assert week.sections[0].title == (
        "Questions about The Alignment Problem from a Deep Learning Perspective"
        " (and alignment in general)"
    )
    assert week.sections[0].questions[0][1].startswith("Section 2 of the paper presents")


def test_seed_week_deadline_is_sunday_529pm_new_york():
    week = parse_week_file(seed_text(), tz="America/New_York")
    assert week.deadline == dt.datetime(2023, 9, 3, 17, 29, tzinfo=NEW_YORK)
    assert week.deadline.utcoffset() == dt.timedelta(hours=-4)
    assert week.discussion_intro.startswith("Before 5:29pm on Sunday, September 3")
    assert "Please post your responses" in week.discussion_intro
    assert week.warnings == []


def test_seed_deadline_follows_the_seminar_time_zone():
    week = parse_week_file(seed_text(), tz="Europe/London")
    assert week.deadline == dt.datetime(
        2023, 9, 3, 17, 29, tzinfo=zoneinfo.ZoneInfo("Europe/London")
    )


# -- the seed week, imported -------------------------------------------------------------------


def test_seed_import_counts_and_rows(ny_seminar):
    result = import_week_file(seed_text(), seminar=ny_seminar, source="week2-alignment.md")
    assert result.counts == {
        "required_readings": 4,
        "optional_readings": 13,
        "optional_groups": 3,
        "sections": 2,
        "questions": 8,
    }
    week = Week.objects.get(seminar=ny_seminar, slug="week2")
    assert (week.title, week.number, week.class_date) == (
        "Week 2: Alignment",
        2,
        dt.date(2023, 9, 3),
    )
    assert week.deadline == dt.datetime(2023, 9, 3, 21, 29, tzinfo=dt.UTC)
    assert week.status == Week.Status.PUBLISHED and week.published_at is not None
    required = week.readings.filter(kind=Reading.Kind.REQUIRED).order_by("position")
    assert [(r.number, r.title) for r in required] == SEED_REQUIRED
    sections = list(week.sections.order_by("position"))
    assert [s.reading.title for s in sections] == [SEED_REQUIRED[2][1], SEED_REQUIRED[3][1]]
    assert [s.questions.count() for s in sections] == [4, 4]
    assert week.discussion_intro_html.startswith("<p>Before 5:29pm")


def test_seed_import_report_names_counts_and_deadline(ny_seminar):
    result = import_week_file(seed_text(), seminar=ny_seminar, source="week2-alignment.md")
    report = result.report()
    assert "week2-alignment.md: imported 'Week 2: Alignment'" in report
    assert "4 required readings, 13 optional readings in 3 groups" in report
    assert "2 question sections, 8 questions" in report
    assert "Sun 3 Sep 2023, 5:29 pm EDT" in report


def test_draft_front_matter_imports_a_draft_week(ny_seminar):
    text = seed_text().replace("draft = false", "draft = true")
    week = import_week_file(text, seminar=ny_seminar).week
    assert week.status == Week.Status.DRAFT
    assert week.published_at is None


def test_explicit_status_overrides_front_matter(ny_seminar):
    week = import_week_file(seed_text(), seminar=ny_seminar, status=Week.Status.DRAFT).week
    assert week.status == Week.Status.DRAFT


# -- re-importing ------------------------------------------------------------------------------


def test_reimport_without_replace_refuses_and_changes_nothing(ny_seminar):
    import_week_file(seed_text(), seminar=ny_seminar)
    changed = seed_text().replace('title = "Week 2: Alignment"', 'title = "Changed"')
    with pytest.raises(WeekExistsError, match="already exists.*--replace"):
        import_week_file(changed, seminar=ny_seminar)
    assert Week.objects.get(slug="week2").title == "Week 2: Alignment"
    assert Reading.objects.count() == 17


def test_replace_keeps_the_week_row_and_replaces_its_content(ny_seminar):
    first = import_week_file(seed_text(), seminar=ny_seminar).week
    smaller = (
        (WEEKFILES / "combined-heading.md").read_text().replace('slug = "week7"', 'slug = "week2"')
    )
    result = import_week_file(smaller, seminar=ny_seminar, replace=True)
    week = result.week
    assert week.pk == first.pk
    assert "replaced" in result.report()
    assert week.title == "Week 7: Interpretability"
    assert week.readings.count() == 2
    assert list(week.sections.values_list("title", flat=True)) == ["Questions"]
    assert Question.objects.filter(section__week=week).count() == 2
    assert Reading.objects.count() == 2 and QuestionSection.objects.count() == 1


def test_replace_keeps_comments_on_questions_that_still_exist(ny_seminar, student):
    from discussions.models import Comment

    week = import_week_file(seed_text(), seminar=ny_seminar).week
    question = Question.objects.get(section__week=week, number="7")
    comment = Comment.objects.create(week=week, question=question, author=student, body="Mine")
    edited = seed_text().replace("Most of Llama-2’s training data", "Most of the training data")
    import_week_file(edited, seminar=ny_seminar, replace=True)
    comment.refresh_from_db()
    assert comment.question_id == question.pk
    assert comment.question.body.startswith("Most of the training data")


def test_week_number_taken_by_another_slug_gets_the_next_free_number(ny_seminar):
    Week.objects.create(seminar=ny_seminar, number=2, slug="other", title="Other")
    result = import_week_file(seed_text(), seminar=ny_seminar)
    assert result.week.number == 3
    assert "week number 2 is taken in this seminar; using 3" in result.warnings


def test_week_without_a_number_gets_the_next_one(ny_seminar):
    Week.objects.create(seminar=ny_seminar, number=4, slug="other", title="Other")
    text = '+++\ntitle = "Guest lecture"\ndate = "2023-09-03"\n+++\n\nNo readings yet.\n'
    week = import_week_file(text, seminar=ny_seminar).week
    assert (week.slug, week.number, week.intro) == ("guest-lecture", 5, "No readings yet.")


# -- malformed files ---------------------------------------------------------------------------

MALFORMED = {
    "no front matter": ("# Readings\n\n1. [A](https://a.example)\n", "no TOML front matter"),
    "yaml front matter": ('---\ntitle: "Week"\n---\n', "found YAML --- front matter"),
    "unclosed": ('+++\ntitle = "Week"\n\n# Readings\n', "never closed"),
    "bad toml": ('+++\ntitle = "Week\ndate = 3\n+++\n', "not valid TOML"),
    "no title": ('+++\ndate = "03 Sep 2023"\nslug = "w"\n+++\n', "has no title"),
    "empty title": ('+++\ntitle = "  "\n+++\n', "has no title"),
    "bad date": ('+++\ntitle = "W"\ndate = "someday"\n+++\n', "cannot read the date"),
    "bad draft": ('+++\ntitle = "W"\ndraft = "yes"\n+++\n', "draft must be true or false"),
    "empty file": ("", "no TOML front matter"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_file_raises_one_line_error_naming_the_file(name):
    text, message = MALFORMED[name]
    with pytest.raises(WeekFileError, match=message) as excinfo:
        parse_week_file(text, tz="America/New_York", source="bad.md")
    assert str(excinfo.value).startswith("bad.md: ")
    assert "\n" not in str(excinfo.value)


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_file_leaves_nothing_in_the_database(ny_seminar, name):
    with pytest.raises(WeekFileError):
        import_week_file(MALFORMED[name][0], seminar=ny_seminar, source="bad.md")
    assert not Week.objects.exists()


def test_invalid_row_rolls_back_the_whole_week(ny_seminar):
    text = seed_text().replace("### Adversarial Attacks / Jailbreaking", "### " + "Long " * 50)
    with pytest.raises(WeekFileError, match=r"^week2.md: reading 'Are aligned .*group: Ensure"):
        import_week_file(text, seminar=ny_seminar, source="week2.md")
    assert not Week.objects.exists()
    assert not Reading.objects.exists()


def test_link_without_scheme_gains_https_and_non_web_link_stays_in_the_citation(ny_seminar):
    text = seed_text().replace("(https://arxiv.org/abs/2307.15043)", "(arxiv.org/abs/2307.15043)")
    text = text.replace("(https://arxiv.org/abs/2209.07858)", "(/files/red-teaming.pdf)")
    result = import_week_file(text, seminar=ny_seminar, source="week2.md")
    readings = {r.number: r for r in result.week.readings.filter(kind=Reading.Kind.REQUIRED)}
    assert readings[5].url == "https://arxiv.org/abs/2307.15043"
    assert readings[2].url == ""
    assert readings[2].citation.endswith("(2022). (link: /files/red-teaming.pdf)")
    assert result.warnings == [
        "line 11: link '/files/red-teaming.pdf' is not a web address; kept in the reading's text",
        "line 13: link 'arxiv.org/abs/2307.15043' read as 'https://arxiv.org/abs/2307.15043'",
    ]
    assert "  2 warning(s):\n  - line 11: link '/files/red-teaming.pdf'" in result.report()


def test_windows_line_endings_import_the_same(ny_seminar):
    crlf = seed_text().replace("\n", "\r\n")
    plain = parse_week_file(seed_text(), tz="America/New_York")
    assert parse_week_file(crlf, tz="America/New_York") == plain


def test_unknown_time_zone_is_a_week_file_error():
    with pytest.raises(WeekFileError, match="unknown time zone 'Mars/Olympus'"):
        parse_week_file(seed_text(), tz="Mars/Olympus")


def test_report_counts_read_as_english_and_list_warnings(ny_seminar):
    text = (WEEKFILES / "per-day-optional.md").read_text()
    report = import_week_file(text, seminar=ny_seminar, source="w.md").report()
    assert "2 required readings, 1 optional reading in 1 group, 2 question sections" in report
    text = (WEEKFILES / "no-deadline.md").read_text()
    report = import_week_file(text, seminar=ny_seminar, source="n.md").report()
    assert "1 required reading, no optional readings, 1 question section, 1 question" in report
    assert report.endswith(
        '  deadline: none\n  1 warning(s):\n  - no deadline found (e.g. "Before 5:29pm on Sunday,'
        ' September 3")'
    )
