"""A comment full of math does not freeze its readers' browsers.

Reported: one comment of 800 `$\\sqrt{\\sqrt{x}}$` froze every reader's page for ~2 s while
KaTeX typeset it. The server now marks up at most 50 math spans per comment (the rest stay
code, core/lib/markdown.py MAX_MATH) and KaTeX runs with maxSize/maxExpand (static/js/math.js).
"""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import login

SPAN = r"$\sqrt{\sqrt{x}}$"
TYPESET_BOUND_MS = 50  # KaTeX's work (800 spans uncapped, measured here: 90-180 ms)
WITH_LAYOUT_BOUND_MS = 150  # and the page's layout after it (uncapped: 480-710 ms)

# Typesets a fresh copy of the comment's stored HTML, as a reader's page does, and times
# KaTeX's work, then that and the layout it causes (reading offsetHeight forces it).
TIME_TYPESETTING = """(html) => {
  const box = document.createElement("div");
  box.innerHTML = html;
  document.body.appendChild(box);
  const start = performance.now();
  window.seminarTypeset(box);
  const ms = performance.now() - start;
  box.offsetHeight;
  const withLayout = performance.now() - start;
  const typeset = box.querySelectorAll(".katex").length;
  box.remove();
  return {ms, withLayout, typeset};
}"""


def test_comment_with_800_math_spans_typesets_within_50_ms(page, live_server, student, week):
    comment = add_comment(week, student, " ".join([SPAN] * 800), question=first_question(week))
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.locator(".comment-body .katex").first.wait_for()

    assert page.locator(".comment-body .katex").count() == 50
    assert page.locator(".comment-body code").count() == 750
    runs = [page.evaluate(TIME_TYPESETTING, comment.body_html) for _ in range(5)]

    assert all(run["typeset"] == 50 for run in runs)
    assert min(run["ms"] for run in runs) < TYPESET_BOUND_MS, runs
    assert min(run["withLayout"] for run in runs) < WITH_LAYOUT_BOUND_MS, runs
