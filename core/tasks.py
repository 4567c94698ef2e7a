"""Periodic jobs for weeks; the beat schedule is in settings.CELERY_BEAT_SCHEDULE."""

from __future__ import annotations

from celery import shared_task

from core.services import publish_due_weeks


@shared_task(name="core.tasks.weeks_publish_due")
def weeks_publish_due() -> int:
    """Publish the scheduled weeks whose publish time has passed; return how many."""
    return publish_due_weeks()
