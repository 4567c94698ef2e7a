"""Team duties on the seminar home and the site home; teams on the week page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Seminar, Week, WeekDuty
from teams.models import Team, TeamMembership
from tests.conftest import enroll, make_week

pytestmark = pytest.mark.django_db


def test_the_lead_sees_you_lead_week_n_on_the_seminar_home_with_a_link(client, week, lead):
    client.force_login(lead)
    html = client.get(week.seminar.get_absolute_url()).content.decode()
    assert "Your team duties" in html
    assert f'You lead\n          <a href="{week.get_absolute_url()}">Week 1</a>' in html
    assert "Prepare week" not in html  # a published week is not prepared any more


def test_the_blogger_sees_you_blog_week_n(client, week, blogger):
    client.force_login(blogger)
    html = client.get(week.seminar.get_absolute_url()).content.decode()
    assert "You blog" in html


def test_a_student_without_duties_sees_no_duties_but_the_schedule_link(client, week, student):
    client.force_login(student)
    html = client.get(week.seminar.get_absolute_url()).content.decode()
    assert "Your team duties" not in html
    assert f'href="{reverse("teams:schedule", args=[week.seminar.slug])}"' in html
    assert "Review queue" not in html
    assert "Archive the seminar" not in html


def test_staff_see_the_review_queue_and_archive_links(client, week, staff):
    client.force_login(staff)
    html = client.get(week.seminar.get_absolute_url()).content.decode()
    assert f'href="{reverse("weeks:lead_queue", args=[week.seminar.slug])}"' in html
    assert "Review queue (0)" in html
    assert f'href="{reverse("weeks:archive", args=[week.seminar.slug])}"' in html


def test_seminar_home_duty_queries_do_not_grow_with_duties(client, seminar, student):
    client.force_login(student)
    make_week(seminar, number=1)
    client.get(seminar.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        client.get(seminar.get_absolute_url())
    for number in range(2, 8):
        week = make_week(seminar, number=number)
        team = WeekDuty.Team.LEAD if number % 2 else WeekDuty.Team.BLOG
        WeekDuty.objects.create(week=week, user=student, team=team)
    with CaptureQueriesContext(connection) as many:
        html = client.get(seminar.get_absolute_url()).content.decode()
    assert html.count("You lead") == 3 and html.count("You blog") == 3
    assert len(many) == len(one)


def test_the_site_home_lists_duties_under_each_seminar(client, seminar, week, lead):
    other = Seminar.objects.create(title="Second seminar", slug="second")
    enroll(lead, other)
    draft = make_week(other, number=4, status=Week.Status.DRAFT)
    WeekDuty.objects.create(week=draft, user=lead, team=WeekDuty.Team.LEAD)
    client.force_login(lead)
    html = client.get("/").content.decode()
    cards = {
        card.split("</a>")[0].rsplit(">", 1)[-1]: card
        for card in html.split('<li class="card">')[1:]
    }
    assert f'You lead <a href="{week.get_absolute_url()}">week 1</a>' in cards["LLM Risks"]
    prepare = reverse("weeks:lead_prepare", args=["second", draft.slug])
    assert f'You lead week 4 · <a href="{prepare}">Prepare week 4</a>' in cards["Second seminar"]
    assert "week 4" not in cards["LLM Risks"]


def test_site_home_queries_do_not_grow_with_seminars(client, seminar, week, lead):
    client.force_login(lead)
    enroll(lead, Seminar.objects.create(title="Two", slug="two"))
    client.get("/")
    with CaptureQueriesContext(connection) as two:
        client.get("/")
    for n in range(3, 7):
        other = Seminar.objects.create(title=f"S{n}", slug=f"s{n}")
        enroll(lead, other)
        WeekDuty.objects.create(week=make_week(other, number=1), user=lead, team=WeekDuty.Team.BLOG)
    with CaptureQueriesContext(connection) as six:
        assert client.get("/").content.decode().count("You blog") == 4
    assert len(six) == len(two)


def test_the_week_page_names_lead_and_blogging_teams_by_fixed_team(
    client, seminar, week, lead, blogger, student
):
    ada = Team.objects.create(seminar=seminar, name="Ada", position=1)
    TeamMembership.objects.create(team=ada, user=lead)
    client.force_login(student)
    html = client.get(week.get_absolute_url()).content.decode()
    assert "<dt>Lead team</dt><dd>Ada: lead</dd>" in html
    assert "<dt>Blogging team</dt><dd>blogger</dd>" in html


def test_staff_reading_a_draft_week_get_a_link_to_its_editor(client, seminar, staff):
    draft = make_week(seminar, number=5, status=Week.Status.DRAFT)
    client.force_login(staff)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert f'href="{reverse("weeks:lead_prepare", args=[seminar.slug, draft.slug])}"' in html


def test_the_schedule_links_staff_to_the_weeks_to_review(client, seminar, week, staff, student):
    url = reverse("teams:schedule", args=[seminar.slug])
    queue = reverse("weeks:lead_queue", args=[seminar.slug])
    client.force_login(staff)
    assert queue in client.get(url).content.decode()
    client.force_login(student)
    assert queue not in client.get(url).content.decode()
