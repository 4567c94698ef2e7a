"""One reading line at a time: the shapes of citations seen on hand-written course pages."""

from __future__ import annotations

import pytest

from core.weekfile.readings import parse_reading


@pytest.mark.parametrize(
    ("line", "title", "url", "citation", "note"),
    [
        ("[T](https://e.org/t) A. Author. Venue (2020).", "T", "https://e.org/t",
         "A. Author. Venue (2020).", ""),
        ("Author, A. (2020). [T](https://e.org/t). Venue.", "T", "https://e.org/t",
         "Author, A. (2020). Venue.", ""),
        ("Sections 1-3: [T](https://e.org/t) - Blog post by X", "T", "https://e.org/t",
         "Blog post by X", "Sections 1-3"),
        ("*[T](https://e.org/t)*, Author", "T", "https://e.org/t", "Author", ""),
        ("[T](<https://e.org/a b>)", "T", "https://e.org/a b", "", ""),
        ("[T](https://en.wikipedia.org/wiki/Goodhart%27s_law_(economics)) wiki",
         "T", "https://en.wikipedia.org/wiki/Goodhart%27s_law_(economics)", "wiki", ""),
        ("Some title https://e.org/x.", "Some title", "https://e.org/x", "", ""),
        ("What is it? Blog post - https://e.org/b", "What is it?", "https://e.org/b",
         "Blog post", ""),
        ("<https://e.org/auto>", "https://e.org/auto", "https://e.org/auto", "", ""),
        ("Ngo et al. *The Problem*. 2022. https://e.org/p", "The Problem", "https://e.org/p",
         "Ngo et al. 2022.", ""),
        ('Smith. "A Quoted Title." Venue.', "A Quoted Title.", "", "Smith. Venue.", ""),
        ("**Handout title** Course notes.", "Handout title", "", "Course notes.", ""),
        ("Just a title with no link", "Just a title with no link", "", "", ""),
    ],
)  # fmt: skip
def test_reading_shapes(line, title, url, citation, note):
    parts = parse_reading(line)
    assert (parts.title, parts.url, parts.citation, parts.note) == (title, url, citation, note)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Required: [T](https://e.org/t)", "required"),
        ("**Optional:** [T](https://e.org/t)", "optional"),
        ("[T](https://e.org/t) `optional`", "optional"),
        ("[T](https://e.org/t) (Optional)", "optional"),
        ("[T](https://e.org/t) [required]", "required"),
        ("[T](https://e.org/t)", None),
    ],
)
def test_inline_kind_tags(line, kind):
    parts = parse_reading(line)
    assert (parts.kind, parts.title, parts.url) == (kind, "T", "https://e.org/t")


def test_a_link_whose_text_is_optional_is_not_a_tag():
    parts = parse_reading("[Optional](https://e.org/o) extra material")
    assert (parts.kind, parts.title, parts.citation) == (None, "Optional", "extra material")


def test_abstract_from_blockquote_or_abstract_label():
    quoted = parse_reading("[T](https://e.org/t)\n> Line one\n>\n> Line two")
    assert quoted.abstract == "Line one\n\nLine two"
    labelled = parse_reading("[T](https://e.org/t) Author.\nABSTRACT: We study things.\nMore.")
    assert (labelled.citation, labelled.abstract) == ("Author.", "We study things.\nMore.")


def test_overlong_title_and_note_keep_their_text_in_the_citation():
    parts = parse_reading(f"{'n' * 301}: [{'word ' * 120}](https://e.org/t) cite")
    assert len(parts.title) <= 500 and parts.title.endswith("…")
    assert parts.note == ""
    assert parts.citation.startswith("…word") and parts.citation.endswith("cite")
    assert "n" * 301 in parts.citation


@pytest.mark.parametrize(
    "line",
    ["[x](" + "a(" * 5000, "[" * 5000 + "](u)", "**" + "a" * 20000, "x " * 20000 + ":",
     "[" + "[a]" * 5000 + "](" + ")" * 5000, "https://" + "(" * 10000, "*a " * 10000],
)  # fmt: skip
def test_hostile_lines_parse_quickly(line):
    import time

    start = time.perf_counter()
    parse_reading(line)
    assert time.perf_counter() - start < 2
