"""The staff matrix: constant queries at any size, filters, and the CSV (page and command)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import Enrollment, Extension, Question, WeekDuty
from discussions.models import Comment
from participation.models import State, StatusOverride
from teams.models import Team, TeamMembership
from tests.conftest import make_week
from tests.discussions.helpers import client_for

pytestmark = pytest.mark.django_db


def build_class(seminar, students: int, weeks: int) -> tuple[list[User], list]:
    """`students` students and `weeks` published weeks (one already past), with answers,
    credited replies, team duties, extensions and overrides spread across them."""
    users = User.objects.bulk_create(
        [
            User(email=f"s{i}@example.edu", first_name=f"S{i:02d}", password="!")
            for i in range(students)
        ]
    )
    Enrollment.objects.bulk_create([Enrollment(user=u, seminar=seminar) for u in users])
    team = Team.objects.create(seminar=seminar, name="Red")
    TeamMembership.objects.bulk_create(
        [TeamMembership(team=team, seminar=seminar, user=u) for u in users[::2]]
    )
    now = timezone.now()
    week_list = []
    for n in range(1, weeks + 1):
        deadline = now + dt.timedelta(days=n - 2)  # week 1 has passed
        week_list.append(make_week(seminar, number=n, deadline=deadline))
    comments = []
    for w_index, week in enumerate(week_list):
        q1, _, q2, _ = Question.objects.filter(section__week=week).order_by(
            "section__position", "position"
        )
        WeekDuty.objects.create(week=week, user=users[w_index % students], team="lead")
        for u_index, user in enumerate(users):
            if (u_index + w_index) % 3 == 0:
                continue
            comments.append(Comment(week=week, question=q1, author=user, body="a"))
            if u_index % 2:
                comments.append(Comment(week=week, question=q2, author=user, body="b"))
    Comment.objects.bulk_create(comments)
    Extension.objects.create(week=week_list[0], user=users[1], deadline=now + dt.timedelta(days=9))
    StatusOverride.objects.create(week=week_list[0], user=users[2], state=State.MET, note="ok")
    return users, week_list


@pytest.mark.parametrize(("students", "weeks"), [(6, 2), (60, 14)])
def test_matrix_queries_do_not_grow_with_students_or_weeks(
    seminar, staff, students, weeks, django_assert_max_num_queries
):
    build_class(seminar, students, weeks)
    client = client_for(staff)
    url = reverse("participation:matrix", args=[seminar.slug])
    client.get(url)  # warm caches (sessions, content types)
    start = time.perf_counter()
    with django_assert_max_num_queries(18):
        response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="pcell') == students * weeks
    print(f"\nmatrix {students}x{weeks}: {elapsed * 1000:.0f} ms")


def test_matrix_counts_and_states(seminar, staff):
    users, weeks = build_class(seminar, 6, 2)
    page = (
        client_for(staff).get(reverse("participation:matrix", args=[seminar.slug])).content.decode()
    )
    assert "Met*" in page  # the override
    assert "Missed" in page  # week 1 passed, someone owes it
    assert "Exempt" in page  # week leads


def test_matrix_filters_by_state_team_and_week(seminar, staff):
    users, weeks = build_class(seminar, 6, 3)
    client = client_for(staff)
    url = reverse("participation:matrix", args=[seminar.slug])
    only_week = client.get(url, {"week": weeks[1].slug}).content.decode()
    assert only_week.count('class="pcell') == 6
    red = client.get(url, {"team": Team.objects.get().pk}).content.decode()
    assert red.count('class="pcell') == 3 * 3
    exempt = client.get(url, {"state": State.EXEMPT, "week": weeks[0].slug}).content.decode()
    assert exempt.count('class="pcell') == 1  # the lead of week 1
    assert users[0].name in exempt


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_download_has_a_row_per_student_a_column_per_week_and_totals(seminar, staff):
    users, weeks = build_class(seminar, 6, 3)
    response = client_for(staff).get(reverse("participation:csv", args=[seminar.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response.content.decode())
    header = rows[0]
    assert header[:3] == ["student", "email", "team"]
    assert header[3:6] == [f"week {w.number}: {w.title}" for w in weeks]
    assert header[6:] == [
        "total met",
        "total met late",
        "total not yet",
        "total missed",
        "total exempt",
    ]
    assert len(rows) == 1 + 6
    by_email = {row[1]: row for row in rows[1:]}
    overridden = by_email[users[2].email]
    assert overridden[3] == "met (override)"
    for row in rows[1:]:
        assert sum(int(n) for n in row[6:]) == 3


def test_csv_page_follows_the_filters(seminar, staff):
    build_class(seminar, 6, 2)
    response = client_for(staff).get(
        reverse("participation:csv", args=[seminar.slug]), {"team": Team.objects.get().pk}
    )
    assert len(read_csv(response.content.decode())) == 1 + 3


def test_export_participation_command_prints_the_same_csv(seminar, staff):
    build_class(seminar, 6, 2)
    out = io.StringIO()
    call_command("export_participation", "--seminar", seminar.slug, stdout=out)
    page = client_for(staff).get(reverse("participation:csv", args=[seminar.slug]))
    assert read_csv(out.getvalue()) == read_csv(page.content.decode())


def test_export_participation_command_writes_a_file(seminar, tmp_path):
    build_class(seminar, 3, 1)
    target = tmp_path / "out.csv"
    call_command(
        "export_participation",
        "--seminar",
        seminar.slug,
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    assert len(read_csv(target.read_text())) == 4


def test_export_participation_command_refuses_an_unknown_seminar(seminar):
    with pytest.raises(CommandError, match="no seminar 'nope'"):
        call_command("export_participation", "--seminar", "nope")


def test_csv_keeps_formula_like_names_as_text(seminar, staff):
    users, _ = build_class(seminar, 3, 1)
    User.objects.filter(pk=users[0].pk).update(display_name='=HYPERLINK("http://x")')
    response = client_for(staff).get(reverse("participation:csv", args=[seminar.slug]))
    names = [row[0] for row in read_csv(response.content.decode())[1:]]
    assert '\'=HYPERLINK("http://x")' in names
