"""The seminar's schedule page and the duty selectors the home and week pages use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse

from core.access import seminar_access
from core.models import Seminar, Week, WeekDuty
from teams import services
from teams.models import Team
from teams.selectors import duties_for, schedule_for, week_teams
from tests.conftest import make_week

URL = "/s/llm-risks/schedule/"


@pytest.fixture
def term(seminar, students):
    """Three teams of two (Ada, Bayes, Curie), weeks 1–3 published, week 2 staff-run, week 4
    a draft, and the rotation generated with offset 1."""
    members = students(6)
    for position, name in enumerate(["Ada", "Bayes", "Curie"]):
        team = Team.objects.create(seminar=seminar, name=name, position=position + 1)
        for user in members[position * 2 : position * 2 + 2]:
            services.team_member_add(team=team, user=user)
    make_week(seminar, number=1, class_date=dt.date(2023, 9, 11))
    make_week(seminar, number=2, staff_run=True)
    make_week(seminar, number=3)
    make_week(seminar, number=4, status=Week.Status.DRAFT)
    services.rotation_generate(seminar=seminar, blog_offset=1)
    return members


def rows_of(page: str) -> list[str]:
    return page.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]


def test_students_see_published_weeks_with_their_teams(client, term):
    client.force_login(term[0])  # in Ada, which leads week 1

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Schedule of LLM Risks · Fall 2023</h1>" in page
    week1, week2, week3 = rows_of(page)
    assert '<time datetime="2023-09-11">Mon 11 Sep 2023</time>' in week1
    assert 'href="/s/llm-risks/w/week1/"' in week1
    assert '<td>Ada <strong class="you">(you)</strong></td>' in week1
    assert "<td>Bayes</td>" in week1
    assert week2.count("<td>Staff</td>") == 2
    assert "<td>Bayes</td>" in week3 and "<td>Curie</td>" in week3
    assert "week4" not in page
    assert "Draft" not in page and "Published" not in page
    assert reverse("teams:overview", args=["llm-risks"]) not in page


def test_staff_see_drafts_statuses_and_edit_links(client, staff, term):
    client.force_login(staff)

    page = client.get(URL).content.decode()

    rows = rows_of(page)
    assert len(rows) == 4
    # Under the week's title, not in columns of their own (the table fits a phone).
    assert '<span class="schedule-staff meta">Published, staff-run · <a' in rows[1]
    assert '<span class="schedule-staff meta">Draft · <a' in rows[3]
    assert "<td>Curie</td><td>Ada</td>" in rows[3].replace("\n", "").replace("  ", "")
    assert 'href="/s/llm-risks/teams/manage/weeks/week4/"' in rows[3]


def test_a_week_with_one_person_swapped_names_the_people(client, staff, seminar, term):
    week1 = Week.objects.get(number=1)
    services.week_team_remove(week=week1, user=term[0])
    services.week_team_add(week=week1, user=term[4], team_kind="lead")
    client.force_login(staff)

    rows = rows_of(client.get(URL).content.decode())

    assert "<td>Ada (s01); Curie (s04)</td>" in rows[0]


def test_outsiders_and_visitors_get_404_unless_the_seminar_is_public(
    client, seminar, outsider, term
):
    assert client.get(URL)["Location"].startswith("/accounts/login/?next=")
    client.force_login(outsider)
    assert client.get(URL).status_code == 404

    seminar.visibility = Seminar.Visibility.PUBLIC
    seminar.save()
    client.logout()
    page = client.get(URL).content.decode()
    assert len(rows_of(page)) == 3
    assert "Draft" not in page


@pytest.mark.parametrize("who", ["auditor", "student"])
def test_every_member_may_see_the_schedule(client, request, who, term):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 200


def test_the_schedule_is_read_only(client, student):
    client.force_login(student)
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("who", ["staff", "student"])
def test_schedule_queries_do_not_grow_with_weeks(
    client, request, seminar, students, who, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    students(8)
    services.teams_generate(seminar=seminar, count=4, seed=1)
    for number in range(1, 4):
        make_week(seminar, number=number)
    services.rotation_generate(seminar=seminar)
    # 9: the page's own reads and the header's For you count (one query on every signed-in page)
    with django_assert_max_num_queries(9) as few:
        client.get(URL)
    for number in range(4, 16):
        make_week(seminar, number=number, staff_run=number % 5 == 0)
    services.rotation_generate(seminar=seminar)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(URL)
    assert len(rows_of(response.content.decode())) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


# --- selectors ------------------------------------------------------------------------


def test_duties_for_lists_a_students_weeks_in_order_in_one_query(
    seminar, term, django_assert_num_queries
):
    other = Seminar.objects.create(title="Other", slug="other")
    other_week = make_week(other, number=1)
    WeekDuty.objects.create(week=other_week, user=term[2], team=WeekDuty.Team.LEAD)

    with django_assert_num_queries(1):
        duties = duties_for(term[2], seminar)  # in Bayes: blogs week 1, leads week 3
        labels = [(d.week.number, d.verb, d.week.get_absolute_url()) for d in duties]

    assert labels == [
        (1, "blog", "/s/llm-risks/w/week1/"),
        (3, "lead", "/s/llm-risks/w/week3/"),
    ]
    assert [(d.is_lead, d.is_blog) for d in duties] == [(False, True), (True, False)]


def test_duties_include_draft_weeks_and_are_empty_for_visitors(seminar, term):
    assert [d.week.number for d in duties_for(term[4], seminar)] == [3, 4]  # Curie
    assert duties_for(AnonymousUser(), seminar) == []


def test_week_teams_names_each_team_and_its_people(seminar, term):
    teams = week_teams(Week.objects.select_related("seminar").get(number=1))
    assert teams.lead_label == "Ada"
    assert teams.lead_detail == "Ada: s00, s01"
    assert teams.blog_detail == "Bayes: s02, s03"
    assert [u.email for u in teams.lead_people] == ["s00@example.edu", "s01@example.edu"]


def test_week_teams_of_an_unassigned_or_staff_run_week(seminar, term):
    assert week_teams(Week.objects.get(number=2)).lead_label == "Staff"
    fresh = make_week(seminar, number=9)
    assert week_teams(fresh).blog_detail == "—"


def test_people_in_no_team_are_named_after_the_teams(seminar, term, student):
    week = Week.objects.get(number=1)
    services.week_team_add(week=week, user=student, team_kind="lead")
    assert week_teams(week).lead_label == "Ada; Sam Student"


def test_schedule_for_a_student_leaves_out_drafts(seminar, term):
    rows = schedule_for(seminar_access(term[0], seminar))
    assert [row.week.number for row in rows] == [1, 2, 3]


# --- fragments for the seminar home and the week page ---------------------------------


def test_duties_fragment_says_which_weeks_a_student_leads_and_blogs(seminar, term):
    Week.objects.filter(number=3).update(status=Week.Status.DRAFT)
    html = render_to_string("teams/_duties.html", {"duties": duties_for(term[2], seminar)})
    text = " ".join(html.split())
    assert 'You blog <a href="/s/llm-risks/w/week1/">Week 1</a> (<time' in text
    assert "You lead Week 3 · <a" in text  # a draft: named, not linked
    assert render_to_string("teams/_duties.html", {"duties": []}).strip() == ""


def test_week_teams_fragment_names_the_teams_and_their_people(seminar, term):
    html = render_to_string(
        "teams/_week_teams.html", {"week_teams": week_teams(Week.objects.get(number=1))}
    )
    assert "<dt>Lead team</dt><dd>Ada: s00, s01</dd>" in html
    assert "<dt>Blogging team</dt><dd>Bayes: s02, s03</dd>" in html
    staff_week = week_teams(Week.objects.get(number=2))
    assert "<dd>Staff</dd>" in render_to_string(
        "teams/_week_teams.html", {"week_teams": staff_week}
    )
    empty = week_teams(make_week(seminar, number=9))
    assert render_to_string("teams/_week_teams.html", {"week_teams": empty}).strip() == ""
