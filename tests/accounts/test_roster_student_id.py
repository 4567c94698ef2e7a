"""The roster's optional fourth column, the student ID the gradebook exports match by."""

from __future__ import annotations

import pytest

from accounts import roster
from accounts.models import RosterEntry
from accounts.roster_csv import parse_roster

pytestmark = pytest.mark.django_db


def test_the_fourth_column_is_the_student_id_and_three_column_files_still_read() -> None:
    rows, invalid, _ = parse_roster(
        "email,name,role,student_id\nann@example.edu,Ann,student,S001\nbo@example.edu,Bo,\n"
    )
    assert not invalid
    assert [(r.email, r.student_id) for r in rows] == [
        ("ann@example.edu", "S001"),
        ("bo@example.edu", ""),
    ]
    rows, invalid, _ = parse_roster("email,name,role\nann@example.edu,Ann,student\n")
    assert not invalid and [r.email for r in rows] == ["ann@example.edu"]


@pytest.mark.parametrize("bad", ["=cmd()", "-12", "has space", "x" * 65])
def test_a_student_id_a_spreadsheet_could_misread_is_refused_with_its_reason(bad) -> None:
    _, invalid, mentioned = parse_roster(f"ann@example.edu,Ann,student,{bad}\n")
    assert "student ID" in invalid[0].reason
    assert "ann@example.edu" in mentioned  # still named: not removed from the roster


def test_import_sets_and_changes_ids_and_a_blank_id_keeps_the_old_one(seminar) -> None:
    roster.apply_import(seminar, "ann@example.edu,Ann,student,S001\nbo@example.edu,Bo,student,\n")
    ids = dict(RosterEntry.objects.values_list("email", "student_id"))
    assert ids == {"ann@example.edu": "S001", "bo@example.edu": ""}
    plan = roster.plan_import(
        seminar, "ann@example.edu,Ann,student,S009\nbo@example.edu,Bo,student\n"
    )
    assert [(c.old, c.new) for c in plan.id_changes] == [("S001", "S009")]
    roster.apply_import(seminar, "ann@example.edu,Ann,student,S009\nbo@example.edu,Bo,student\n")
    roster.apply_import(seminar, "ann@example.edu,Ann,student\nbo@example.edu,Bo,student\n")
    assert RosterEntry.objects.get(email="ann@example.edu").student_id == "S009"
    assert not roster.plan_import(
        seminar, "ann@example.edu,Ann,student\nbo@example.edu,Bo\n"
    ).has_changes


def test_a_changed_id_makes_an_older_preview_stale(seminar) -> None:
    roster.apply_import(seminar, "ann@example.edu,Ann,student,S001\n")
    before = roster.plan_import(seminar, "ann@example.edu,Ann,student,S002\n").digest()
    after = roster.plan_import(seminar, "ann@example.edu,Ann,student,S003\n").digest()
    assert before != after
