"""The week page's SQL query count does not grow with the number of comments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.management.commands.bench_week import build_discussion, build_week
from core.models import Enrollment, Seminar
from discussions.models import Comment
from tests.conftest import enroll
from tests.discussions.helpers import add_comment, client_for, first_question

# Session, user, seminar, enrollment, week, team, readings, sections, questions, the
# discussion's own reads (comments, questions, team, staff, locks, drafts) and the
# base template's: a fixed budget, whatever the number of comments.
MAX_QUERIES = 22


def week_page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_week_page_costs_the_same_queries_for_10_and_300_comments(
    django_assert_max_num_queries,
):
    small_week, small_students = build_week(slug="small")
    big_week, big_students = build_week(slug="big")
    assert build_discussion(week=small_week, students=small_students, count=10) == 10
    assert build_discussion(week=big_week, students=big_students, count=300) == 300
    small_client = client_for_forced(small_students[-1])
    big_client = client_for_forced(big_students[-1])
    small_url, big_url = small_week.get_absolute_url(), big_week.get_absolute_url()
    week_page_queries(small_client, small_url)  # warm caches (sessions, content types)
    week_page_queries(big_client, big_url)

    small = week_page_queries(small_client, small_url)
    with django_assert_max_num_queries(MAX_QUERIES):
        big = week_page_queries(big_client, big_url)

    assert small == big
    page = big_client.get(big_url).content.decode()
    assert page.count('class="comment ') == Comment.objects.filter(week=big_week).count()


def test_staff_and_leads_pages_are_constant_too(week, staff, lead, student, other_student):
    counts = []
    for n in (3, 40):
        for i in range(n):
            parent = add_comment(week, other_student, f"a{i}", question=first_question(week))
            add_comment(week, student, f"r{i}", parent=parent)
        counts.append(
            [week_page_queries(client_for(u), week.get_absolute_url()) for u in (staff, lead)]
        )
    assert counts[0] == counts[1]


def client_for_forced(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The whole week page assembled after a change, by viewer (measured: student 21, lead 23,
# staff 19 on SQLite and PostgreSQL; the viewer's enrolments are read once for the access
# checks and the header's switcher), and a repeat view, answered from the stored page
# (core/lib/page_store.py): session, user, enrolments, week, the stored pages' counters.
ASSEMBLY_QUERIES = {"student": 21, "lead": 23, "staff": 19}
REPEAT_VIEW_QUERIES = 5


@pytest.mark.usefixtures("same_minute")
@pytest.mark.parametrize("who", sorted(ASSEMBLY_QUERIES))
def test_a_repeat_view_of_the_whole_week_page_stays_within_its_query_budget(
    week, who, request, other_student
):
    user = request.getfixturevalue(who)
    for i in range(5):
        add_comment(week, other_student, f"a{i}", question=first_question(week))
    client = client_for(user)
    url = week.get_absolute_url()
    week_page_queries(client, url)  # the very first view (sets the CSRF cookie)
    first = [week_page_queries(client, url) for _ in range(2)]  # assembled, then stored
    for i in range(20):
        add_comment(week, other_student, f"b{i}", question=first_question(week))
    after = [week_page_queries(client, url) for _ in range(2)]
    assembled, repeat = after
    assert assembled <= ASSEMBLY_QUERIES[who]
    assert repeat == first[1] <= REPEAT_VIEW_QUERIES


def test_the_shared_read_of_enrolments_shows_each_viewer_only_their_own_seminars(
    week, seminar, student, staff
):
    mine = Seminar.objects.create(title="Only the student's", slug="only-student", term="x")
    enroll(student, mine)
    url = week.get_absolute_url()
    for user, expected in ((student, {seminar.pk, mine.pk}), (staff, {seminar.pk})):
        response = client_for(user).get(url)
        shown = {m.seminar_id for m in response.context["my_memberships"]}
        assert shown == expected
        assert (
            response.context["access"].seminar_access.role
            == Enrollment.objects.get(user=user, seminar=seminar).role
        )
