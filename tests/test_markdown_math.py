"""Math per rendered text is capped: KaTeX typesets the first MAX_MATH spans in the browser,
the rest stay visible as code (800 `$\\sqrt{\\sqrt{x}}$` froze every reader's page ~2 s)."""

from __future__ import annotations

from core.lib.markdown import MAX_MATH, render_markdown

SPAN = r"$\sqrt{\sqrt{x}}$"


def test_first_50_math_spans_are_typeset_and_the_rest_stay_code():
    html = render_markdown(" ".join([SPAN] * 800))

    assert MAX_MATH == 50
    assert html.count('<span class="math inline">') == 50
    assert html.count(r"<code>$\sqrt{\sqrt{x}}$</code>") == 750


def test_math_blocks_count_too_and_beyond_the_cap_become_code_blocks():
    text = " ".join([SPAN] * 50) + "\n\n$$\na < b\n$$\n"

    html = render_markdown(text)

    assert '<div class="math block">' not in html
    assert "<pre><code>$$\na &lt; b\n$$\n</code></pre>" in html


def test_math_within_the_cap_is_unchanged():
    html = render_markdown("Let $x^2$ be\n\n$$\ny = 1\n$$\n")

    assert html == (
        '<p>Let <span class="math inline">x^2</span> be</p>\n'
        '<div class="math block">\ny = 1\n</div>\n'
    )


def test_math_in_footnotes_counts_toward_the_cap():
    text = " ".join([SPAN] * 50) + " see[^n]\n\n[^n]: $q$\n"

    html = render_markdown(text)

    assert html.count('class="math inline"') == 50
    assert "<code>$q$</code>" in html
