"""The week page's answer forms are filled in from markup rendered once
(discussions/answer_forms.py): the page is the same as rendering each form's template."""

from __future__ import annotations

import re

import pytest

from discussions import answer_forms
from tests.discussions.helpers import HTMX, base, client_for, first_question

# What differs between two responses whatever the page shows.
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'"X-CSRFToken": "[^"]*"'),
    re.compile(r'name="submission_key" value="[0-9a-f]{32}"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r'name="at" value="\d+"'),
    re.compile(r'name="csrf-token" content="[^"]*"'),
]


def masked(html: str) -> str:
    for pattern in VOLATILE:
        html = pattern.sub("MASKED", html)
    return html


def page_both_ways(client, url: str, monkeypatch) -> tuple[str, str]:
    fast = client.get(url).content.decode()
    monkeypatch.setattr(answer_forms, "FAST", False)
    slow = client.get(url).content.decode()
    monkeypatch.setattr(answer_forms, "FAST", True)
    return fast, slow


def test_filled_in_forms_are_the_templates_markup_with_a_draft(week, student, monkeypatch):
    question = first_question(week)
    client = client_for(student)
    draft = 'Half <script>alert("x")</script> & an idea\'s end'
    client.post(f"{base(week)}draft/?question={question.pk}", {"body": draft}, **HTMX)
    client.post(f"{base(week)}draft/", {"body": "general <b>draft</b>"}, **HTMX)
    fast, slow = page_both_ways(client, week.get_absolute_url(), monkeypatch)
    assert fast.count('class="compose"') == slow.count('class="compose"') >= 2
    assert masked(fast) == masked(slow)
    assert "Half &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; an idea&#x27;s end" in fast
    assert "<script>alert" not in fast
    assert answer_forms._TOKEN not in fast


def test_every_form_carries_its_own_keys_and_the_viewers_csrf_token(week, student):
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    keys = re.findall(r'name="submission_key" value="([0-9a-f]{32})"', page)
    assert len(keys) == page.count('class="compose"') >= 2
    assert len(set(keys)) == len(keys)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1
    question = first_question(week)
    assert f'action="{base(week)}q/{question.pk}/answer/"' in page
    assert f'id="form-q{question.pk}"' in page


@pytest.mark.parametrize("who", ["staff", "lead"])
def test_moderators_pages_match_the_template_too(week, who, request, monkeypatch):
    user = request.getfixturevalue(who)
    fast, slow = page_both_ways(client_for(user), week.get_absolute_url(), monkeypatch)
    assert masked(fast) == masked(slow)
