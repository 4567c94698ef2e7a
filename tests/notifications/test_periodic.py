"""The beat schedule and `run_periodic` (every periodic job once, for cron without Redis)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications.models import OutboxEmail
from seminar.celery import app
from tests.conftest import make_week

pytestmark = pytest.mark.django_db


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert all(name in app.tasks for name in names)
    assert {
        "core.tasks.weeks_publish_due",
        "notifications.tasks.reminders_send_due",
        "notifications.tasks.duties_send_due",
        "notifications.tasks.notices_send_due",
        "notifications.tasks.digests_send",
        "notifications.tasks.outbox_sweep",
    } <= set(names)
    assert names[-1] == "notifications.tasks.outbox_sweep"  # sends what the others wrote


def test_celery_speaks_json_only_and_acknowledges_late():
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.task_publish_retry is False
    assert conf.broker_connection_timeout <= 2
    assert conf.broker_transport_options["socket_timeout"] <= 2


def test_run_periodic_runs_each_job_once_and_sends_the_reminders(seminar, student, capsys):
    make_week(seminar, deadline=timezone.now() + dt.timedelta(hours=20))
    call_command("run_periodic")
    out = capsys.readouterr().out
    assert "deadline-reminders: 1" in out
    assert "publish-scheduled-weeks: 0" in out
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[student.email]]
    call_command("run_periodic")
    assert "deadline-reminders: 0" in capsys.readouterr().out
    assert len(mail.outbox) == 1
