"""The periodic task that publishes scheduled weeks (beat: weeks.tasks.weeks_publish_due)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from core.models import Week
from core.tasks import weeks_publish_due
from tests.conftest import make_week

pytestmark = pytest.mark.django_db

PUBLISH_AT = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)


def test_the_beat_schedule_names_the_task():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert weeks_publish_due.name in names
    assert weeks_publish_due.name == "core.tasks.weeks_publish_due"


def test_task_publishes_a_scheduled_week_once_its_time_passes(seminar):
    week = make_week(seminar, status=Week.Status.SCHEDULED, publish_at=PUBLISH_AT)

    with time_machine.travel(PUBLISH_AT - dt.timedelta(seconds=30), tick=False):
        assert weeks_publish_due.apply().get() == 0
    assert Week.objects.get(pk=week.pk).status == Week.Status.SCHEDULED

    with time_machine.travel(PUBLISH_AT + dt.timedelta(seconds=30), tick=False):
        assert weeks_publish_due.apply().get() == 1
        assert weeks_publish_due() == 0  # the next beat finds nothing to do
    week.refresh_from_db()
    assert week.status == Week.Status.PUBLISHED
    assert week.published_at == PUBLISH_AT + dt.timedelta(seconds=30)


def test_management_command_publishes_due_weeks(seminar, capsys):
    make_week(seminar, status=Week.Status.SCHEDULED, publish_at=PUBLISH_AT)
    with time_machine.travel(PUBLISH_AT + dt.timedelta(hours=1), tick=False):
        call_command("publish_due_weeks")
    assert "Published 1 week." in capsys.readouterr().out
    assert Week.objects.get().status == Week.Status.PUBLISHED
