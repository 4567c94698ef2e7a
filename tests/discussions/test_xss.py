"""No user input puts a script, an event handler, a javascript: URL or an iframe into a page.

Payloads go through the real paths (posting, editing, replying) and the week page, the
htmx fragments and the history page are parsed: the only scripts are our own static files.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from discussions.models import Comment
from tests.discussions.helpers import (
    HTMX,
    answer_url,
    client_for,
    comment_url,
    first_question,
    general_url,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src='https://evil.example/'></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<svg onload=alert(1)>",
    "$<script>alert(1)</script>$",
    "$$\n</div><script>alert(1)</script>\n$$",
    "[^1]\n\n[^1]: <iframe src=x></iframe>",
    "`</code><script>alert(1)</script>`",
    '<div hx-get="/admin/" hx-trigger="load">htmx</div>',
]


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"inline script {attrs}")
        if tag in {"iframe", "object", "embed", "svg", "frame"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value}")
            if (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.problems.append(f"{name}={value}")


def audit(page: str) -> list[str]:
    parser = Audit()
    parser.feed(page)
    return parser.problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_never_reach_the_week_page(week, student, other_student, staff, payload):
    question = first_question(week)
    client = client_for(student)
    assert client.post(answer_url(week, question), {"body": payload}).status_code == 302
    assert client.post(general_url(week), {"body": payload}).status_code == 302
    answer = Comment.objects.filter(question=question).first()
    reply = client.post(comment_url(answer, "reply"), {"body": payload}, **HTMX)
    assert audit(reply.content.decode()) == []
    edited = client.post(comment_url(answer, "edit"), {"body": payload + " again"}, **HTMX)
    assert audit(edited.content.decode()) == []
    for viewer in (student, other_student, staff):
        page = client_for(viewer).get(week.get_absolute_url()).content.decode()
        assert audit(page) == [], viewer
        assert "<div hx-get" not in page
    history = client_for(staff).get(comment_url(answer, "history")).content.decode()
    assert audit(history) == []


def test_payloads_in_a_refused_form_come_back_as_text(week, student):
    payload = "<script>alert(1)</script>" + "x" * 20_001
    response = client_for(student).post(general_url(week), {"body": payload}, **HTMX)
    page = response.content.decode()
    assert audit(page) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_names_and_hide_reasons_are_text_on_the_week_page(
    week, student, other_student, lead, payload
):
    """What the comment markup (discussions/render.py) writes besides the body — the
    author's name, "in reply to NAME", the reason a moderator gave — is escaped too."""
    from discussions import moderation
    from tests.discussions.helpers import add_comment

    other_student.first_name = payload
    other_student.pronouns = payload[:40]
    other_student.save()
    question = first_question(week)
    answer = add_comment(week, other_student, "An answer", question=question)
    reply = add_comment(week, student, "A reply", parent=answer)
    deep = add_comment(week, other_student, "Deeper", parent=reply)
    add_comment(week, student, "Deepest", parent=deep)  # flat: "in reply to" the payload
    moderation.hide(reply, actor=lead, reason=payload)
    for viewer in (student, other_student, lead):
        page = client_for(viewer).get(week.get_absolute_url()).content.decode()
        assert audit(page) == [], viewer
