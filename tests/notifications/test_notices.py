"""Reply notices: at most one email per thread per 15 minutes, a daily digest, or none."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core.access import seminar_access, week_access
from discussions.models import Comment
from discussions.services import post_comment
from notifications.models import Notice, OutboxEmail
from notifications.notices import digests_send, notices_send_due
from notifications.outbox import sweep
from tests.discussions.helpers import client_for, comment_url

pytestmark = pytest.mark.django_db

Kind = OutboxEmail.Kind


def post(user, week, body: str, parent: Comment | None = None) -> Comment:
    access = week_access(seminar_access(user, week.seminar), week)
    question = None if parent else week.sections.first().questions.first()
    return post_comment(access, question, parent, body)


@pytest.fixture
def answer(week, student) -> Comment:
    return post(student, week, "What I think about question 1.")


def test_the_first_reply_is_emailed_at_once_through_the_posting_page(
    week, student, other_student, answer, django_capture_on_commit_callbacks
):
    client = client_for(other_student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(comment_url(answer, "reply"), {"body": "I **disagree**."})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [student.email]
    assert message.subject == "[LLM Risks] Olive replied to you in Week 1"
    assert "I **disagree**." in message.body
    assert "<strong>disagree</strong>" in message.alternatives[0].content
    reply = Comment.objects.get(parent=answer)
    assert f"https://seminar.example.edu/s/llm-risks/w/week1/#c{reply.pk}" in message.body


def test_later_replies_in_the_window_go_together_after_15_minutes(
    week, student, other_student, answer, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        post(other_student, week, "First reply.", parent=answer)
    with (
        time_machine.travel(start + dt.timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post(other_student, week, "Second reply.", parent=answer)
        post(other_student, week, "Third reply.", parent=answer)
        assert notices_send_due() == 0
    assert len(mail.outbox) == 1
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert notices_send_due() == 1
        assert notices_send_due() == 0
        sweep()
    assert len(mail.outbox) == 2
    batch = mail.outbox[1]
    assert batch.subject == "[LLM Risks] 2 new replies to you in Week 1"
    assert "Second reply." in batch.body and "Third reply." in batch.body
    assert "First reply." not in batch.body


def test_no_notice_for_replying_to_oneself_and_no_email_when_turned_off(
    week, student, other_student, answer
):
    post(student, week, "Replying to myself.", parent=answer)
    other_student.email_reply_notices = "off"
    other_student.save()
    theirs = post(other_student, week, "Mine.")
    post(student, week, "A reply to Olive.", parent=theirs)
    assert not Notice.objects.filter(recipient=student).exists()
    # Olive finds the reply on "For you", and no email waits for her.
    assert Notice.objects.get(recipient=other_student).email_due is False


def test_a_reply_hidden_before_the_batch_goes_is_not_emailed(week, student, other_student, answer):
    reply = post(other_student, week, "Rude reply.", parent=answer)
    Comment.objects.filter(pk=reply.pk).update(is_hidden=True, hidden_at=timezone.now())
    assert notices_send_due() == 0
    assert not Notice.objects.filter(email_due=True).exists()


def test_daily_digest_collects_the_days_replies_once(week, student, other_student, answer):
    student.email_reply_notices = "daily"
    student.save()
    post(other_student, week, "Reply one.", parent=answer)
    post(other_student, week, "Reply two.", parent=answer)
    assert notices_send_due() == 0  # nothing batched for a digest reader
    morning = timezone.now().replace(hour=8, minute=0, tzinfo=dt.UTC)
    with time_machine.travel(morning, tick=False):
        assert digests_send() == 0  # before the digest hour
    with time_machine.travel(morning + dt.timedelta(hours=5), tick=False):
        assert digests_send() == 1
        assert digests_send() == 0
        sweep()
    (digest,) = mail.outbox
    assert digest.subject == "[LLM Risks] 2 new replies to your comments"
    assert "Reply one." in digest.body and "Reply two." in digest.body
    assert OutboxEmail.objects.get().kind == Kind.DIGEST


def test_a_reply_in_a_followed_thread_asks_once_for_all_its_recipients_batches(
    week, seminar, student, other_student, answer, django_capture_on_commit_callbacks
):
    from unittest import mock

    from notifications import tasks
    from tests.conftest import enroll, make_user

    followers = [enroll(make_user(f"follower{i}@example.edu"), seminar) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for follower in followers:  # each replies, and so follows the thread
            post(follower, week, f"A reply by {follower.email}.", parent=answer)
    mail.outbox.clear()
    with (
        mock.patch.object(tasks.notices_send_due, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        post(other_student, week, "One more reply.", parent=answer)
    delay.assert_called_once()
    asked = delay.call_args.kwargs["recipient_ids"]
    assert asked == sorted([student.pk, *(f.pk for f in followers)])
    assert notices_send_due(recipient_ids=asked) >= 1  # the followers' first email each


def test_recipients_still_in_their_window_cost_no_query_each(
    week, seminar, student, other_student, answer, django_capture_on_commit_callbacks
):
    """Those emailed about the thread in the last 15 minutes wait for the window: they are
    told apart in one query, not locked and looked up one by one (a rush's every reply
    asked it of all the thread's followers)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import enroll, make_user

    def waiting_queries(count: int) -> int:
        followers = [enroll(make_user(f"w{count}-{i}@example.edu"), seminar) for i in range(count)]
        with django_capture_on_commit_callbacks(execute=True):
            for follower in followers:  # each replies (and follows the thread)
                post(follower, week, f"Reply by {follower.email}.", parent=answer)
            post(other_student, week, f"A first reply to all {count}.", parent=answer)
        with django_capture_on_commit_callbacks(execute=True):  # each emailed: now they wait
            post(other_student, week, f"A second reply to all {count}.", parent=answer)
        ids = [f.pk for f in followers]
        assert Notice.objects.filter(recipient_id__in=ids, email_due=True).count() == count
        with CaptureQueriesContext(connection) as queries:
            assert notices_send_due(recipient_ids=ids) == 0  # all within their window
        return len(queries)

    assert waiting_queries(2) == waiting_queries(8)
