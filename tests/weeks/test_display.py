"""Deadline wording, relative times and the posting rule in words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core import display
from core.models import LatePolicy, QuestionSection, Seminar, Week

NY = ZoneInfo("America/New_York")
DEADLINE = dt.datetime(2023, 9, 3, 17, 29, tzinfo=NY)
NOW = dt.datetime(2023, 8, 31, 12, 0, tzinfo=NY)


def make_week(**extra: object) -> Week:
    """An unsaved week of an unsaved seminar: the rule never needs the database."""
    seminar = Seminar(title="LLM Risks", slug="llm", timezone="America/New_York")
    extra.setdefault("deadline", DEADLINE)
    return Week(seminar=seminar, number=2, slug="week2", title="Week 2", **extra)


def sections(week: Week, *specs: dict) -> list[QuestionSection]:
    return [
        QuestionSection(week=week, position=i, title=f"Section {i + 1}", **spec)
        for i, spec in enumerate(specs)
    ]


def test_deadline_reads_as_weekday_day_month_time_and_zone():
    assert display.format_deadline(DEADLINE, NY) == "Sun 3 Sep, 5:29 pm EDT"


def test_deadline_is_shown_in_the_seminars_zone_whatever_zone_it_is_stored_in():
    utc = DEADLINE.astimezone(dt.UTC)
    assert display.format_deadline(utc, NY) == "Sun 3 Sep, 5:29 pm EDT"
    assert display.format_deadline(utc, ZoneInfo("Europe/London")) == "Sun 3 Sep, 10:29 pm BST"


def test_deadline_in_winter_uses_standard_time_and_midnight_reads_12_am():
    winter = dt.datetime(2023, 12, 5, 0, 5, tzinfo=NY)
    assert display.format_deadline(winter, NY) == "Tue 5 Dec, 12:05 am EST"


def test_deadline_in_another_year_names_the_year():
    now = dt.datetime(2024, 1, 10, tzinfo=NY)
    assert display.format_deadline(DEADLINE, NY, now) == "Sun 3 Sep 2023, 5:29 pm EDT"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (dt.timedelta(days=3), "in 3 days"),
        (dt.timedelta(days=1), "in 1 day"),
        (dt.timedelta(days=2, hours=3), "in 2 days 3 hours"),
        (-dt.timedelta(hours=2), "2 hours ago"),
        (dt.timedelta(minutes=5), "in 5 minutes"),
        (dt.timedelta(minutes=1), "in 1 minute"),
        (dt.timedelta(seconds=20), "just now"),
        (-dt.timedelta(days=2), "2 days ago"),
        (dt.timedelta(days=21), "in 3 weeks"),
    ],
)
def test_relative_time_picks_a_readable_unit(delta, expected):
    assert display.relative_time(NOW + delta, NOW) == expected


def test_rule_with_one_deadline_and_one_answer_per_section():
    week = make_week()
    rule = display.posting_rule(week, sections(week, {}, {}), NOW)
    assert rule.lines[0].text == (
        "Answer at least one question in each section by Sun 3 Sep, 5:29 pm EDT"
        " — leads and bloggers exempt."
    )
    assert rule.lines[0].deadline.relative == "in 3 days 5 hours"


def test_rule_with_two_required_answers_per_section():
    week = make_week()
    rule = display.posting_rule(
        week, sections(week, {"required_answers": 2}, {"required_answers": 2}), NOW
    )
    assert rule.text.startswith("Answer at least two questions in each section by Sun 3 Sep")


def test_rule_with_different_counts_names_each_section():
    week = make_week()
    rule = display.posting_rule(
        week, sections(week, {"required_answers": 1}, {"required_answers": 2}), NOW
    )
    assert rule.lines[0].text.startswith(
        "Answer at least one in section 1 and two in section 2 by Sun 3 Sep, 5:29 pm EDT"
    )


def test_rule_with_a_single_section_does_not_say_each_section():
    week = make_week()
    rule = display.posting_rule(week, sections(week, {}), NOW)
    assert rule.lines[0].text.startswith("Answer at least one question by Sun 3 Sep")


def test_rule_with_section_deadlines_gives_one_sentence_per_deadline():
    week = make_week(deadline=None)
    monday = dt.datetime(2023, 10, 15, 20, 0, tzinfo=NY)
    wednesday = dt.datetime(2023, 10, 17, 20, 0, tzinfo=NY)
    rule = display.posting_rule(
        week,
        sections(
            week,
            {"day_label": "Monday", "deadline": monday},
            {"day_label": "Wednesday", "deadline": wednesday},
        ),
        dt.datetime(2023, 10, 12, tzinfo=NY),
    )
    assert [line.text for line in rule.lines] == [
        "Answer at least one question in section 1 (Monday) by Sun 15 Oct, 8:00 pm EDT.",
        "Answer at least one question in section 2 (Wednesday) by Tue 17 Oct, 8:00 pm EDT.",
        "Leads and bloggers are exempt.",
    ]
    assert rule.lines[1].deadline.when == wednesday


def test_rule_without_a_deadline_names_none_and_has_no_late_note():
    week = make_week(deadline=None)
    rule = display.posting_rule(week, sections(week, {}, {}), NOW)
    assert rule.text == "Answer at least one question in each section — leads and bloggers exempt."


def test_rule_states_the_cutoff_for_late_posts():
    week = make_week(cutoff=DEADLINE + dt.timedelta(days=2))
    rule = display.posting_rule(week, sections(week, {}), NOW)
    assert rule.late_note == "Late posts accepted until Tue 5 Sep, 5:29 pm EDT."


def test_rule_says_posting_closes_when_the_policy_closes_it():
    week = make_week(late_policy=LatePolicy.CLOSE)
    rule = display.posting_rule(week, sections(week, {}), NOW)
    assert rule.late_note == "Posting closes at the deadline."


def test_rule_says_late_posts_are_marked_late_under_the_accept_policy():
    week = make_week(late_policy=LatePolicy.ACCEPT)
    rule = display.posting_rule(week, sections(week, {}), NOW)
    assert rule.late_note == "Late posts are accepted and marked late."


def test_rule_when_no_section_requires_answers_says_answering_is_optional():
    week = make_week()
    rule = display.posting_rule(week, sections(week, {"required_answers": 0}), NOW)
    assert rule.text == "Answering the questions is optional this week."


def test_week_state_is_the_next_deadline_to_come_else_the_last():
    week = make_week()
    later = DEADLINE + dt.timedelta(days=2)
    upcoming = display.week_state(week, [later, DEADLINE], NOW)
    assert upcoming.when == DEADLINE
    past = display.week_state(week, [later, DEADLINE], later + dt.timedelta(days=30))
    assert past.when == later
    assert past.state == "late"
    assert display.week_state(week, [], NOW) is None


@pytest.mark.parametrize(
    ("number", "title", "expected"),
    [
        (3, "Oversight", "Week 3: Oversight"),
        (3, "Week 3: Oversight", "Week 3: Oversight"),
        (3, "week 3 — Oversight", "week 3 — Oversight"),
        (3, "Week 13: Review", "Week 3: Week 13: Review"),
    ],
)
def test_a_weeks_numbered_title_names_its_number_once(number, title, expected):
    assert Week(number=number, title=title).numbered_title == expected
