"""Celery tasks of the outbox, reminders and notices.

Each task reloads rows by primary key and calls a service that is safe to run twice or
at once (outbox keys and conditional claims), so `acks_late` redelivery after a killed
worker, an overlapping beat or a manual `run_periodic` never sends an email twice.
The beat schedule is in settings.CELERY_BEAT_SCHEDULE.
"""

from __future__ import annotations

from celery import shared_task

from notifications import announcements, notices, outbox, reminders


@shared_task(name="notifications.tasks.outbox_send")
def outbox_send(ids: list[int]) -> int:
    """Send these outbox rows (those nobody else holds); return how many this run sent."""
    return outbox.send_many(ids)


@shared_task(name="notifications.tasks.outbox_sweep")
def outbox_sweep() -> int:
    """Send pending rows no task got to: broker outages, killed workers, failed tries."""
    return outbox.sweep()


@shared_task(name="notifications.tasks.reminders_send_due")
def reminders_send_due() -> int:
    """Write (and send) the deadline reminders now due."""
    return reminders.reminders_send_due()


@shared_task(name="notifications.tasks.duties_send_due")
def duties_send_due() -> int:
    """Write (and send) the lead and blogging team duty reminders now due."""
    return announcements.duties_send_due()


@shared_task(name="notifications.tasks.notices_send_due")
def notices_send_due(
    recipient_id: int | None = None, recipient_ids: list[int] | None = None
) -> int:
    """Email the batched reply notices whose 15-minute window allows it (of one recipient,
    as tasks queued by an earlier release ask, of some, or of everyone)."""
    return notices.notices_send_due(recipient_id=recipient_id, recipient_ids=recipient_ids)


@shared_task(name="notifications.tasks.digests_send")
def digests_send() -> int:
    """Email today's digest of replies to those who prefer one (once a day)."""
    return notices.digests_send()
