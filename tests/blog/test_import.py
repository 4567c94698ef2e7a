"""`manage.py import_post`: a Hugo post (TOML front matter, raw HTML) becomes a week's post."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from blog.importer import clean_raw_html
from blog.models import BlogPost, BlogRevision

FIXTURE = Path(__file__).parent / "fixtures" / "hugo-course-summary.md"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_post", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(week) -> tuple[BlogPost, str]:
    output = run(str(FIXTURE), "--seminar", week.seminar.slug, "--week", week.slug)
    return BlogPost.objects.get(week=week), output


def test_import_creates_a_published_post_from_the_front_matter(imported):
    post, output = imported
    assert post.title == "AI Alignment Fast-Track: what the course covered"
    assert post.status == BlogPost.Status.PUBLISHED
    assert post.published_at == dt.datetime(2023, 9, 8, 22, 0, tzinfo=dt.UTC)
    assert post.revisions.get().kind == BlogRevision.Kind.IMPORT
    assert "Created" in output
    assert "Ignored front matter keys: author, params, tags, weight." in output
    assert "raw HTML" in output


def test_import_keeps_the_markdown_lists_links_and_math(imported):
    post, _ = imported
    html = post.body_html
    assert "<h4>Key Definitions</h4>" in html
    assert html.count("<ul>") >= 20, "nested lists survive"
    assert "<li>Overview:\n<ul>" in html
    assert 'href="https://github.com/tom-bbc/AI-Safety-and-Alignment/blob/main/' in html
    assert '<span class="math inline">A</span>' in html
    assert '<span class="math inline">E = mc^2</span>' in html


def test_import_strips_raw_html_scripts_and_converts_images_and_links(imported):
    post, _ = imported
    body, html = post.body, post.body_html
    assert "alert(" not in body and "document.cookie" not in body
    assert "<iframe" not in body and "evil.example" not in body
    assert "onerror" not in body and "onclick" not in body and "steal()" not in body
    assert "![Course overview](https://example.org/figures/overview.png)" in body
    assert "[link to the notes](https://example.org/notes)" in body
    assert "<b>" not in body and "bold text" in body
    assert '<img src="https://example.org/figures/overview.png" alt="Course overview">' in html
    assert "<script" not in html.replace("&lt;script&gt;this stays", "")
    assert "&lt;script&gt;this stays: it is a code sample&lt;/script&gt;" in html


def test_importing_the_same_file_again_changes_nothing(imported, week):
    post, _ = imported
    output = run(str(FIXTURE), "--seminar", week.seminar.slug, "--week", week.slug)
    again = BlogPost.objects.get(week=week)
    assert "Unchanged" in output
    assert again.version == post.version and again.revisions.count() == 1


def test_a_draft_front_matter_imports_as_a_draft(tmp_path, week):
    path = tmp_path / "draft.md"
    path.write_text('+++\ntitle = "Half done"\ndraft = true\n+++\nSome **text**.\n')
    run(str(path), "--seminar", week.seminar.slug, "--week", week.slug)
    post = BlogPost.objects.get(week=week)
    assert (post.status, post.body_html) == ("draft", "<p>Some <strong>text</strong>.</p>\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("No front matter here", "does not start with \\+\\+\\+ TOML front matter"),
        ("+++\ntitle = \n+++\nbody", "not valid TOML"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, week, text, message):
    path = tmp_path / "bad.md"
    path.write_text(text)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--seminar", week.seminar.slug, "--week", week.slug)
    assert not BlogPost.objects.exists()


def test_an_unknown_week_or_file_is_refused(week):
    with pytest.raises(CommandError, match="No week 'nope'"):
        run(str(FIXTURE), "--seminar", week.seminar.slug, "--week", "nope")
    with pytest.raises(CommandError, match="No such file"):
        run("/nonexistent.md", "--seminar", week.seminar.slug, "--week", week.slug)


def test_clean_raw_html_leaves_code_blocks_and_autolinks_alone():
    text = "See <https://example.org>.\n\n    <b>indented code</b>\n\n`<i>span</i>`\n"
    cleaned, count = clean_raw_html(text)
    assert cleaned == text and count == 0
