"""The nudge (through the reminder outbox), the substantive hints, and the demo's student1."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from core.access import week_for_user
from core.models import Question, Reading
from discussions.services import post_comment
from notifications.models import OutboxEmail
from participation import hints
from participation.models import SeminarRule, State
from participation.status import week_statuses
from tests.discussions.helpers import add_comment, client_for, first_question

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Nudge now --------------------------------------------------------------------------------


def test_nudge_emails_each_student_who_owes_once(
    week, student, other_student, lead, staff, django_capture_on_commit_callbacks
):
    q1 = first_question(week)
    q2 = Question.objects.get(section__week=week, section__position=1, position=0)
    add_comment(week, other_student, "a", question=q1)
    add_comment(week, other_student, "b", question=q2)
    client = client_for(staff)
    url = reverse("participation:nudge", args=[week.seminar.slug, week.slug])
    matrix = reverse("participation:matrix", args=[week.seminar.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": matrix}, follow=True)
    assert "Reminder emailed to 1 student who still owes a post" in response.content.decode()
    rows = OutboxEmail.objects.filter(kind=OutboxEmail.Kind.REMINDER)
    assert [row.recipient_id for row in rows] == [student.pk]
    assert [m.to for m in mail.outbox] == [[student.email]]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"next": matrix}, follow=True).content.decode()
    assert "Nobody new to nudge" in again
    assert len(mail.outbox) == 1
    assert "nudged 1" in client.get(matrix).content.decode()


def test_nudge_refuses_offsite_next(week, student, staff):
    response = client_for(staff).post(
        reverse("participation:nudge", args=[week.seminar.slug, week.slug]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("participation:matrix", args=[week.seminar.slug])


# --- Hints ---------------------------------------------------------------------------------------


def test_word_count_hint_uses_the_seminars_threshold(week):
    rule = SeminarRule(seminar=week.seminar, hint_min_words=5)
    short = hints.hints_for("Too short.", rule=rule, readings=[])
    long = hints.hints_for("one two three four five six", rule=rule, readings=[])
    assert (short[0].ok, long[0].ok) == (False, True)
    assert short[0].label == "2 words (at least 5)"


def test_cites_a_reading_by_link_or_title(week):
    reading = Reading(
        week=week,
        title="Universal and Transferable Adversarial Attacks: on LLMs",
        url="https://arxiv.org/abs/2307.15043",
    )
    assert hints.cites_reading("See https://arxiv.org/abs/2307.15043 section 3", [reading])
    assert hints.cites_reading("As universal and transferable adversarial attacks show", [reading])
    assert not hints.cites_reading("I liked the lecture", [reading])


def test_quotes_the_parent_by_blockquote_or_a_run_of_words():
    parent = "Reward hacking appears whenever the proxy diverges from the goal we care about."
    assert hints.quotes("> the proxy diverges from the goal\n\nBut…", parent)
    assert hints.quotes("You say the proxy diverges from the goal we care about, yet", parent)
    assert not hints.quotes("I disagree entirely.", parent)
    assert not hints.quotes("> the proxy", parent)  # too short to be a quote


def test_hints_can_be_switched_off(week):
    rule = SeminarRule(
        seminar=week.seminar, hint_min_words=0, hint_cites_reading=False, hint_quotes_parent=False
    )
    assert hints.hints_for("text", rule=rule, readings=[], parent_body="text") == []


# --- The demo ------------------------------------------------------------------------------------


def test_demo_student1_goes_not_yet_then_one_of_two_then_met():
    """student1 owes the open week; each answer moves the status on, the last makes it
    met. (The demo discussion already has student1's answer in section 2, so the page
    first reads "1 of 2"; without it the walk starts at "0 of 2".)"""
    from demo.weeks import build_demo

    summary = build_demo()
    week = summary.open_week
    student1 = next(s for s in summary.students if s.email == "student1@example.edu")

    def status():
        return week_statuses(week)[student1.pk]

    first = status()
    assert first.state == State.NOT_YET
    owed = first.owed_sections
    assert owed, "student1 must owe something in the demo's open week"
    access = week_for_user(student1, summary.seminar.slug, week.slug)
    seen = [first.summary]
    for section in owed:
        post_comment(access, section.questions.first(), None, f"My answer on {section.title}")
        seen.append(status().summary)
    assert status().state == State.MET
    assert any(
        text.startswith("1 of 2 sections answered — answer one question in section")
        for text in seen
    )
    assert seen[-1] == "Done: 2 of 2 sections answered."
    # The lead, the blogger and staff are exempt in the demo's open week.
    statuses = week_statuses(week)
    assert statuses[summary.lead.pk].state == State.EXEMPT
    assert statuses[summary.blogger.pk].state == State.EXEMPT
    assert statuses[summary.staff.pk].state == State.EXEMPT


def test_demo_staff_see_the_matrix_and_the_lead_their_weeks_list():
    from demo.weeks import build_demo

    summary = build_demo()
    week = summary.open_week
    matrix = logged_in(summary.staff).get(
        reverse("participation:matrix", args=[summary.seminar.slug])
    )
    page = matrix.content.decode()
    assert matrix.status_code == 200
    assert all(escape(student.name) in page for student in summary.students)
    assert "Met*" in page  # the demo's override in the closed week
    lead_page = logged_in(summary.lead).get(
        reverse("participation:week", args=[summary.seminar.slug, week.slug])
    )
    assert lead_page.status_code == 200
