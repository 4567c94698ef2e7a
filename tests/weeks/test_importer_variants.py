"""Hand-written course pages vary; each variation of issue 2 item 6 has a fixture file here."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest

from core.importer import ParsedWeek, parse_week_file

WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"
NY = zoneinfo.ZoneInfo("America/New_York")
ALL_FIXTURES = sorted(p.name for p in WEEKFILES.glob("*.md"))
# Words that only announce structure; the importer rebuilds them instead of storing them.
STRUCTURAL = {
    "readings", "reading", "discussion", "questions", "question", "optional", "additional",
    "required", "for", "and", "pdf", "s",  # "s": the possessive of "Monday's Questions"
    "optionally", "also", "explore",  # "Optionally, also explore [X](…)": X is optional
}  # fmt: skip


def parse(name: str) -> ParsedWeek:
    text = (WEEKFILES / name).read_text(encoding="utf-8")
    return parse_week_file(text, tz="America/New_York", source=name)


def at(day: int, month: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2023, month, day, hour, minute, tzinfo=NY)


def titles(week: ParsedWeek, kind: str = "required") -> list[str]:
    return [r.title for r in week.readings if r.kind == kind]


def everything(week: ParsedWeek) -> str:
    """All the text the week keeps, for checking that nothing was dropped."""
    parts = [week.title, week.slug, week.intro, week.discussion_intro, week.notes]
    for r in week.readings:
        parts += [r.group, str(r.number or ""), r.title, r.url, r.citation, r.note, r.abstract]
    for s in week.sections:
        parts += [s.title, s.intro, s.day_label, s.reading_title]
        for number, body in s.questions:
            parts += [number, body]
    return "\n".join(parts)


def words(text: str) -> set[str]:
    text = re.sub(r"\bq(\d)", r"\1", text.lower())  # "**Q1.**" is stored as question number 1
    return set(re.findall(r"[a-z0-9]+", text))


def body_lines(name: str) -> list[str]:
    text = (WEEKFILES / name).read_text(encoding="utf-8")
    return [line for line in text.split("+++", 2)[2].splitlines() if line.strip()]


# -- nothing is dropped ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_line_of_the_source_survives_somewhere(name):
    week = parse(name)
    kept = words(everything(week))
    for line in body_lines(name):
        missing = words(line) - STRUCTURAL - kept
        assert not missing, f"{name}: {line!r} lost {sorted(missing)}"


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_has_readings_and_questions(name):
    week = parse(name)
    assert week.readings and week.sections
    assert all(s.questions for s in week.sections)


def test_unclassified_text_is_kept_in_the_weeks_notes_and_reported():
    week = parse("unclassified.md")
    assert week.intro == "Welcome back! This intro is ordinary prose."
    assert week.notes == (
        "Remember to bring a laptop to class on Monday.\n\n**A stray heading nobody planned**"
    )
    assert titles(week) == ["Odd Paper"]
    assert week.warnings == [
        "line 13: kept in the week's notes: 'Remember to bring a laptop to class on Monday.'",
        "line 15: kept in the week's notes: '**A stray heading nobody planned**'",
    ]


# -- reading headings --------------------------------------------------------------------------


def test_readings_and_discussion_questions_heading():
    week = parse("combined-heading.md")
    assert week.intro == "This week we look inside the models."
    assert [(r.number, r.title) for r in week.readings] == [
        (1, "Zoom In: An Introduction to Circuits"),
        (3, "Toy Models of Superposition"),
    ]
    assert week.sections[0].questions == [
        ("1", "What is a circuit?"),
        ("2", "Why does superposition make interpretability hard?"),
    ]
    assert week.deadline == at(15, 10, 23, 59)


def test_per_day_sub_headings_group_readings_and_questions_by_day():
    week = parse("per-day.md")
    assert week.draft is True
    assert [(r.group, r.number, r.title) for r in week.readings] == [
        ("Monday, 16 October", 1, "Measuring Progress on Scalable Oversight for Large Language"
         " Models"),
        ("Monday, 16 October", 2, "AI Safety via Debate"),
        ("Wednesday, 18 October", 1, "Weak-to-Strong Generalization"),
    ]  # fmt: skip
    assert all(r.kind == "required" for r in week.readings)
    monday, wednesday = week.sections
    assert (monday.day_label, monday.deadline) == ("Monday, 16 October", at(15, 10, 21))
    assert (wednesday.day_label, wednesday.deadline) == ("Wednesday, 18 October", at(17, 10, 21))
    assert [n for n, _ in wednesday.questions] == ["1", "2"]
    assert week.deadline == at(17, 10, 21)  # the week closes with its last section


def test_no_readings_heading_at_all():
    week = parse("no-heading.md")
    assert titles(week) == ["First Paper", "Second Paper"]
    assert week.intro == ""
    assert week.deadline == at(10, 9, 17)


# -- reading list shapes -----------------------------------------------------------------------


def test_numbered_readings_keep_their_gaps():
    week = parse("combined-heading.md")
    assert [r.number for r in week.readings] == [1, 3]
    assert [r.position for r in week.readings] == [0, 1]


def test_bulleted_readings_have_no_number():
    week = parse("bullets.md")
    assert titles(week) == ["Bullet Paper One", "Bullet Paper Two", "Bullet Paper Three"]
    assert [r.number for r in week.readings] == [None, None, None]


def test_blank_line_separated_paragraph_readings():
    week = parse("paragraphs.md")
    assert titles(week) == ["Paragraph Paper One", "Paragraph Paper Two"]
    assert week.readings[1].citation == "Gus Author. Venue (2020)."
    assert week.intro == ""
    assert week.notes == "Read the first one closely; skim the second."
    assert week.warnings == [
        "line 13: kept in the week's notes: 'Read the first one closely; skim the second.'"
    ]


def test_inline_required_and_optional_tags_in_one_list():
    week = parse("inline-tags.md")
    assert [(r.kind, r.title) for r in week.readings] == [
        ("required", "Tagged Required One"),
        ("optional", "Tagged Optional One"),
        ("required", "Tagged Required Two"),
        ("optional", "Tagged Optional Two"),
        ("optional", "Tagged Optional Three"),
    ]
    assert week.readings[1].citation == "Ida Author (2022)."


# -- optional groups ---------------------------------------------------------------------------


def test_optional_groups_as_bold_pseudo_headings():
    week = parse("optional-bold-groups.md")
    assert titles(week) == ["Main Paper"]
    assert [(r.group, r.title) for r in week.readings if r.kind == "optional"] == [
        ("Background", "Background Paper"),
        ("Background", "Another Background Paper"),
        ("Alignment Readings", "Alignment Extra"),
    ]


def test_optional_readings_after_a_plain_line():
    week = parse("optional-plain-line.md")
    assert titles(week) == ["Core Paper", "Core Paper Two"]
    assert titles(week, "optional") == ["Extra Paper", "Extra Paper Two"]
    assert week.optional_groups == [""]
    assert week.sections[0].questions == [("1", "Which extra paper helped?")]


def test_optional_groups_as_h3_headings_in_the_seed():
    week = parse("week2-alignment.md")
    assert week.optional_groups == [
        "Background / Motivation",
        "Alignment Readings",
        "Adversarial Attacks / Jailbreaking",
    ]


# -- citations ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cited() -> dict[int, object]:
    return {r.number: r for r in parse("citations.md").readings}


def test_title_first_citation(cited):
    assert (cited[1].title, cited[1].url) == ("Title First Paper", "https://example.org/tf")
    assert cited[1].citation == "Uma Author and Vic Author. Venue (2021)."


def test_author_first_citation(cited):
    assert cited[2].title == "Author First Paper"
    assert cited[2].citation == "Wu, Xia, and Yan Zhou (2022). Proceedings of Things."
    assert cited[2].note == ""


def test_bare_url_reading(cited):
    assert (cited[3].title, cited[3].url) == ("A bare-URL reading", "https://example.org/bare")
    assert cited[3].note == "skim sections 1-2"


def test_link_text_broken_over_two_lines(cited):
    assert cited[4].title == "A Reading Whose Link Text Is Broken Over Two Lines"
    assert cited[4].url == "https://example.org/twolines"


def test_pdf_link_beside_the_main_link_stays_in_the_citation(cited):
    assert (cited[5].title, cited[5].url) == ("Paper With a PDF Link", "https://example.org/abs")
    assert cited[5].citation == "[[PDF](https://example.org/paper.pdf)] Ann Author (2019)."


def test_only_a_pdf_link_titles_the_reading_with_the_text_before_it(cited):
    assert (cited[6].title, cited[6].url) == (
        "Something worth reading",
        "https://example.org/only.pdf",
    )


def test_note_before_the_link_and_blockquote_abstract(cited):
    assert cited[7].note == "Inner alignment (sections 1, 3)"
    assert cited[7].citation == "Blog post by Cy Author."
    assert cited[7].abstract == (
        "We show that a noted paper has an abstract,\nspread over two lines."
    )


# -- questions ---------------------------------------------------------------------------------


def test_question_heading_at_level_two_with_colon():
    week = parse("combined-heading.md")
    assert week.discussion_intro.startswith("Before 11:59pm")
    assert [s.title for s in week.sections] == ["Questions"]


def test_question_heading_at_level_four_and_rule_separated_sections():
    week = parse("restart-loose.md")
    assert [s.title for s in week.sections] == [
        "Questions about Loose Paper",
        "Questions about the field in general",
    ]
    assert week.sections[0].reading_title == "Loose Paper"
    assert week.sections[1].reading_title == ""


def test_numbering_that_restarts_per_section():
    week = parse("restart-loose.md")
    assert [[n for n, _ in s.questions] for s in week.sections] == [["1", "2"], ["1", "2"]]


def test_numbering_that_runs_on_across_sections():
    week = parse("papers.md")
    assert [[n for n, _ in s.questions] for s in week.sections] == [["1", "2"], ["3", "4"]]


def test_loose_list_keeps_continuation_paragraphs_and_lazy_lines():
    first, second = parse("restart-loose.md").sections[0].questions
    assert first == ("1", "A loose first question.\n\nWith a second paragraph that belongs to it.")
    assert second == ("2", "A loose second question\nthat continues lazily on the next line.")


def test_text_after_the_questions_stays_in_the_section_and_is_reported():
    week = parse("restart-loose.md")
    assert week.sections[1].intro == "A closing remark after the questions."
    assert any("text after the questions" in w for w in week.warnings)


def test_paper_sub_sections_link_to_their_readings():
    week = parse("papers.md")
    assert [(s.title, s.reading_title) for s in week.sections] == [
        ("Paper 1: Debate Paper", "Debate Paper"),
        ("Paper 2: Amplification Paper", "Amplification Paper"),
    ]


def test_bullet_questions_are_numbered_in_order():
    week = parse("bullets.md")
    assert week.sections[0].questions == [
        ("1", "What do bullets mean?"),
        ("2", "Are bullets questions?"),
    ]
    assert week.discussion_intro == "Before 5:29pm on Sunday, September 17, answer one question."


def test_per_day_question_blocks_under_day_headings():
    week = parse("per-day-deadline-lines.md")
    assert [(s.title, s.day_label) for s in week.sections] == [
        ("Monday", "Monday"),
        ("Wednesday", "Wednesday"),
    ]


# -- deadlines ---------------------------------------------------------------------------------


def test_deadline_inside_the_rule_sentence():
    assert parse("week2-alignment.md").deadline == at(3, 9, 17, 29)


def test_one_deadline_line_per_section():
    week = parse("per-day-deadline-lines.md")
    assert [s.deadline for s in week.sections] == [at(15, 10, 20), at(17, 10, 20)]
    assert week.deadline == at(17, 10, 20)
    assert week.warnings == []


def test_bold_parenthetical_deadline_under_the_heading():
    week = parse("papers.md")
    assert week.deadline == dt.datetime(2023, 11, 12, 23, 59, tzinfo=NY)
    assert week.deadline.utcoffset() == dt.timedelta(hours=-5)  # EST by then
    assert week.discussion_intro == "**(Due: Sunday, November 12, 11:59pm)**"


def test_deadline_date_without_time_defaults_to_2359_and_warns():
    week = parse("restart-loose.md")
    assert week.deadline == dt.datetime(2023, 11, 19, 23, 59, tzinfo=NY)
    assert any("gives no time; using 23:59" in w for w in week.warnings)


def test_missing_deadline_warns():
    week = parse("no-deadline.md")
    assert week.deadline is None
    assert week.warnings == ['no deadline found (e.g. "Before 5:29pm on Sunday, September 3")']


def test_per_day_optional_readings_end_at_the_next_day_heading():
    week = parse("per-day-optional.md")
    assert [(r.kind, r.group, r.title) for r in week.readings] == [
        ("required", "Monday", "Monday Main"),
        ("optional", "Monday", "Monday Extra"),
        ("required", "Wednesday", "Wednesday Main"),
    ]
    assert [(s.title, s.day_label, s.questions) for s in week.sections] == [
        ("Monday", "Monday", [("1", "About Monday Main?")]),
        ("Wednesday", "Wednesday", [("2", "About Wednesday Main?")]),
    ]
    assert week.deadline == at(22, 10, 18)


def test_messy_page_emphasised_titles_q_paragraphs_and_paper_links():
    week = parse("messy.md")
    assert (week.slug, week.number, week.class_date) == (
        "week-18-a-messy-page",
        18,
        dt.date(2023, 10, 16),
    )
    assert [(r.title, r.url, r.citation) for r in week.readings] == [
        ("Measuring Progress on Scalable Oversight.", "https://arxiv.org/abs/2211.03540",
         "Bowman et al. [link](https://arxiv.org/abs/2211.03540)"),
        ("AI Safety via Debate", "https://arxiv.org/abs/1805.00899",
         "Irving, G., Christiano, P. 2018."),
        ("Weak-to-Strong Generalization", "", "by Burns et al., a handout"),
    ]  # fmt: skip
    assert {r.group for r in week.readings} == {"Monday, 16 October: Scalable Oversight and Debate"}
    assert [(s.title, s.reading_title, s.day_label) for s in week.sections] == [
        ("Paper 1: Measuring Progress on Scalable Oversight.",
         "Measuring Progress on Scalable Oversight.", "Monday, 16 October"),
        ("Paper 2: AI Safety via Debate", "AI Safety via Debate", "Monday, 16 October"),
        ("Questions about the handout", "", "Monday, 16 October"),
    ]  # fmt: skip
    assert [s.questions for s in week.sections] == [
        [("1", "Is the sandwiching setup realistic?"), ("2", "What would a failure look like?")],
        [("3", "Does honesty win debates?")],
        [("1", "Is weak-to-strong a good analogy?")],
    ]
    # The bold parenthetical under "Questions for Monday" covers all of Monday's sections.
    assert {s.deadline for s in week.sections} == {at(15, 10, 21)}
    assert week.deadline == at(15, 10, 21)
    assert week.warnings == ["line 14: reading 'Weak-to-Strong Generalization' has no link"]


def page(body: str) -> ParsedWeek:
    text = f'+++\ntitle = "Week 1: Inline"\ndate = "2023-09-03"\n+++\n\n{body}'
    return parse_week_file(text, tz="America/New_York", source="inline.md")


def test_required_answers_from_the_rule_and_from_a_section_intro():
    week = page(
        "# Readings\n\n1. [A paper](https://e.org/a)\n\n# Discussion Questions\n\n"
        "Before 5pm on Sunday, September 3, answer at least two questions in each section.\n\n"
        "## Questions about A paper\n\n1. One?\n2. Two?\n3. Three?\n\n"
        "## Questions about the field\n\nHere answer at least 1 question.\n\n4. Four?\n5. Five?\n"
    )
    assert [s.required_answers for s in week.sections] == [2, 1]
    assert parse("week2-alignment.md").sections[0].required_answers == 1


def test_deadline_only_in_the_week_intro_is_used_and_reported():
    week = page(
        "Post your answers by 5pm on Sunday, September 3.\n\n"
        "# Readings\n\n1. [A paper](https://e.org/a)\n\n# Questions\n\n1. One?\n"
    )
    assert week.deadline == at(3, 9, 17)
    assert week.warnings == [
        "deadline taken from the intro: 'Post your answers by 5pm on Sunday, September 3.'"
    ]


def test_question_headings_at_every_level():
    for level in range(1, 7):
        week = page(
            f"# Readings\n\n1. [A paper](https://e.org/a)\n\n{'#' * level} Questions:\n\n1. One?\n"
        )
        assert [s.questions for s in week.sections] == [[("1", "One?")]], level


def test_optional_groups_as_plain_colon_lines():
    week = parse("optional-colon-groups.md")
    assert titles(week) == ["Core Reading"]
    assert [(r.group, r.title) for r in week.readings if r.kind == "optional"] == [
        ("Background", "Colon Background Paper"),
        ("Going further", "Colon Further Paper"),
    ]
    assert week.warnings == []


def test_underlined_headings_and_a_rule_right_under_a_paragraph():
    week = parse("setext.md")
    assert week.class_date == dt.date(2023, 9, 3)
    assert titles(week) == ["Underlined Paper"]
    assert week.discussion_intro.endswith("Read the paper first,\nthen answer.")
    assert [(s.title, s.reading_title, len(s.questions)) for s in week.sections] == [
        ("Questions about Underlined Paper", "Underlined Paper", 2)
    ]
    assert week.deadline == at(3, 9, 17)


def test_bold_reading_paragraphs_are_readings_not_group_headings():
    week = page(
        "# Readings\n\n**[Bold Paper One](https://e.org/1)**\n\n**[Bold Paper Two](https://e.org/2)**"
        "\n\n# Questions\n\n1. One?\n"
    )
    assert [(r.title, r.url, r.group) for r in week.readings] == [
        ("Bold Paper One", "https://e.org/1", ""),
        ("Bold Paper Two", "https://e.org/2", ""),
    ]


def test_front_matter_deadlines_override_the_page_and_may_omit_the_offset():
    text = (
        '+++\ntitle = "Week 1"\ndate = "2023-09-03"\ndeadline = 2023-09-04T09:00:00\n'
        '[[sections]]\ndeadline = "2023-09-02 18:30"\nday = "Saturday"\nrequired_answers = 2\n'
        "+++\n\n# Readings\n\n1. [A](https://e.org/a)\n\n# Discussion Questions\n\n"
        "Before 5pm on Sunday, September 3, answer.\n\n1. One?\n"
    )
    week = parse_week_file(text, tz="America/New_York")
    assert week.deadline == at(4, 9, 9)
    section = week.sections[0]
    assert (section.deadline, section.day_label, section.required_answers) == (
        at(2, 9, 18, 30), "Saturday", 2,
    )  # fmt: skip


def test_front_matter_sections_that_do_not_match_the_page_are_ignored_with_a_warning():
    text = (
        '+++\ntitle = "W"\ndate = "2023-09-03"\n[[sections]]\nday = "Monday"\n[[sections]]\n+++\n'
    )
    week = parse_week_file(text + "\n# Questions\n\n1. One?\n", tz="UTC")
    assert week.sections[0].day_label == ""
    assert "front matter describes 2 sections but the page has 1" in week.warnings[0]


def test_front_matter_bad_deadline_is_a_week_file_error():
    from core.importer import WeekFileError

    with pytest.raises(WeekFileError, match="deadline must be a date and time"):
        parse_week_file('+++\ntitle = "W"\ndeadline = "soon"\n+++\n', tz="UTC", source="w.md")


def test_bare_required_and_optional_labels_under_per_day_reading_headings():
    week = parse("bare-kind-labels.md")
    assert [(r.kind, r.group, r.title) for r in week.readings] == [
        ("required", "Monday", "Monday Required Paper"),
        ("optional", "Monday", "Monday Optional Paper"),
        ("required", "Wednesday", "Wednesday Required Paper"),
    ]
    assert [(s.day_label, s.questions) for s in week.sections] == [
        ("Monday", [("1", "About the Monday paper?")]),
        ("Wednesday", [("2", "About the Wednesday paper?")]),
    ]
    assert week.warnings == []
