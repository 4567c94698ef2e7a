"""Threads as the week page shows them: per-question and general threads, nesting to a
readable depth, badges, local times, permalinks, order (pinned first, then oldest)."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.utils import timezone

from discussions.models import Comment
from tests.discussions.helpers import add_comment, client_for, first_question


def page_of(user, week) -> str:
    return client_for(user).get(week.get_absolute_url()).content.decode()


def order_of(page: str, *comments: Comment) -> list[int]:
    return sorted(comments, key=lambda c: page.index(f'id="c{c.pk}"'))


def test_each_question_has_its_thread_and_the_week_a_general_one(week, student, other_student):
    q1, q2 = week.sections.order_by("position")[0].questions.order_by("position")
    a1 = add_comment(week, other_student, "answer to q1", question=q1)
    a2 = add_comment(week, other_student, "answer to q2", question=q2)
    general = add_comment(week, other_student, "about the readings")
    page = page_of(student, week)
    thread1 = page[page.index(f'id="thread-q{q1.pk}"') : page.index(f'id="thread-q{q2.pk}"')]
    assert f'id="c{a1.pk}"' in thread1 and f'id="c{a2.pk}"' not in thread1
    general_thread = page[page.index('id="thread-general"') :]
    assert f'id="c{general.pk}"' in general_thread
    assert page.count('class="compose"') == 5  # four questions and the general thread


def test_replies_nest_three_deep_then_show_flat_with_in_reply_to(week, student, other_student):
    chain = [add_comment(week, other_student, "level 0", question=first_question(week))]
    for level in range(1, 6):
        author = student if level % 2 else other_student
        chain.append(add_comment(week, author, f"level {level}", parent=chain[-1]))
    page = page_of(student, week)
    for comment in chain[:3]:
        assert f'id="replies-c{comment.pk}"' in page
    assert f'id="replies-c{chain[3].pk}"' not in page
    deepest_list = page[page.index(f'id="replies-c{chain[2].pk}"') :]
    for comment in chain[3:]:
        assert f'id="c{comment.pk}"' in deepest_list
    assert 'class="comment depth-3"' in page and "depth-4" not in page
    assert page.count('class="in-reply-to"') == 2  # levels 4 and 5
    assert "in reply to Sam Student" in page  # level 4 answers level 3 (Sam)


def test_pinned_first_then_oldest_first(week, student, other_student):
    question = first_question(week)
    first = add_comment(week, other_student, "first", question=question)
    second = add_comment(week, student, "second", question=question)
    pinned = add_comment(week, other_student, "pinned", question=question, is_pinned=True)
    assert order_of(page_of(student, week), first, second, pinned) == [pinned, first, second]


def test_badges_for_team_staff_late_endorsed(week, student, lead, blogger, staff):
    question = first_question(week)
    add_comment(week, lead, "by lead", question=question)
    add_comment(week, blogger, "by blogger", question=question)
    add_comment(week, staff, "by staff", question=question)
    add_comment(
        week,
        student,
        "late one",
        question=question,
        is_late=True,
        is_endorsed=True,
        endorsed_at=timezone.now(),
    )
    page = page_of(student, week)
    for badge in ("lead", "blogger", "staff", "late", "endorsed"):
        assert f'<span class="badge badge-{badge}">{badge}</span>' in page, badge


def test_times_show_in_the_seminars_time_zone_with_a_permalink(week, student):
    moment = dt.datetime(2026, 9, 10, 21, 29, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        comment = add_comment(week, student, "timed", question=first_question(week))
    page = page_of(student, week)
    assert f'<a class="permalink" href="#c{comment.pk}"' in page
    assert '<time datetime="2026-09-10T17:29:00-04:00">Thu 10 Sep, 5:29 pm EDT</time>' in page


def test_an_authors_pronouns_show_beside_their_name(week, student, other_student):
    other_student.pronouns = "they/them"
    other_student.save()
    add_comment(week, other_student, "with pronouns", question=first_question(week))
    add_comment(week, student, "without", question=first_question(week))
    page = page_of(student, week)
    name = other_student.name
    assert f'{name}</span> <span class="pronouns">(they/them)</span>' in page
    assert page.count('class="pronouns"') == 1


def test_hidden_comments_show_the_reason_to_the_author_only(week, student, other_student, lead):
    comment = add_comment(
        week,
        student,
        "rude words",
        question=first_question(week),
        is_hidden=True,
        hidden_reason="Please keep it civil",
        hidden_at=timezone.now(),
    )
    author_view = page_of(student, week)
    assert "Please keep it civil" in author_view
    others_view = page_of(other_student, week)
    assert "Hidden by a moderator." in others_view
    assert "rude words" not in others_view and "keep it civil" not in others_view
    lead_view = page_of(lead, week)
    assert "rude words" in lead_view and "hidden: Please keep it civil" in lead_view
    assert re.search(rf'id="c{comment.pk}"', others_view)


def test_the_selector_stores_html_and_never_renders_on_view(week, student, monkeypatch):
    add_comment(week, student, "**stored**", question=first_question(week))

    def boom(*args, **kwargs):
        raise AssertionError("the page must not render markdown")

    monkeypatch.setattr("core.lib.models.render_markdown", boom)
    assert "<strong>stored</strong>" in page_of(student, week)


def test_a_locked_thread_offers_no_reply_links(week, student, other_student):
    from discussions.models import ThreadLock

    question = first_question(week)
    answer = add_comment(week, other_student, "locked in", question=question)
    ThreadLock.objects.create(week=week, question=question)
    page = page_of(student, week)
    assert f"c/{answer.pk}/reply/" not in page
    assert "This thread is locked" in page
