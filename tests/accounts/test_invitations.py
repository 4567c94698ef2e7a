"""Invitation emails go through the email outbox: once per roster entry, again only on
request, never lost when sending fails, and not sent to someone who registered since."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from accounts.models import RosterEntry
from notifications.invitations import write_invitations
from notifications.models import OutboxEmail
from notifications.outbox import sweep
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(seminar) -> RosterEntry:
    return RosterEntry.objects.create(seminar=seminar, email="inv@example.edu", name="In V")


def invitations():
    return OutboxEmail.objects.filter(kind=OutboxEmail.Kind.INVITATION)


def invite(*, resend: bool = False) -> int:
    return write_invitations(RosterEntry.objects.all(), resend=resend)


def test_an_invitation_is_written_once_to_the_outbox_and_sent_after_commit(
    entry, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert invite() == 1
        assert invite() == 0
    entry.refresh_from_db()
    assert entry.invited_at is not None
    row = invitations().get()
    assert row.recipient is None and row.to_email == "inv@example.edu"
    assert row.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["inv@example.edu"]
    assert "LLM Risks" in message.subject and "In V" in message.body
    assert "/accounts/signup/" in message.body


def test_a_resend_writes_a_new_invitation_but_a_double_click_only_one(
    entry, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite()
        assert invite(resend=True) == 1
        assert invite(resend=True) == 0  # the same minute: the same email
    assert len(mail.outbox) == 2


def test_people_with_an_account_are_not_invited(entry) -> None:
    entry.user = make_user("inv@example.edu")
    entry.save()
    assert invite(resend=True) == 0
    assert not invitations().exists()


def test_an_invitation_is_not_sent_to_someone_who_registered_meanwhile(entry) -> None:
    invite()  # written, not yet sent (no commit in this test)
    make_user("INV@example.edu")
    assert sweep() == 0
    row = invitations().get()
    assert row.status == OutboxEmail.Status.SKIPPED
    assert mail.outbox == []


def test_a_failed_send_stays_pending_for_the_sweep(entry) -> None:
    invite()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")):
        assert sweep() == 0
    row = invitations().get()
    assert row.status == OutboxEmail.Status.PENDING and "down" in row.last_error
    assert sweep() == 1
    assert mail.outbox[0].to == ["inv@example.edu"]
