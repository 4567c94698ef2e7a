"""Posting is rate-limited per user: answers, replies and general comments and edits share
POST_RATE, flags have FLAG_RATE (previews and uploads have theirs, tests/test_ratelimit.py
and the editor tests). Over the limit the post is refused with a clear message and the
typed text kept: without JavaScript the form's page again, with htmx the form in place,
both with status 429 (static/js/discussion.js lets htmx swap it in).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from discussions.models import Comment, Flag
from tests.discussions.helpers import (
    HTMX,
    add_comment,
    answer_url,
    client_for,
    comment_url,
    general_url,
)

pytestmark = pytest.mark.django_db

TOO_FAST = "You are posting faster than the limit of 2 per minute"
FLAGS_TOO_FAST = "You are posting faster than the limit of 1 per minute"
TYPED = "My carefully typed answer, which must not be lost."


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.POST_RATE = "2/m"
    settings.FLAG_RATE = "1/m"


def questions(week):
    return [q for s in week.sections.order_by("position") for q in s.questions.order_by("position")]


def test_a_third_answer_in_a_minute_is_refused_with_the_text_kept(week, student):
    client = client_for(student)
    q1, q2, q3, _ = questions(week)
    assert client.post(answer_url(week, q1), {"body": "First answer."}).status_code == 302
    assert client.post(answer_url(week, q2), {"body": "Second answer."}).status_code == 302

    response = client.post(answer_url(week, q3), {"body": TYPED})

    assert response.status_code == 429
    page = response.content.decode()
    assert TOO_FAST in page and TYPED in page and 'role="alert"' in page
    assert response["Retry-After"] == "60"
    assert Comment.objects.count() == 2


def test_over_the_limit_with_htmx_the_form_comes_back_in_place_with_429(week, student):
    client = client_for(student)
    q1, q2, q3, _ = questions(week)
    client.post(answer_url(week, q1), {"body": "First answer."}, **HTMX)
    client.post(answer_url(week, q2), {"body": "Second answer."}, **HTMX)

    response = client.post(answer_url(week, q3), {"body": TYPED}, **HTMX)

    assert response.status_code == 429
    fragment = response.content.decode()
    assert fragment.startswith("<form") and TOO_FAST in fragment and TYPED in fragment
    assert Comment.objects.count() == 2


def test_answers_replies_and_general_comments_share_the_limit(week, student, other_student):
    client = client_for(student)
    parent = add_comment(week, other_student, "An answer", question=questions(week)[0])
    assert client.post(general_url(week), {"body": "About the readings."}).status_code == 302
    assert client.post(comment_url(parent, "reply"), {"body": "A reply."}).status_code == 302

    response = client.post(comment_url(parent, "reply"), {"body": TYPED})

    assert response.status_code == 429 and TYPED in response.content.decode()
    assert Comment.objects.filter(author=student).count() == 2


def test_edits_count_against_the_posting_limit(week, student):
    client = client_for(student)
    comment = add_comment(week, student, "Original", question=questions(week)[0])
    for text in ("Edit one.", "Edit two."):
        assert client.post(comment_url(comment, "edit"), {"body": text}).status_code == 302

    response = client.post(comment_url(comment, "edit"), {"body": TYPED}, **HTMX)

    assert response.status_code == 429
    assert TOO_FAST in response.content.decode() and TYPED in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Edit two."


def test_the_limit_is_per_user(week, student, other_student):
    client = client_for(student)
    q1, q2, q3, _ = questions(week)
    client.post(answer_url(week, q1), {"body": "First answer."})
    client.post(answer_url(week, q2), {"body": "Second answer."})
    assert client.post(answer_url(week, q3), {"body": TYPED}).status_code == 429

    other = client_for(other_student).post(answer_url(week, q3), {"body": "Olive's answer."})

    assert other.status_code == 302


def test_opening_a_form_is_not_counted(week, student):
    client = client_for(student)
    q1 = questions(week)[0]
    for _ in range(5):
        assert client.get(answer_url(week, q1)).status_code == 200
    assert client.post(answer_url(week, q1), {"body": "An answer."}).status_code == 302


def test_a_second_flag_in_a_minute_is_refused_with_the_reason_kept(week, student, other_student):
    client = client_for(other_student)
    first, second = (add_comment(week, student, f"Answer {n}") for n in (1, 2))
    assert client.post(comment_url(first, "flag"), {"reason": "Off topic"}).status_code == 302

    page = client.post(comment_url(second, "flag"), {"reason": "Copied, I think"})
    fragment = client.post(comment_url(second, "flag"), {"reason": "Copied, I think"}, **HTMX)

    assert page.status_code == 429 and fragment.status_code == 429
    for response in (page, fragment):
        assert FLAGS_TOO_FAST in response.content.decode()
        assert "Copied, I think" in response.content.decode()
    assert fragment.content.decode().startswith('<form class="compose flag-form"')
    assert Flag.objects.count() == 1


def test_htmx_swaps_a_refused_post_into_the_page():
    """htmx leaves 4xx answers unswapped by default: discussion.js swaps the 429 form."""
    script = (Path(__file__).parents[2] / "static" / "js" / "discussion.js").read_text()
    assert "htmx:beforeSwap" in script and "429" in script and "form.compose" in script
