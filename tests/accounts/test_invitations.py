"""Invitation emails: once per entry, again only on request, never lost on a failed send."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from accounts.models import RosterEntry
from accounts.tasks import send_invitations
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(seminar) -> RosterEntry:
    return RosterEntry.objects.create(seminar=seminar, email="inv@example.edu", name="In V")


def test_invitation_goes_once_and_marks_the_entry(entry) -> None:
    assert send_invitations([entry.pk]) == 1
    assert send_invitations([entry.pk]) == 0
    entry.refresh_from_db()
    assert entry.invited_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["inv@example.edu"]
    assert "LLM Risks" in message.subject and "In V" in message.body


def test_resend_sends_again(entry) -> None:
    send_invitations([entry.pk])
    assert send_invitations([entry.pk], resend=True) == 1
    assert len(mail.outbox) == 2


def test_people_with_an_account_are_not_invited(entry) -> None:
    entry.user = make_user("inv@example.edu")
    entry.save()
    assert send_invitations([entry.pk], resend=True) == 0
    assert mail.outbox == []


def test_a_failed_send_leaves_the_entry_to_invite_again(entry) -> None:
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")),
        pytest.raises(OSError),
    ):
        send_invitations([entry.pk])
    entry.refresh_from_db()
    assert entry.invited_at is None
    assert send_invitations([entry.pk]) == 1
