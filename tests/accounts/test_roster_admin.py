"""The roster import in the admin, over HTTP: upload, preview, apply, re-apply."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import RosterEntry
from core.models import Enrollment, Seminar
from tests.accounts.conftest import class_of, roster_csv
from tests.conftest import enroll, make_user

pytestmark = pytest.mark.django_db


def forty_with_three_bad_rows() -> str:
    rows = class_of(40)
    rows[3:3] = [("jane.doe@", "Jane", "student")]
    rows[20:20] = [("kim@example.edu", "Kim", "lecturer")]
    rows.append(("student11@example.edu", "Again", "student"))
    return roster_csv(rows)


def upload(client, seminar: Seminar, text: str):
    return client.post(
        reverse("admin:accounts_roster_import", args=[seminar.pk]),
        {"csv_file": SimpleUploadedFile("roster.csv", text.encode("utf-8-sig"), "text/csv")},
    )


def apply(client, seminar: Seminar, preview):
    form = preview.context["apply_form"]
    return client.post(
        reverse("admin:accounts_roster_import", args=[seminar.pk]),
        {"apply": "1", "csv_text": form.initial["csv_text"], "digest": form.initial["digest"]},
    )


def test_staff_preview_names_the_bad_rows_then_apply_adds_forty_and_invites(
    client, seminar, staff, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    client.force_login(staff)
    text = forty_with_three_bad_rows()
    with django_assert_max_num_queries(15):
        preview = upload(client, seminar, text)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert RosterEntry.objects.count() == 0
    assert "40 to add" in page
    invalid = [(row.line, row.reason) for row in preview.context["plan"].invalid]
    assert invalid == [
        (5, "'jane.doe@' is not a valid email address"),
        (22, "unknown role 'lecturer' (use student, staff or auditor)"),
        (44, "duplicate: student11@example.edu is already on line 14"),
    ]
    for line, reason in invalid:
        assert f"<td>{line}</td>" in page
        assert reason.replace("'", "&#x27;") in page

    with django_capture_on_commit_callbacks(execute=True):
        applied = apply(client, seminar, preview)
    assert applied.status_code == 302
    assert RosterEntry.objects.filter(seminar=seminar).count() == 40
    assert len(mail.outbox) == 40

    mail.outbox.clear()
    again = upload(client, seminar, text)
    assert "No changes" in again.content.decode()
    assert "Apply these changes" not in again.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, seminar, again)
    assert RosterEntry.objects.filter(seminar=seminar).count() == 40
    assert mail.outbox == []


def test_preview_lists_role_and_name_changes_and_removals(client, seminar, staff) -> None:
    client.force_login(staff)
    rows = class_of(3)
    upload_and_apply = upload(client, seminar, roster_csv(rows))
    apply(client, seminar, upload_and_apply)
    changed = [(rows[0][0], "Renamed", "student"), (rows[1][0], rows[1][1], "auditor")]
    page = upload(client, seminar, roster_csv(changed)).content.decode()
    assert "1 role change" in page and "1 name change" in page and "1 to remove" in page
    assert "Renamed" in page and rows[2][0] in page


def test_a_changed_roster_between_preview_and_apply_is_previewed_again(
    client, seminar, staff
) -> None:
    client.force_login(staff)
    preview = upload(client, seminar, roster_csv(class_of(2)))
    RosterEntry.objects.create(seminar=seminar, email="sneaky@example.edu")
    response = apply(client, seminar, preview)
    assert response.status_code == 200
    assert "roster changed since this preview" in response.content.decode()
    assert RosterEntry.objects.count() == 1


def test_bad_upload_keeps_the_pasted_text_and_says_why(client, seminar, staff) -> None:
    client.force_login(staff)
    url = reverse("admin:accounts_roster_import", args=[seminar.pk])
    response = client.post(url, {"csv_text": 'a@example.edu,"open quote\n'})
    page = response.content.decode()
    assert "not valid CSV" in page and "open quote" in page
    assert "Choose a CSV file" in client.post(url, {}).content.decode()


def test_staff_of_another_seminar_cannot_import_here(client, seminar) -> None:
    other = Seminar.objects.create(title="Other", slug="other")
    teacher = enroll(make_user("teacher@example.edu", is_staff=True), other, "staff")
    client.force_login(teacher)
    url = reverse("admin:accounts_roster_import", args=[seminar.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:accounts_roster_import", args=[other.pk])).status_code == 200


def test_students_never_reach_the_import(client, seminar, student) -> None:
    client.force_login(student)
    response = client.get(reverse("admin:accounts_roster_import", args=[seminar.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_changelist_offers_the_import_and_resend(
    client, seminar, staff, django_capture_on_commit_callbacks
) -> None:
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, seminar, upload(client, seminar, roster_csv(class_of(2))))
    assert len(mail.outbox) == 2
    changelist = reverse("admin:accounts_rosterentry_changelist")
    page = client.get(changelist, {"seminar__id__exact": seminar.pk}).content.decode()
    assert "Import roster CSV" in page
    assert reverse("admin:accounts_roster_import", args=[seminar.pk]) in page

    entry = RosterEntry.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist,
            {"action": "resend_invitations", "_selected_action": [entry.pk]},
        )
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == [entry.email]


def test_deleting_an_entry_in_the_admin_withdraws_access(client, seminar, staff) -> None:
    alice = make_user("alice@example.edu")
    client.force_login(staff)
    apply(client, seminar, upload(client, seminar, roster_csv([(alice.email, "A", "student")])))
    entry = RosterEntry.objects.get()
    assert Enrollment.objects.filter(user=alice, seminar=seminar).exists()
    client.post(reverse("admin:accounts_rosterentry_delete", args=[entry.pk]), {"post": "yes"})
    assert not RosterEntry.objects.exists()
    assert not Enrollment.objects.filter(user=alice, seminar=seminar).exists()


def test_adding_an_entry_by_hand_enrolls_an_existing_account_and_refuses_duplicates(
    client, seminar, staff
) -> None:
    alice = make_user("alice@example.edu")
    client.force_login(staff)
    add = reverse("admin:accounts_rosterentry_add")
    data = {"seminar": seminar.pk, "email": "Alice@Example.edu", "name": "Alice", "role": "auditor"}
    assert client.post(add, data).status_code == 302
    assert Enrollment.objects.get(user=alice, seminar=seminar).role == "auditor"
    again = client.post(add, {**data, "email": "ALICE@example.edu"})
    assert again.status_code == 200
    assert "already exists" in again.content.decode()
    assert RosterEntry.objects.count() == 1


def test_staff_are_warned_before_importing_themselves_off_the_roster(
    client, seminar, staff
) -> None:
    client.force_login(staff)
    apply(client, seminar, upload(client, seminar, roster_csv([(staff.email, "Me", "staff")])))
    page = upload(client, seminar, roster_csv(class_of(2))).content.decode()
    assert "This file removes you from the roster" in page
    page = upload(client, seminar, roster_csv([(staff.email, "Me", "staff")])).content.decode()
    assert "This file removes you" not in page


def test_preview_queries_do_not_grow_with_the_file(client, seminar, staff) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    apply(client, seminar, upload(client, seminar, roster_csv(class_of(5))))
    with CaptureQueriesContext(connection) as small:
        upload(client, seminar, roster_csv(class_of(6)))
    with CaptureQueriesContext(connection) as large:
        upload(client, seminar, roster_csv(class_of(60)))
    assert len(large) == len(small)
