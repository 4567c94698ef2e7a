"""Announcements of published weeks, and the lead and blogging teams' duty reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from blog.models import BlogPost
from core.models import Week, WeekDuty
from core.services import publish_due_weeks, publish_week, unpublish_week
from notifications.announcements import duties_send_due
from notifications.models import NotificationSettings, OutboxEmail
from notifications.outbox import sweep
from tests.conftest import enroll, make_user, make_week

pytestmark = pytest.mark.django_db

Kind = OutboxEmail.Kind


def announced() -> list[str]:
    rows = OutboxEmail.objects.filter(kind=Kind.ANNOUNCEMENT)
    return sorted(rows.values_list("to_email", flat=True))


def test_publishing_a_week_announces_it_once_to_each_member_who_wants_it(
    seminar, staff, student, auditor, django_capture_on_commit_callbacks
):
    enroll(make_user("quiet@example.edu", email_announcements=False), seminar)
    make_user("outsider@example.edu")
    week = make_week(seminar, status=Week.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_week(week=week)
    assert announced() == [auditor.email, staff.email, student.email]
    assert len(mail.outbox) == 3
    message = next(m for m in mail.outbox if m.to == [student.email])
    assert message.subject == "[LLM Risks] New week: Week 1"
    assert "https://seminar.example.edu/s/llm-risks/w/week1/" in message.body
    assert "A paper" in message.alternatives[0].content
    # Unpublished and published again: nobody is announced the same week twice.
    unpublish_week(week=week)
    publish_week(week=week)
    assert len(announced()) == 3


def test_a_scheduled_week_is_announced_when_the_periodic_job_publishes_it(seminar, student):
    publish_at = dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC)
    make_week(seminar, status=Week.Status.SCHEDULED, publish_at=publish_at)
    with time_machine.travel(publish_at - dt.timedelta(minutes=1), tick=False):
        assert publish_due_weeks() == 0
    assert announced() == []
    with time_machine.travel(publish_at + dt.timedelta(minutes=1), tick=False):
        assert publish_due_weeks() == 1
        assert publish_due_weeks() == 0
    assert announced() == [student.email]


def test_a_failed_publication_announces_nothing(seminar, student):
    week = make_week(seminar, status=Week.Status.PUBLISHED)
    assert publish_week(week=week) is False
    assert announced() == []


@pytest.fixture
def class_week(seminar, student):
    week = make_week(seminar, class_date=dt.date(2026, 10, 15))
    leader = enroll(make_user("leader@example.edu"), seminar)
    writer = enroll(make_user("writer@example.edu"), seminar)
    WeekDuty.objects.create(week=week, user=leader, team=WeekDuty.Team.LEAD)
    WeekDuty.objects.create(week=week, user=writer, team=WeekDuty.Team.BLOG)
    return week


def at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(
        tzinfo=dt.timezone(dt.timedelta(hours=-4))  # New York in October (EDT)
    )


def test_the_lead_team_is_reminded_two_days_before_class_once(class_week):
    with time_machine.travel(at("2026-10-13", 8), tick=False):
        assert duties_send_due() == 0
    with time_machine.travel(at("2026-10-13", 9), tick=False):
        assert duties_send_due() == 1
        assert duties_send_due() == 0
    with time_machine.travel(at("2026-10-14", 12), tick=False):
        assert duties_send_due() == 0
    row = OutboxEmail.objects.get(kind=Kind.DUTY)
    assert row.to_email == "leader@example.edu"
    assert row.subject == "[LLM Risks] You lead Week 1 on Thursday, October 15"


def test_the_lead_duty_email_carries_the_briefs_figures_top_items_and_link(
    class_week, student, other_student
):
    """The short brief: figures, the first answers waiting for a reply and the unanswered
    questions, the open flags, and a link to the whole brief; no names of who has not
    posted (an email travels further than the page)."""
    from discussions import moderation
    from tests.discussions.helpers import add_comment, first_question

    answer = add_comment(class_week, student, "An answer", question=first_question(class_week))
    moderation.flag(answer, user=other_student, reason="Copied from the paper")
    with time_machine.travel(at("2026-10-13", 9), tick=False):
        assert duties_send_due() == 1
    row = OutboxEmail.objects.get(kind=Kind.DUTY)
    brief_url = f"{class_week.get_absolute_url()}brief/"
    for body in (row.text, row.html):
        assert "1 answer, 0 replies" in body
        assert "1 open flag" in body
        assert "Question 1: answer by Sam Student" in body
        assert "Question 2" in body  # unanswered
        assert brief_url in body
        assert other_student.name not in body


def test_the_lead_duty_email_of_a_draft_week_has_no_brief(class_week):
    Week.objects.filter(pk=class_week.pk).update(status=Week.Status.DRAFT)
    with time_machine.travel(at("2026-10-13", 9), tick=False):
        assert duties_send_due() == 1
    row = OutboxEmail.objects.get(kind=Kind.DUTY)
    assert "brief" not in row.text and "Open the week" in row.html


def test_the_blogging_team_is_reminded_while_their_post_is_unpublished(class_week, seminar):
    NotificationSettings.objects.create(seminar=seminar, blog_reminder_days=3)
    post = BlogPost.objects.create(week=class_week, title="Summary")
    with time_machine.travel(at("2026-10-18", 10), tick=False):
        assert duties_send_due() == 1
        assert duties_send_due() == 0
        assert sweep() == 1
    (message,) = mail.outbox
    assert message.to == ["writer@example.edu"]
    assert "not published yet" in message.subject
    # A published post: no reminder (another seminar week, same timing).
    other = make_week(seminar, number=2, class_date=dt.date(2026, 10, 22))
    WeekDuty.objects.create(
        week=other, user=post.week.week_duties.get(team="blog").user, team="blog"
    )
    BlogPost.objects.create(
        week=other,
        title="Done",
        status=BlogPost.Status.PUBLISHED,
        published_at=at("2026-10-23", 9),
    )
    with time_machine.travel(at("2026-10-25", 10), tick=False):
        assert duties_send_due() == 0


def test_duty_reminders_long_past_are_not_sent_after_an_outage(class_week):
    with time_machine.travel(at("2026-10-30", 10), tick=False):
        assert duties_send_due() == 0
