"""The roster import: parse → plan → apply, and how it keeps Enrollments in step."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import roster
from accounts.models import RosterEntry, RosterRole, User
from accounts.roster_csv import parse_roster
from core.models import Enrollment
from tests.accounts.conftest import class_of, roster_csv
from tests.conftest import enroll, make_user

pytestmark = pytest.mark.django_db


def test_roster_roles_are_the_enrollment_roles() -> None:
    assert RosterRole.choices == Enrollment.Role.choices


def test_parse_names_each_bad_row_with_its_line_and_reason() -> None:
    text = roster_csv(
        [
            ("ann@example.edu", "Ann", "student"),
            ("not-an-email", "Bob", "student"),
            ("cy@example.edu", "Cy", "professor"),
            ("ANN@example.edu", "Ann again", "auditor"),
            ("", "Nobody", "student"),
            ("dee@example.edu", "Dee", "student,S1,extra"),
        ]
    )
    rows, invalid, mentioned = parse_roster(text)
    assert [row.email for row in rows] == ["ann@example.edu"]
    reasons = {row.line: row.reason for row in invalid}
    assert "not a valid email" in reasons[3]
    assert "unknown role 'professor'" in reasons[4]
    assert reasons[5] == "duplicate: ann@example.edu is already on line 2"
    assert reasons[6] == "the email is missing"
    assert reasons[7] == "expected at most four columns: email,name,role,student_id"
    # A row with a bad role still names its person: they must not be removed.
    assert {"cy@example.edu", "dee@example.edu"} <= mentioned


def test_role_words_are_forgiving_and_blank_means_student() -> None:
    text = roster_csv(
        [("a@example.edu", "", ""), ("b@example.edu", "", "TA"), ("c@example.edu", "", "Audit")]
    )
    rows, invalid, _ = parse_roster(text)
    assert not invalid
    assert [row.role for row in rows] == ["student", "staff", "auditor"]


def test_text_that_is_not_csv_is_refused_whole() -> None:
    with pytest.raises(ValidationError):
        parse_roster('a@example.edu,"unclosed,student\n')


def test_forty_students_three_bad_rows_preview_then_apply_then_nothing(
    seminar, django_capture_on_commit_callbacks
) -> None:
    rows = class_of(40)
    rows[5:5] = [("bad-email", "Bad", "student")]
    rows[10:10] = [("x@example.edu", "X", "teacher")]
    rows.append(("student07@example.edu", "Dup", "student"))
    text = roster_csv(rows)

    plan = roster.plan_import(seminar, text)
    assert RosterEntry.objects.count() == 0
    assert len(plan.adds) == 40
    assert [(row.line, row.reason.split(" ")[0]) for row in plan.invalid] == [
        (7, "'bad-email'"),
        (12, "unknown"),
        (44, "duplicate:"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        applied = roster.apply_import(seminar, text, expected_digest=plan.digest())
    assert len(applied.adds) == 40
    assert RosterEntry.objects.filter(seminar=seminar).count() == 40
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r[0] for r in class_of(40))
    assert not RosterEntry.objects.filter(invited_at__isnull=True).exists()
    assert "/accounts/signup/" in mail.outbox[0].body

    mail.outbox.clear()
    again = roster.plan_import(seminar, text)
    assert not again.has_changes and again.unchanged == 40
    with django_capture_on_commit_callbacks(execute=True):
        roster.apply_import(seminar, text)
    assert RosterEntry.objects.filter(seminar=seminar).count() == 40
    assert mail.outbox == []


def test_existing_account_is_enrolled_at_once_and_not_invited(
    seminar, django_capture_on_commit_callbacks
) -> None:
    alice = make_user("alice@example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        roster.apply_import(seminar, roster_csv([("Alice@Example.edu", "Alice", "auditor")]))
    entry = RosterEntry.objects.get(seminar=seminar)
    assert entry.user == alice and entry.invited_at is None
    assert Enrollment.objects.get(user=alice, seminar=seminar).role == "auditor"
    assert mail.outbox == []


def test_unverified_signup_is_not_trusted_with_a_rostered_address(seminar) -> None:
    from allauth.account.models import EmailAddress

    squatter = User.objects.create_user("victim@example.edu", "x")
    EmailAddress.objects.create(user=squatter, email="victim@example.edu", verified=False)
    roster.apply_import(seminar, roster_csv([("victim@example.edu", "Vic", "student")]))
    assert RosterEntry.objects.get().user is None
    assert not Enrollment.objects.filter(user=squatter).exists()


def test_role_change_updates_the_enrollment(seminar) -> None:
    alice = make_user("alice@example.edu")
    roster.apply_import(seminar, roster_csv([("alice@example.edu", "Alice", "student")]))
    plan = roster.plan_import(seminar, roster_csv([("alice@example.edu", "Alice L.", "staff")]))
    assert [(c.old, c.new) for c in plan.role_changes] == [("student", "staff")]
    assert [(c.old, c.new) for c in plan.name_changes] == [("Alice", "Alice L.")]
    roster.apply_import(seminar, roster_csv([("alice@example.edu", "Alice L.", "staff")]))
    assert Enrollment.objects.get(user=alice, seminar=seminar).role == "staff"
    assert RosterEntry.objects.get().name == "Alice L."


def test_removal_withdraws_access_but_keeps_the_account(seminar, week, client) -> None:
    alice = make_user("alice@example.edu")
    roster.apply_import(
        seminar,
        roster_csv([("alice@example.edu", "Alice", "student"), ("bo@example.edu", "Bo", "")]),
    )
    client.force_login(alice)
    assert client.get(week.get_absolute_url()).status_code == 200

    plan = roster.plan_import(seminar, roster_csv([("bo@example.edu", "Bo", "")]))
    assert [entry.email for entry in plan.removals] == ["alice@example.edu"]
    roster.apply_import(seminar, roster_csv([("bo@example.edu", "Bo", "")]), confirm_removals=1)

    assert not Enrollment.objects.filter(user=alice, seminar=seminar).exists()
    assert client.get(week.get_absolute_url()).status_code == 404
    assert client.get(seminar.get_absolute_url()).status_code == 404
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_row_with_a_bad_role_does_not_remove_its_person(seminar) -> None:
    roster.apply_import(seminar, roster_csv([("alice@example.edu", "Alice", "student")]))
    plan = roster.plan_import(seminar, roster_csv([("alice@example.edu", "Alice", "dean")]))
    assert plan.removals == [] and len(plan.invalid) == 1


def test_enrollments_outside_the_roster_are_left_alone(seminar, staff) -> None:
    roster.apply_import(seminar, roster_csv(class_of(3)))
    roster.apply_import(seminar, roster_csv(class_of(1)), confirm_removals=2)
    assert Enrollment.objects.filter(user=staff, seminar=seminar, role="staff").exists()
    assert RosterEntry.objects.count() == 1


def test_a_stale_preview_is_not_applied(seminar) -> None:
    text = roster_csv(class_of(2))
    digest = roster.plan_import(seminar, text).digest()
    roster.save_entry(RosterEntry(seminar=seminar, email="late@example.edu", role="student"))
    with pytest.raises(roster.StalePreview) as raised:
        roster.apply_import(seminar, text, expected_digest=digest)
    assert [e.email for e in raised.value.plan.removals] == ["late@example.edu"]
    assert RosterEntry.objects.count() == 1


def test_registering_later_links_on_the_next_import(seminar) -> None:
    roster.apply_import(seminar, roster_csv([("late@example.edu", "Late", "student")]))
    make_user("late@example.edu")  # e.g. made by staff in the admin, verified
    plan = roster.plan_import(seminar, roster_csv([("late@example.edu", "Late", "student")]))
    assert len(plan.links) == 1
    roster.apply_import(seminar, roster_csv([("late@example.edu", "Late", "student")]))
    assert Enrollment.objects.filter(seminar=seminar, user__email="late@example.edu").exists()
    assert not roster.plan_import(
        seminar, roster_csv([("late@example.edu", "Late", "student")])
    ).has_changes


def test_attach_user_enrolls_in_every_seminar_that_lists_the_email(seminar) -> None:
    from core.models import Seminar

    other = Seminar.objects.create(title="Other", slug="other")
    roster.apply_import(seminar, roster_csv([("zed@example.edu", "Zed", "student")]))
    roster.apply_import(other, roster_csv([("zed@example.edu", "Zed", "auditor")]))
    zed = User.objects.create_user("zed@example.edu", "x")
    joined = roster.attach_user(zed, "ZED@example.edu")
    assert {s.slug for s in joined} == {"llm-risks", "other"}
    assert dict(Enrollment.objects.filter(user=zed).values_list("seminar__slug", "role")) == {
        "llm-risks": "student",
        "other": "auditor",
    }


def test_save_entry_follows_an_email_change(seminar) -> None:
    alice = make_user("alice@example.edu")
    enroll(make_user("bob@example.edu"), seminar, "auditor")
    entry = RosterEntry(seminar=seminar, email="alice@example.edu", role="student")
    roster.save_entry(entry)
    assert Enrollment.objects.filter(user=alice, seminar=seminar).exists()
    entry.email = "Bob@example.edu"
    roster.save_entry(entry)
    entry.refresh_from_db()
    assert entry.user.email == "bob@example.edu"
    assert not Enrollment.objects.filter(user=alice, seminar=seminar).exists()
    assert Enrollment.objects.get(user=entry.user, seminar=seminar).role == "student"


def test_apply_queries_do_not_grow_with_the_file(seminar) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def import_counting(rows: list[tuple[str, str, str]], confirm: int | None = None) -> int:
        with CaptureQueriesContext(connection) as queries:
            roster.apply_import(seminar, roster_csv(rows), confirm_removals=confirm)
        return len(queries)

    for i in range(3):
        make_user(f"student{i:02d}@example.edu")
    small = import_counting(class_of(5))  # three existing accounts enrolled, two invited
    RosterEntry.objects.all().delete()
    Enrollment.objects.all().delete()
    large = import_counting(class_of(30))  # three accounts, 27 to invite
    assert large == small
    removed = import_counting(class_of(1), confirm=29)  # everyone else removed
    assert removed <= small
