"""Markdown renders in time linear in its length, and the same HTML as the stock parser.

The reported texts (20 KB of `- [ ] x` lines, 10 K of `![`, 20 K of `[`) took seconds;
`[^` after a footnote definition took 29 s. core/lib/markdown.py's docstring names the
causes. Each text of the corpus below, at the longest length a comment allows, is timed
against ordinary prose of the same length (the demo seminar's answers) in the same run,
and at a quarter of its length: four times the text takes 4× the time if linear, 16× if
quadratic.
"""

from __future__ import annotations

import random
import time

import pytest
from django.conf import settings
from mdit_py_plugins.tasklists import tasklists_plugin

from core.lib.markdown import _cap_math, _md, _stock_markdown_it, render_markdown
from demo.posts import CLOSED_WEEK, OPEN_WEEK

N = settings.MARKDOWN_MAX_LENGTH
# markdown-it-py spends ~5-10 µs on each token, ordinary prose ~0.3 µs a character: text
# that is all tokens (5,000 one-letter list items) is ~30× prose, and linear; up to ~60×
# when the machine is busy, and CI runs this beside browser tests on 2 cores, where the
# 5 ms prose baseline is the noisy side of the ratio: the bound is generous. What guards
# against regressions is the growth check below (quadratic text fails it at any load).
# Before the fixes: `[^` after a footnote ~2700×, task list lines ~110× (see the commits).
MAX_TIMES_PROSE = 150
MAX_GROWTH_FOR_FOUR_TIMES_THE_LENGTH = 8  # linear: 4; quadratic: 16


def fill(unit: str, n: int = N) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def numbered_lines(make_line, n: int = N) -> str:
    out, length, i = [], 0, 0
    while length < n:
        out.append(make_line(i))
        length += len(out[-1])
        i += 1
    return "".join(out)[:n]


def prose(n: int = N) -> str:
    return fill("\n\n".join(post.body for post in OPEN_WEEK), n)


FOOTNOTE = "[^a]: a footnote\n\n"
# name → a function of the length, so each text can be made at a quarter of it too.
CORPUS = {
    "task list lines": lambda n: fill("- [ ] x\n", n),
    "task list lines checked": lambda n: fill("- [x] done\n", n),
    "open brackets": lambda n: fill("[", n),
    "open brackets closed at the end": lambda n: fill("[", n - 1) + "]",
    "image openers": lambda n: fill("![", n),
    "image openers closed at the end": lambda n: fill("![", n - 1) + "]",
    "inline footnote openers": lambda n: fill("^[", n),
    "footnote refs after a definition": lambda n: FOOTNOTE + fill("[^", n - len(FOOTNOTE)),
    "footnote refs closed at the end": lambda n: FOOTNOTE + fill("[^", n - len(FOOTNOTE) - 1) + "]",
    "brackets and emphasis": lambda n: fill("[*", n),
    "emphasis and brackets": lambda n: fill("*[", n),
    "bracket per line": lambda n: fill("[\n", n),
    "brackets and angles": lambda n: fill("[<", n),
    "bracket paren": lambda n: fill("[](", n),
    "unfinished links": lambda n: fill("[a](b", n),
    "link destinations in parens": lambda n: fill("[a](((", n),
    "reference links": lambda n: "[a]: /x\n\n" + fill("[a]", n - 9),
    "nested quotes on one line": lambda n: fill("> ", n),
    "nested quotes by line": lambda n: numbered_lines(lambda i: "> " * (i % 200) + "x\n", n),
    "nested lists on one line": lambda n: fill("- ", n),
    "nested lists by indentation": lambda n: numbered_lines(
        lambda i: "  " * (i % 400) + "- x\n", n
    ),
    "quoted lists": lambda n: fill("> - ", n),
    "one-letter list items": lambda n: fill("- a\n", n),
    "numbered items": lambda n: fill("1. a\n", n),
    "emphasis runs": lambda n: fill("*a**a", n),
    "underscore runs": lambda n: fill("_a__a", n),
    "nested emphasis": lambda n: fill("*_", n),
    "strikethrough runs": lambda n: fill("~~a", n),
    "backtick runs": lambda n: fill("``a`", n),
    "growing backtick runs": lambda n: numbered_lines(lambda i: "`" * (i % 300 + 1) + "a", n),
    "dollars": lambda n: fill("$a", n),
    "math spans": lambda n: fill("$x$ ", n),
    "one long line": lambda n: fill("abc def ", n),
    "one long word": lambda n: fill("a", n),
    "html comments": lambda n: fill("<!-- a ", n),
    "closed html comments": lambda n: fill("<!-- a -->", n),
    "html-looking text": lambda n: fill("<a ", n),
    "autolink starts": lambda n: fill("<http://a", n),
    "entities": lambda n: fill("&#", n),
    "wide table": lambda n: (
        "|" + "a|" * (n // 7) + "\n|" + "-|" * (n // 7) + "\n" + fill("|x", n)
    )[:n],
    "long table": lambda n: ("|a|b|\n|-|-|\n" + fill("|x|y|\n", n))[:n],
    "fences": lambda n: fill("```\n", n),
    "everything mixed": lambda n: fill("[![*`$_a>-|^~<&", n),
}


def cpu_seconds(text: str, runs: int = 3) -> float:
    """The best of a few runs' CPU time: other work on a busy machine only ever adds."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        render_markdown(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("name", CORPUS)
def test_pathological_text_renders_in_linear_time_close_to_prose(name):
    text, quarter = CORPUS[name](N), CORPUS[name](N // 4)
    assert len(text) == N

    whole, part = cpu_seconds(text), cpu_seconds(quarter, runs=5)
    ordinary = cpu_seconds(prose(), runs=7)

    assert whole < MAX_TIMES_PROSE * ordinary, f"{whole:.3f}s vs prose {ordinary:.4f}s"
    if whole > 0.02:  # below this, timer noise swamps the ratio
        assert whole < MAX_GROWTH_FOR_FOUR_TIMES_THE_LENGTH * part, f"{part:.3f}s → {whole:.3f}s"


def stock_html(text: str) -> str:
    """The stock parser with the plugin's task lists, and the same cap on math spans."""
    md = _stock_markdown_it().use(tasklists_plugin)
    md.core.ruler.push("cap-math", _cap_math)
    return md.render(text)


PIECES = [
    *"[]()!^*_`~$<>&#:\\-|. \nax1",
    "- [ ] ", "[x] ", "](", "[^1]", "[^1]: n\n", "[^a b]", "http://", "<!--", "-->", "\n> ",
    "\n- ", "\n1. ", "$$\n", "```\n", "&amp;", "|-|\n", "![", "^[", "    ", "[a]: /u\n", "[a]",
    "[a][]", "[a][a]", "\n\n", "<http://x>", "\\[", "\\]",
]  # fmt: skip


def test_linear_renderer_gives_the_stock_parsers_html():
    demo = [post.body for post in (*OPEN_WEEK, *CLOSED_WEEK)]
    corpus = [make(600) for make in CORPUS.values()]
    rng = random.Random(20261207)
    fuzz = ["".join(rng.choices(PIECES, k=rng.randint(1, 60))) for _ in range(3000)]

    different = [text for text in (*demo, *corpus, *fuzz) if _md.render(text) != stock_html(text)]

    assert different == []
