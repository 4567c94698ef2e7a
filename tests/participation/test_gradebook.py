"""The gradebook: scores read off the weekly rule's states, totals, the Canvas and Moodle
files, who may download them, and constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import RosterEntry
from core.models import Enrollment, Seminar, WeekDuty
from participation.gradebook import canvas_csv, gradebook, week_score
from participation.models import SeminarRule, State, StatusOverride
from tests.conftest import enroll, make_user, make_week
from tests.discussions.helpers import add_comment, client_for, first_question
from tests.participation.test_matrix import build_class

pytestmark = pytest.mark.django_db


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def term(seminar, student, staff):
    """Five weeks that give `student` each state: met, met late, missed, exempt (lead),
    not yet; 10 points a week, 0.6 of them when late."""
    SeminarRule.objects.create(
        seminar=seminar, week_points=Decimal("10"), late_fraction=Decimal("0.6")
    )
    past = timezone.now() - dt.timedelta(days=2)
    weeks = [make_week(seminar, number=n, deadline=past) for n in range(1, 5)]
    weeks.append(make_week(seminar, number=5, deadline=timezone.now() + dt.timedelta(days=3)))
    add_comment(weeks[0], student, question=first_question(weeks[0]))  # 1 of 2 sections
    StatusOverride.objects.create(week=weeks[0], user=student, state=State.MET, note="ok")
    StatusOverride.objects.create(week=weeks[1], user=student, state=State.MET_LATE, note="l")
    WeekDuty.objects.create(week=weeks[3], user=student, team=WeekDuty.Team.LEAD)
    RosterEntry.objects.create(
        seminar=seminar, email=student.email, user=student, student_id="S0042"
    )
    return weeks


def test_each_state_scores_by_the_seminars_rule() -> None:
    rule = SeminarRule(week_points=Decimal("10"), late_fraction=Decimal("0.55"))
    assert week_score(State.MET, rule) == Decimal("10")
    assert week_score(State.MET_LATE, rule) == Decimal("5.50")
    assert week_score(State.MISSED, rule) == Decimal("0")
    assert week_score(State.EXEMPT, rule) is None  # excused: not counted
    assert week_score(State.NOT_YET, rule) is None  # not graded yet


def test_scores_and_totals_follow_the_states_the_rule_computed(seminar, student, term) -> None:
    book = gradebook(seminar)
    (row,) = book.rows
    assert [c.status.state for c in row.cells] == [
        State.MET,
        State.MET_LATE,
        State.MISSED,
        State.EXEMPT,
        State.NOT_YET,
    ]
    assert [c.score for c in row.cells] == [Decimal("10"), Decimal("6.00"), 0, None, None]
    assert (row.earned, row.possible, row.percent) == (16, 30, Decimal("53.3"))
    assert row.student_id == "S0042"


def test_the_default_rule_gives_one_point_and_half_for_late(seminar, student, term) -> None:
    SeminarRule.objects.filter(seminar=seminar).delete()
    (row,) = gradebook(seminar).rows
    assert row.total_text == "1.5 / 3"


def test_canvas_file_has_its_columns_points_possible_row_and_excused_cells(
    client, seminar, staff, student, term
) -> None:
    response = client_for(staff).get(reverse("participation:gradebook_canvas", args=[seminar.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "gradebook-canvas-llm-risks-" in response["Content-Disposition"]
    assert response.content.startswith(b"Student,ID,")  # no byte-order mark before it
    header, possible, line = rows(response.content.decode("utf-8"))
    assert header == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        *[f"Participation week {n}" for n in range(1, 6)],
    ]
    assert possible == ["Points Possible", "", "", "", "", "10", "10", "10", "10", "10"]
    assert line == ["Student, Sam", "", "S0042", student.email, "", "10", "6", "0", "EX", ""]


def test_moodle_file_identifies_by_email_and_leaves_excused_weeks_ungraded(
    seminar, staff, student, term
) -> None:
    response = client_for(staff).get(reverse("participation:gradebook_moodle", args=[seminar.slug]))
    header, line = rows(response.content.decode("utf-8"))
    assert header[:3] == ["Email address", "ID number", "Full name"]
    assert header[3:] == [f"Participation week {n}" for n in range(1, 6)]
    assert line == [student.email, "S0042", "Sam Student", "10", "6", "0", "-", "-"]


def test_gradebook_page_shows_scores_totals_and_both_downloads(seminar, staff, student, term):
    response = client_for(staff).get(reverse("participation:gradebook", args=[seminar.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "16 / 30" in page and "53.3" in page and "S0042" in page
    assert 'id="download-canvas"' in page and 'id="download-moodle"' in page


GRADEBOOK_URLS = (
    "participation:gradebook",
    "participation:gradebook_canvas",
    "participation:gradebook_moodle",
)


@pytest.mark.parametrize("name", GRADEBOOK_URLS)
def test_only_the_seminars_staff_get_the_gradebook(
    seminar, week, name, staff, student, lead, auditor, outsider
) -> None:
    other = Seminar.objects.create(title="Other", slug="other")
    elsewhere = enroll(make_user("elsewhere@example.edu", is_staff=True), other, "staff")
    url = reverse(name, args=[seminar.slug])
    expected = {staff: 200, student: 403, lead: 403, auditor: 403, outsider: 404, elsewhere: 404}
    for user, status in expected.items():
        assert client_for(user).get(url).status_code == status, user.email
    assert client_for(None).get(url).status_code == 302  # to the login page
    assert client_for(staff).post(url).status_code == 405


@pytest.mark.parametrize(("students", "weeks"), [(6, 2), (60, 14)])
def test_gradebook_queries_do_not_grow_with_students_or_weeks(
    seminar, staff, students, weeks, django_assert_max_num_queries
) -> None:
    build_class(seminar, students, weeks)
    client = client_for(staff)
    for name in GRADEBOOK_URLS:
        url = reverse(name, args=[seminar.slug])
        client.get(url)
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def test_staff_download_both_files_from_the_admin(seminar, staff, student, term) -> None:
    client = client_for(staff)
    url = reverse("admin:weeks_seminar_changelist")
    for action, first in (
        ("gradebook_canvas_action", "Student"),
        ("gradebook_moodle_action", "Email address"),
    ):
        response = client.post(url, {"action": action, "_selected_action": [seminar.pk]})
        assert response.status_code == 200
        assert rows(response.content.decode())[0][0] == first


def test_export_gradebook_command_writes_either_format(seminar, student, term, tmp_path) -> None:
    out = io.StringIO()
    call_command("export_gradebook", "--seminar", seminar.slug, "--format", "canvas", stdout=out)
    assert rows(out.getvalue())[1][0] == "Points Possible"
    target = tmp_path / "moodle.csv"
    call_command(
        "export_gradebook", "--seminar", seminar.slug, "--format", "moodle", "--output", str(target)
    )
    assert rows(target.read_text(encoding="utf-8"))[1][0] == student.email


def test_students_only_and_a_formula_name_stays_text(seminar, student, auditor, term) -> None:
    student.first_name, student.last_name = "=HYPERLINK(1)", "X"
    student.save()
    lines = rows(canvas_csv(gradebook(seminar)))
    assert len(lines) == 3  # header, points possible, the one student (no auditor, no staff)
    assert lines[2][0] == "X, =HYPERLINK(1)"
    assert Enrollment.objects.filter(seminar=seminar).count() == 3
