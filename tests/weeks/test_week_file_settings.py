"""A week file carries every setting of its week — publish schedule, cut-off, late policy,
lock, staff-run, participation rule, notes, and per section its deadline and reveal policy —
and importing it gives the same rows. Backticks in section titles are code and stay."""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo

import pytest

from core.exporter import export_week_file
from core.importer import WeekFileError, import_week_file, parse_week_file
from core.models import Question, QuestionSection, Reading, RevealPolicy, Seminar, Week
from participation.models import WeekRule

pytestmark = pytest.mark.django_db

NY = zoneinfo.ZoneInfo("America/New_York")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
WEEK_FIELDS = (
    "number", "slug", "title", "class_date", "intro", "discussion_intro", "notes", "status",
    "publish_at", "published_at", "deadline", "cutoff", "late_policy", "is_locked", "staff_run",
)  # fmt: skip
SECTION_FIELDS = (
    "position", "title", "intro", "day_label", "deadline", "required_answers", "reveal_policy",
    "reading__title",
)  # fmt: skip


def rows(week: Week) -> dict[str, object]:
    """The week's rows, comparable across seminars."""
    data: dict[str, object] = {f: getattr(week, f) for f in WEEK_FIELDS}
    data["rule"] = WeekRule.objects.filter(week=week).values_list("alternatives", flat=True).first()
    data["readings"] = list(week.readings.order_by("position").values_list("kind", "title", "url"))
    data["sections"] = list(week.sections.order_by("position").values_list(*SECTION_FIELDS))
    data["questions"] = list(
        Question.objects.filter(section__week=week)
        .order_by("section__position", "position")
        .values_list("number", "body")
    )
    return data


@pytest.fixture
def source() -> Seminar:
    return Seminar.objects.create(title="Source", slug="source", timezone="America/New_York")


@pytest.fixture
def full_week(source) -> Week:
    """A week with every setting away from its default."""
    deadline = dt.datetime(2023, 12, 3, 17, 29, tzinfo=NY)
    week = Week.objects.create(
        seminar=source, number=4, slug="week4", title="Week 4: `torch.compile` and friends",
        class_date=dt.date(2023, 12, 4), intro="Read *both*.", discussion_intro="Answer one.",
        notes="A line the importer could not place.", status=Week.Status.SCHEDULED,
        publish_at=dt.datetime(2023, 11, 27, 9, 0, tzinfo=NY), deadline=deadline,
        cutoff=deadline + dt.timedelta(days=2), late_policy="close", is_locked=True,
        staff_run=True,
    )  # fmt: skip
    WeekRule.objects.create(week=week, alternatives="replies")
    paper = Reading.objects.create(
        week=week, position=0, number=1, title="Paper", url="https://e.org/p"
    )
    monday = QuestionSection.objects.create(
        week=week, position=0, title="Questions about `torch.compile`: graphs", day_label="Monday",
        deadline=deadline - dt.timedelta(days=2), reveal_policy=RevealPolicy.AFTER_OWN,
        required_answers=2, reading=paper,
    )  # fmt: skip
    later = QuestionSection.objects.create(
        week=week, position=1, title="Wrap-up", reveal_policy=RevealPolicy.AFTER_DEADLINE
    )
    Question.objects.create(section=monday, position=0, number="1", body="Why `@jit`?")
    Question.objects.create(section=later, position=0, number="2", body="What now?")
    return week


def test_export_writes_every_setting(full_week):
    front = tomllib.loads(export_week_file(full_week).split("+++")[1])
    assert front["status"] == "scheduled" and front["draft"] is True
    assert front["timezone"] == "America/New_York"
    assert front["publish_at"] == dt.datetime(2023, 11, 27, 9, 0, tzinfo=NY)
    assert front["cutoff"] == dt.datetime(2023, 12, 5, 17, 29, tzinfo=NY)
    assert (front["late_policy"], front["locked"], front["staff_run"]) == ("close", True, True)
    assert front["notes"] == "A line the importer could not place."
    assert front["rule"] == {"alternatives": "replies"}
    assert [s["reveal"] for s in front["sections"]] == ["after_own", "after_deadline"]


def test_import_of_an_export_gives_the_same_rows(full_week):
    copy = Seminar.objects.create(title="Copy", slug="copy", timezone="America/New_York")
    week = import_week_file(export_week_file(full_week), seminar=copy).week
    assert rows(week) == rows(full_week)


def test_replacing_a_week_with_its_own_export_changes_nothing(full_week):
    before = rows(full_week)
    result = import_week_file(export_week_file(full_week), seminar=full_week.seminar, replace=True)
    assert result.week.pk == full_week.pk
    assert rows(Week.objects.get(pk=full_week.pk)) == before


def test_a_published_week_keeps_when_it_was_published(source):
    published_at = dt.datetime(2023, 11, 27, 9, 15, 30, tzinfo=NY)
    week = Week.objects.create(
        seminar=source, number=1, slug="w", title="W", status=Week.Status.PUBLISHED,
        published_at=published_at,
    )  # fmt: skip
    copy = Seminar.objects.create(title="Copy", slug="copy", timezone="America/New_York")
    again = import_week_file(export_week_file(week), seminar=copy).week
    assert (again.status, again.published_at) == ("published", published_at)


def test_wall_clock_times_keep_their_hour_in_the_target_zone(full_week):
    """5:29 pm EST in New York imports as 5:29 pm CST in Chicago, not 4:29 pm."""
    chicago = Seminar.objects.create(title="C", slug="c", timezone="America/Chicago")
    result = import_week_file(export_week_file(full_week), seminar=chicago)
    week = result.week
    assert week.deadline == dt.datetime(2023, 12, 3, 17, 29, tzinfo=CHICAGO)
    assert week.cutoff == dt.datetime(2023, 12, 5, 17, 29, tzinfo=CHICAGO)
    assert week.publish_at == dt.datetime(2023, 11, 27, 9, 0, tzinfo=CHICAGO)
    monday = week.sections.get(position=0)
    assert monday.deadline == dt.datetime(2023, 12, 1, 17, 29, tzinfo=CHICAGO)
    assert any("wall-clock times in America/New_York" in w for w in result.warnings)


def test_a_time_with_an_offset_and_no_zone_is_that_instant(source):
    text = '+++\ntitle = "W"\ndeadline = 2023-12-03T17:29:00-05:00\n+++\n'
    week = parse_week_file(text, tz="America/Chicago")
    assert week.deadline == dt.datetime(2023, 12, 3, 16, 29, tzinfo=CHICAGO)


def test_a_key_the_file_leaves_out_keeps_the_weeks_setting(full_week):
    text = export_week_file(full_week)
    for key in ("cutoff", "late_policy", "locked", "staff_run"):
        text = "\n".join(line for line in text.split("\n") if not line.startswith(f"{key} ="))
    import_week_file(text, seminar=full_week.seminar, replace=True)
    full_week.refresh_from_db()
    assert full_week.cutoff == dt.datetime(2023, 12, 5, 17, 29, tzinfo=NY)
    kept = (full_week.late_policy, full_week.is_locked, full_week.staff_run)
    assert kept == ("close", True, True)


def test_section_titles_keep_backticks_for_code(source):
    text = (
        '+++\ntitle = "W"\ndate = "2023-12-03"\n+++\n\n# Readings\n\n'
        "1. [Attention Is All You Need](https://e.org/a)\n\n# Discussion Questions\n\n"
        "## Questions about `torch.compile` and `jax.jit`\n\n1. Which one?\n\n"
        "## Questions about `Attention Is All You Need`\n\n2. Why attention?\n"
    )
    week = import_week_file(text, seminar=source).week
    code, about = week.sections.order_by("position")
    assert code.title == "Questions about `torch.compile` and `jax.jit`"
    assert about.title == "Questions about Attention Is All You Need"  # quotes a reading
    assert about.reading.title == "Attention Is All You Need"


def test_a_status_that_contradicts_draft_is_refused(source):
    with pytest.raises(WeekFileError, match="contradicts status"):
        parse_week_file('+++\ntitle = "W"\ndraft = true\nstatus = "published"\n+++\n', tz="UTC")


def test_a_scheduled_week_needs_a_publish_time(source):
    with pytest.raises(WeekFileError, match="needs a publish time"):
        import_week_file('+++\ntitle = "W"\nstatus = "scheduled"\n+++\n', seminar=source)
