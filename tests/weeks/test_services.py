"""Publishing, unpublishing and duplicating weeks (weeks/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.models import Question, QuestionSection, Reading, Week, WeekDuty
from core.services import duplicate_week, publish_due_weeks, publish_week, unpublish_week
from tests.conftest import make_week

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_publish_week_publishes_a_draft_now(seminar):
    week = make_week(seminar, status=Week.Status.DRAFT)
    assert publish_week(week=week) is True
    week.refresh_from_db()
    assert week.status == Week.Status.PUBLISHED
    assert week.published_at == NOW


def test_publish_week_leaves_a_published_week_as_it_was(week):
    first = week.published_at = timezone.now() - dt.timedelta(days=2)
    Week.objects.filter(pk=week.pk).update(published_at=first)
    assert publish_week(week=week) is False
    week.refresh_from_db()
    assert week.published_at == first


def test_publish_week_publishes_a_scheduled_week_early(seminar):
    week = make_week(
        seminar, status=Week.Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    assert publish_week(week=week) is True
    assert Week.objects.get(pk=week.pk).status == Week.Status.PUBLISHED


def test_unpublish_week_returns_it_to_draft(week):
    assert unpublish_week(week=week) is True
    week.refresh_from_db()
    assert week.status == Week.Status.DRAFT
    assert week.published_at is None
    assert unpublish_week(week=week) is False


def test_duplicate_week_copies_readings_sections_and_questions_but_not_teams(week, lead):
    week.intro = "Read *these*."
    week.save()
    optional = Reading.objects.create(
        week=week, kind=Reading.Kind.OPTIONAL, group="Background", position=5, title="Extra"
    )
    copy = duplicate_week(week=week)

    assert copy.pk != week.pk
    assert copy.seminar_id == week.seminar_id
    assert copy.status == Week.Status.DRAFT
    assert copy.number == 2
    assert copy.slug == "week1-copy"
    assert copy.title == "Week 1 (copy)"
    assert copy.intro_html == week.intro_html
    assert copy.deadline == week.deadline
    assert [(r.title, r.kind, r.group) for r in copy.readings.order_by("position")] == [
        ("A paper", "required", ""),
        (optional.title, "optional", "Background"),
    ]
    sections = list(copy.sections.order_by("position"))
    assert [s.title for s in sections] == [s.title for s in week.sections.order_by("position")]
    # The copied section points at the copied reading, not at the original's.
    assert sections[0].reading.week_id == copy.pk
    assert [q.number for q in Question.objects.filter(section__week=copy)] == ["1", "2", "3", "4"]
    assert Question.objects.filter(section__week=copy).first().body_html.strip()
    assert not WeekDuty.objects.filter(week=copy).exists()
    # The original is untouched.
    assert week.readings.count() == 2
    assert QuestionSection.objects.filter(week=week).count() == 2
    assert Question.objects.filter(section__week=week).count() == 4


def test_duplicating_twice_takes_the_next_number_and_slug(week):
    first = duplicate_week(week=week)
    second = duplicate_week(week=week)
    assert (first.number, first.slug) == (2, "week1-copy")
    assert (second.number, second.slug) == (3, "week1-copy-2")


def test_duplicate_of_a_long_slug_still_fits(seminar):
    week = make_week(seminar)
    Week.objects.filter(pk=week.pk).update(slug="x" * 80)
    week.refresh_from_db()
    copy = duplicate_week(week=week)
    assert len(copy.slug) <= 80
    assert copy.slug.endswith("-copy")


def test_publish_due_weeks_publishes_only_scheduled_weeks_whose_time_has_come(seminar):
    due = make_week(
        seminar, 1, status=Week.Status.SCHEDULED, publish_at=NOW - dt.timedelta(minutes=1)
    )
    exact = make_week(seminar, 2, status=Week.Status.SCHEDULED, publish_at=NOW)
    later = make_week(
        seminar, 3, status=Week.Status.SCHEDULED, publish_at=NOW + dt.timedelta(minutes=1)
    )
    draft = make_week(seminar, 4, status=Week.Status.DRAFT, publish_at=NOW - dt.timedelta(days=1))

    assert publish_due_weeks(now=NOW) == 2

    statuses = dict(Week.objects.values_list("pk", "status"))
    assert statuses[due.pk] == statuses[exact.pk] == Week.Status.PUBLISHED
    assert statuses[later.pk] == Week.Status.SCHEDULED
    assert statuses[draft.pk] == Week.Status.DRAFT
    assert Week.objects.get(pk=due.pk).published_at == NOW


def test_publish_due_weeks_is_idempotent(seminar):
    make_week(seminar, status=Week.Status.SCHEDULED, publish_at=NOW - dt.timedelta(hours=1))
    assert publish_due_weeks(now=NOW) == 1
    assert publish_due_weeks(now=NOW) == 0
