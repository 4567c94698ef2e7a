"""Rendering cost: the longest allowed text built from parser-hostile patterns stays fast.

Comments, previews and blog posts all go through `render_markdown`, so one bound covers
them all. markdown-it-py is linear on these inputs (measured: about 0.5 s for 20,000
characters of `![` on a laptop-class CPU; Python-Markdown needs 11 s for 10,000 and
45 s for 20,000); the bound below is generous so slow CI machines do not flake.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from core.lib.markdown import render_markdown

LIMIT_SECONDS = 1.0
N = settings.MARKDOWN_MAX_LENGTH


def fill(unit: str) -> str:
    return (unit * (N // len(unit) + 1))[:N]


def lines(make_line) -> str:
    out, i = [], 0
    while sum(map(len, out)) < N:
        out.append(make_line(i))
        i += 1
    return "".join(out)[:N]


PATTERNS = {
    "open brackets": fill("["),
    "image brackets": fill("!["),
    "close brackets": fill("]"),
    "bracket paren": fill("[]("),
    "brackets and angle": fill("[<"),
    "reference links": fill("[a]"),
    "nested list on one line": fill("- "),
    "nested list by indentation": lines(lambda i: "  " * (i % 400) + "- x\n"),
    "nested quotes on one line": fill("> "),
    "nested quotes by line": lines(lambda i: "> " * (i % 200) + "x\n"),
    "one long line": fill("abc def "),
    "one long word": fill("a"),
    "emphasis runs": fill("*a**a"),
    "underscore runs": fill("_a__a"),
    "strikethrough runs": fill("~~a"),
    "dollars": fill("$"),
    "dollar letters": fill("$a"),
    "double dollars": fill("$$a"),
    "backticks": fill("`"),
    "growing backtick runs": lines(lambda i: "`" * (i % 300 + 1) + "a"),
    "fences": fill("```\n"),
    "footnote refs": fill("[^1]"),
    "footnote definitions": fill("[^a]: x\n"),
    "wide table": ("|" + "a|" * 3000 + "\n|" + "-|" * 3000 + "\n" + fill("|x"))[:N],
    "long table": ("|a|b|\n|-|-|\n" + fill("|x|y|\n"))[:N],
    "html-looking text": fill("<a "),
    "autolink starts": fill("<http://a"),
    "entity starts": fill("&#"),
    "task list items": fill("- [ ] "),
    "everything mixed": fill("[![*`$_a>-|"),
}


@pytest.mark.parametrize("text", PATTERNS.values(), ids=PATTERNS.keys())
def test_longest_allowed_pathological_text_renders_in_under_a_second(text):
    assert len(text) <= N
    # CPU time of this process, the best of up to three runs (the usual way to time code):
    # other work on a busy machine inflates even CPU time, and must not count against us.
    timings = []
    for _ in range(3):
        start = time.process_time()
        html = render_markdown(text)
        timings.append(time.process_time() - start)
        if timings[-1] < LIMIT_SECONDS:
            break
    elapsed = min(timings)
    assert elapsed < LIMIT_SECONDS, f"{elapsed:.2f}s (runs: {timings})"
    assert "<script" not in html


def test_nesting_is_capped_so_deep_lists_do_not_explode_the_html():
    html = render_markdown(fill("> "))

    assert html.count("<blockquote>") <= 100
