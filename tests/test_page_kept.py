"""What a stored page's request keeps per value of the counters (core/lib/page_store.py's
`by_site` and `by_viewer`): the access check's reads, the seminar's staff, a student's
extension, the week's blog post, a viewer's drafts and read state. After each change the
next view shows it, and nobody is served what was kept for another viewer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from blog.models import BlogPost
from core.access.lookups import memberships, week_for_user
from core.lib import page_store
from core.models import Enrollment, Extension, LatePolicy, Week, WeekDuty
from tests.conftest import enroll, make_user
from tests.discussions.helpers import add_comment, base, client_for, first_question
from tests.discussions.test_unread import mark_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_minute")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, week, status: int = 200) -> str:
    response = client.get(base(week))
    assert response.status_code == status
    return response.content.decode()


def test_an_extension_opens_a_closed_week_on_the_students_next_view(week, student):
    Week.objects.filter(pk=week.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1), late_policy=LatePolicy.CLOSE
    )
    client = client_for(student)
    page(client, week)
    assert "Posting is closed for this thread." in page(client, week)  # the stored page

    Extension.objects.create(
        week=week, user=student, deadline=timezone.now() + dt.timedelta(days=1)
    )

    html = page(client, week)
    assert "Posting is closed for this thread." not in html
    assert "Answer this question" in html


def test_a_member_removed_from_the_seminar_loses_the_week_on_the_next_view(week, student):
    client = client_for(student)
    page(client, week)
    page(client, week)

    Enrollment.objects.filter(user=student, seminar=week.seminar).delete()

    page(client, week, status=404)


def test_an_unpublished_week_is_gone_for_students_and_still_there_for_staff(week, student, staff):
    students, staffs = client_for(student), client_for(staff)
    for client in (students, staffs, students, staffs):
        page(client, week)

    Week.objects.filter(pk=week.pk).update(status=Week.Status.DRAFT)

    page(students, week, status=404)
    assert "only staff can see this week" in page(staffs, week)


def test_a_new_staff_member_gets_the_staff_badge_on_their_comments(week, student, other_student):
    add_comment(week, other_student, "OLIVE-ANSWER", question=first_question(week))
    client = client_for(student)
    before = page(client, week)
    page(client, week)  # the stored page

    Enrollment.objects.filter(user=other_student, seminar=week.seminar).update(
        role=Enrollment.Role.STAFF
    )

    after = page(client, week)
    assert after.count("badge-staff") > before.count("badge-staff")


def test_a_published_blog_post_shows_on_every_readers_next_view(week, student):
    client = client_for(student)
    page(client, week)
    assert "KEPT-POST-TITLE" not in page(client, week)

    BlogPost.objects.create(
        week=week,
        title="KEPT-POST-TITLE",
        status=BlogPost.Status.PUBLISHED,
        published_at=timezone.now(),
    )

    assert "KEPT-POST-TITLE" in page(client, week)


def test_a_draft_saved_in_the_viewers_request_shows_to_them_alone(week, student, other_student):
    question = first_question(week)
    mine, theirs = client_for(student), client_for(other_student)
    for client in (mine, theirs, mine, theirs):
        page(client, week)

    saved = mine.post(f"{base(week)}draft/?question={question.pk}", {"body": "SAM-DRAFT"}, **HTMX)
    assert saved.status_code in (200, 204)
    theirs.post(f"{base(week)}draft/?question={question.pk}", {"body": "OLIVE-DRAFT"}, **HTMX)

    assert "SAM-DRAFT" in page(mine, week)
    assert "OLIVE-DRAFT" not in page(mine, week)
    assert "OLIVE-DRAFT" in page(theirs, week)
    assert "SAM-DRAFT" not in page(theirs, week)


def test_marking_read_takes_the_markers_away_for_the_reader_only(week, student, other_student):
    outsider = enroll(make_user("third@example.edu"), week.seminar)
    add_comment(week, outsider, "THIRD-ANSWER", question=first_question(week))
    mine, theirs = client_for(student), client_for(other_student)
    for client in (mine, theirs, mine, theirs):
        assert "unread-new" in page(client, week)

    assert mark_page(mine, week).status_code in (200, 204)

    assert "unread-new" not in page(mine, week)
    assert "unread-new" in page(theirs, week)


def test_a_new_duty_gives_the_lead_tools_on_the_next_view(week, student):
    client = client_for(student)
    page(client, week)
    assert "The lead&#x27;s brief" not in page(client, week)

    WeekDuty.objects.create(week=week, user=student, team=WeekDuty.Team.LEAD)

    assert "brief" in page(client, week).split("Discussion questions")[0]


def test_what_the_access_check_keeps_is_copied_for_each_request(week, student):
    """Pages set attributes on the week and seminar they read: a kept row is never handed
    out itself, or one request's changes would show in the next."""

    def resolved():  # as core.access.decorators does for a request, with its own user
        user = User.objects.get(pk=student.pk)
        memberships(user)
        return week_for_user(user, week.seminar.slug, week.slug)

    token = page_store.PAGE_COUNTERS.set((1, 1, student.pk))
    try:
        first = resolved()
        first.week.title = "CHANGED BY ONE REQUEST"
        first.week.seminar.title = "CHANGED TOO"
        with CaptureQueriesContext(connection) as queries:
            second = resolved()
    finally:
        page_store.PAGE_COUNTERS.reset(token)
    assert len(queries) == 1  # the user; the enrolments and the week were kept
    assert second.week is not first.week and second.week.seminar is not first.week.seminar
    assert second.week.title == week.title
    assert second.week.seminar.title == week.seminar.title


def test_kept_values_are_per_viewer_and_none_is_kept_too(week, student, other_student):
    built = []

    def build(value):
        built.append(value)
        return value

    token = page_store.PAGE_COUNTERS.set((7, 3, student.pk))
    try:
        assert page_store.by_viewer(("k", student.pk), lambda: build("sam")) == "sam"
        assert page_store.by_viewer(("k", student.pk), lambda: build("again")) == "sam"
        assert page_store.by_site(("none",), lambda: build(None)) is None
        assert page_store.by_site(("none",), lambda: build("rebuilt")) is None
    finally:
        page_store.PAGE_COUNTERS.reset(token)
    token = page_store.PAGE_COUNTERS.set((7, 3, other_student.pk))
    try:  # same counters, another viewer: another key
        assert page_store.by_viewer(("k", other_student.pk), lambda: build("olive")) == "olive"
    finally:
        page_store.PAGE_COUNTERS.reset(token)
    token = page_store.PAGE_COUNTERS.set((7, 4, student.pk))
    try:  # the viewer's own counter moved: built again
        assert page_store.by_viewer(("k", student.pk), lambda: build("new")) == "new"
    finally:
        page_store.PAGE_COUNTERS.reset(token)
    assert built == ["sam", None, "olive", "new"]
    # Outside a stored page's request nothing is kept.
    assert page_store.by_site(("none",), lambda: build("fresh")) == "fresh"
