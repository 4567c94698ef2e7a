"""Issue "Nothing lost, nothing doubled": a roster file cannot wipe a class by accident.

A semicolon-separated file made every row invalid, Apply was still offered and removed
the whole roster, and the invitations queued for the removed entries were sent anyway.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import roster
from accounts.models import RosterEntry
from core.lib.csv_rows import decode_csv_upload
from core.models import Seminar
from notifications import outbox
from notifications.models import OutboxEmail
from tests.accounts.conftest import class_of, roster_csv

pytestmark = pytest.mark.django_db


def as_csv(rows: list[tuple[str, str, str]], delimiter: str) -> str:
    return "\n".join(delimiter.join(row) for row in [("email", "name", "role"), *rows]) + "\n"


def import_url(seminar: Seminar) -> str:
    return reverse("admin:accounts_roster_import", args=[seminar.pk])


def upload(client, seminar: Seminar, data: bytes):
    return client.post(
        import_url(seminar), {"csv_file": SimpleUploadedFile("roster.csv", data, "text/csv")}
    )


def apply_post(client, seminar: Seminar, text: str, digest: str, **extra: str):
    return client.post(
        import_url(seminar), {"apply": "1", "csv_text": text, "digest": digest, **extra}
    )


# --- reading the file ------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_semicolon_and_tab_files_of_valid_rows_import_correctly(seminar, delimiter) -> None:
    text = as_csv(class_of(12), delimiter)
    plan = roster.plan_import(seminar, text)
    assert plan.invalid == [] and len(plan.adds) == 12
    roster.apply_import(seminar, text)
    assert RosterEntry.objects.filter(seminar=seminar).count() == 12
    assert RosterEntry.objects.get(email="student03@example.edu").name == "Student 03"


def test_the_reported_semicolon_file_no_longer_removes_the_class(
    client, seminar, staff, django_capture_on_commit_callbacks
) -> None:
    roster.apply_import(seminar, roster_csv(class_of(40)))
    client.force_login(staff)
    semicolons = as_csv([*class_of(39), ("new@example.edu", "New", "student")], ";")
    preview = upload(client, seminar, semicolons.encode("utf-8-sig"))
    plan = preview.context["plan"]
    assert plan.invalid == []
    assert len(plan.adds) == 1 and len(plan.removals) == 1
    assert RosterEntry.objects.filter(seminar=seminar).count() == 40


def test_utf16_and_latin1_files_are_read_and_latin1_is_named() -> None:
    text = as_csv([("zoe@example.edu", "Zoé Müller", "student")], ";")
    assert decode_csv_upload(text.encode("utf-16")) == (text, "")
    assert decode_csv_upload(text.encode("utf-8")) == (text, "")
    assert decode_csv_upload(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "")
    decoded, note = decode_csv_upload(text.encode("latin-1"))
    assert decoded == text
    assert "Latin-1" in note
    with pytest.raises(ValidationError, match="not text"):
        decode_csv_upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x01\x02\x03")


def test_latin1_upload_is_previewed_with_a_notice(client, seminar, staff) -> None:
    client.force_login(staff)
    text = as_csv([("zoe@example.edu", "Zoé Müller", "student")], ",")
    page = upload(client, seminar, text.encode("latin-1")).content.decode()
    assert "read as Latin-1" in page
    assert "Zoé Müller" in page
    page = upload(client, seminar, text.encode("utf-16")).content.decode()
    assert "Zoé Müller" in page and "read as Latin-1" not in page


# --- mostly invalid files ------------------------------------------------------------------


def garbage_file() -> str:
    rows = [(f"person{i} at example", "X", "student") for i in range(8)]
    return roster_csv([*rows, *class_of(3)])


def test_a_mostly_invalid_file_offers_no_apply_and_a_forced_apply_changes_nothing(
    client, seminar, staff, django_capture_on_commit_callbacks
) -> None:
    roster.apply_import(seminar, roster_csv(class_of(10)))
    client.force_login(staff)
    text = garbage_file()
    preview = upload(client, seminar, text.encode())
    page = preview.content.decode()
    assert preview.context["plan"].refusal
    assert "Apply these changes" not in page
    assert "8 of 11 rows are invalid" in page
    assert "person0 at example" in page

    digest = roster.plan_import(seminar, text).digest()
    with django_capture_on_commit_callbacks(execute=True):
        forced = apply_post(client, seminar, text, digest, confirm_removals="7")
    assert forced.status_code in (200, 302)
    assert RosterEntry.objects.filter(seminar=seminar).count() == 10
    with pytest.raises(ValidationError):
        roster.apply_import(seminar, text, confirm_removals=7)
    assert RosterEntry.objects.filter(seminar=seminar).count() == 10


# --- large removals -----------------------------------------------------------------------


def test_removing_30_of_100_needs_a_confirmation_naming_30(client, seminar, staff) -> None:
    roster.apply_import(seminar, roster_csv(class_of(100)))
    client.force_login(staff)
    text = roster_csv(class_of(70))
    preview = upload(client, seminar, text.encode())
    page = preview.content.decode()
    assert "Yes, remove 30 people" in page
    digest = preview.context["apply_form"].initial["digest"]

    refused = apply_post(client, seminar, text, digest)
    assert refused.status_code == 200
    assert "30" in " ".join(str(m) for m in refused.context["messages"])
    assert refused.context["plan"] is not None  # the preview stays
    assert RosterEntry.objects.filter(seminar=seminar).count() == 100

    wrong = apply_post(client, seminar, text, digest, confirm_removals="3")
    assert wrong.status_code == 200
    assert RosterEntry.objects.filter(seminar=seminar).count() == 100

    done = apply_post(client, seminar, text, digest, confirm_removals="30")
    assert done.status_code == 302
    assert RosterEntry.objects.filter(seminar=seminar).count() == 70


def test_the_service_refuses_a_large_removal_without_its_count(seminar) -> None:
    roster.apply_import(seminar, roster_csv(class_of(100)))
    with pytest.raises(roster.RemovalsUnconfirmed) as raised:
        roster.apply_import(seminar, roster_csv(class_of(70)))
    assert raised.value.count == 30
    assert RosterEntry.objects.filter(seminar=seminar).count() == 100
    with pytest.raises(ValidationError):  # an empty file is all removal, nothing to apply
        roster.apply_import(seminar, "email,name,role\n", confirm_removals=100)
    roster.apply_import(seminar, roster_csv(class_of(95)), confirm_removals=None)  # 5 %: fine
    assert RosterEntry.objects.filter(seminar=seminar).count() == 95


# --- invitations of removed entries ------------------------------------------------------


def test_pending_invitations_of_removed_entries_are_cancelled_and_never_sent(
    seminar, django_capture_on_commit_callbacks
) -> None:
    # Queued but not sent (the broker is slow): the sweep would send them.
    with django_capture_on_commit_callbacks(execute=False):
        roster.apply_import(seminar, roster_csv(class_of(30)))
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == 30

    with django_capture_on_commit_callbacks(execute=True):
        roster.apply_import(seminar, roster_csv(class_of(20)), confirm_removals=10)
    removed = [f"student{i:02d}@example.edu" for i in range(20, 30)]
    cancelled = OutboxEmail.objects.filter(to_email__in=removed)
    assert cancelled.count() == 10
    assert set(cancelled.values_list("status", flat=True)) == {OutboxEmail.Status.EXPIRED}

    mail.outbox.clear()
    outbox.sweep()
    sent_to = {address for message in mail.outbox for address in message.to}
    assert sent_to.isdisjoint(removed)
    assert len(sent_to) == 20
