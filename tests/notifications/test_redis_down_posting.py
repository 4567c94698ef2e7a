"""Redis stopped while students post: the posts succeed, and the reply notice they cause
is emailed exactly once after Redis is back (the periodic job picks it up).

Redis is both the cache (rate limits) and Celery's broker. Here the cache points at a port
where nothing listens, and publishing a task fails as it does when the broker is down.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.core import mail
from django.test import override_settings
from kombu.exceptions import OperationalError

from discussions.models import Comment
from notifications import tasks
from notifications.models import Notice
from notifications.notices import notices_send_due
from tests.discussions.helpers import add_comment, client_for, comment_url, first_question
from tests.test_redis_down import CLOSED_PORT, settings_cache


@contextmanager
def redis_stopped() -> Iterator[None]:
    """The cache unreachable, and every task publish refused by the broker."""
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
    with (
        override_settings(CACHES={"default": settings_cache(CLOSED_PORT)}),
        mock.patch.object(tasks.notices_send_due, "delay", side_effect=refused),
        mock.patch.object(tasks.outbox_send, "delay", side_effect=refused),
    ):
        yield


def test_with_redis_stopped_a_reply_is_stored_and_its_notice_goes_out_once_after(
    week, student, other_student, django_capture_on_commit_callbacks
):
    answer = add_comment(week, student, "My answer", question=first_question(week))
    classmate = client_for(other_student)
    mail.outbox.clear()

    with redis_stopped(), django_capture_on_commit_callbacks(execute=True):
        response = classmate.post(comment_url(answer, "reply"), {"body": "Agreed, and..."})

    assert response.status_code == 302
    assert Comment.objects.filter(parent=answer, body="Agreed, and...").count() == 1
    assert Notice.objects.filter(recipient=student, email_due=True).count() == 1
    assert mail.outbox == []  # nothing could be handed to a worker

    # Redis is back: the periodic job sends the notice, once however often it runs.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notices_send_due()
    assert [m.to for m in mail.outbox] == [[student.email]]
    assert Notice.objects.filter(recipient=student, email_due=True).count() == 0


def test_an_unexpected_broker_failure_after_commit_still_answers_the_post(
    week, student, other_student, django_capture_on_commit_callbacks
):
    """A failing after-commit job is logged, never turned into a 500 for a post that was
    stored (a 500 there makes the student post again: a duplicate)."""
    answer = add_comment(week, student, "My answer", question=first_question(week))
    classmate = client_for(other_student)
    broken = RuntimeError("Acquire on closed pool")
    with (
        mock.patch.object(tasks.notices_send_due, "delay", side_effect=broken),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = classmate.post(comment_url(answer, "reply"), {"body": "Agreed, and..."})
    assert response.status_code == 302
    assert Comment.objects.filter(parent=answer, body="Agreed, and...").count() == 1
