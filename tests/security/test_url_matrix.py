"""The URL x role matrix: every URL of the site, filled with seminar B's objects, tried by
everyone who is not of B — anonymous, an outsider, a student of A, the staff of A.

The routes come from the URL resolver (tests/security/routes.py); only the admin (its own
matrix: test_admin_matrix.py) and allauth's account pages (the visitor's own account, no
seminar data) are skipped, by prefix, with the reason below. A kwarg the fixture world
cannot fill fails `test_every_route_can_be_filled`, so a new route is tried or listed
here, never silently dropped.

- GET: never 5xx, every page under /s/<B>/ refused (404/405, or the login page for the
  anonymous), never a byte of B's private content (every private text of B carries
  MARKER; `test_the_marker_is_visible_to_bs_own_staff` shows the check can fail);
- POST with a valid CSRF token by the staff of A to each of B's URLs: no row changes,
  anywhere in the database (sessions and last_login aside).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from accounts.models import RosterEntry, User
from blog.feeds import feed_token
from blog.models import BlogFeedback, BlogPost, BlogRevision
from core.lead_models import WeekReview
from core.models import Enrollment, Extension, Question, Seminar, Week, WeekDuty
from discussions.models import Comment, CommentRevision, Draft, Flag, ModerationAction, ThreadLock
from notifications.emails import unsubscribe_token
from notifications.models import Notice
from participation.models import State, StatusOverride
from teams.models import Team, TeamMembership
from tests.conftest import enroll, make_user, make_week
from tests.discussions.helpers import add_comment, first_question
from tests.security.routes import Route, is_under, site_routes

MARKER = "ZQ-BRAVO-PRIVATE"

SKIPPED_PREFIXES = {
    "admin/": "the admin has its own matrix: tests/security/test_admin_matrix.py",
    "accounts/": "allauth's account pages show the visitor's own account, no seminar data",
}
ROLES = ("anonymous", "outsider", "student_of_a", "staff_of_a")
CSRF_SECRET = "s" * 32  # an unmasked secret: Django accepts it as cookie and as token


@dataclass
class World:
    a: Seminar
    b: Seminar
    users: dict[str, User | None]
    staff_b: User
    values: dict[str, str]  # kwarg -> B's value
    per_route: dict[str, dict[str, str]]  # route name -> kwarg overrides

    def values_for(self, route: Route) -> dict[str, str]:
        return {**self.values, **self.per_route.get(route.name, {})}


def build_bravo() -> tuple[Seminar, User, dict[str, str], str]:
    """Seminar B, every private text of it carrying MARKER."""
    b = Seminar.objects.create(
        title=f"{MARKER} seminar", slug="bravo", description=f"About {MARKER}"
    )
    week = make_week(b)  # the same week slug as A's week, on purpose
    Week.objects.filter(pk=week.pk).update(title=f"{MARKER} week")
    week.refresh_from_db()
    week.intro = f"Intro {MARKER}"
    week.save()
    Question.objects.filter(section__week=week).update(body=f"A {MARKER} question?")
    staff_b = enroll(make_user("staff-b@example.edu", is_staff=True), b, Enrollment.Role.STAFF)
    student_b = enroll(make_user("student-b@example.edu", display_name=f"{MARKER} student"), b)
    team = Team.objects.create(seminar=b, name=f"{MARKER} team")
    TeamMembership.objects.create(team=team, user=student_b)
    WeekDuty.objects.create(week=week, user=student_b, team=WeekDuty.Team.LEAD)
    blogger_b = enroll(make_user("blogger-b@example.edu"), b)
    WeekDuty.objects.create(week=week, user=blogger_b, team=WeekDuty.Team.BLOG)
    question = first_question(week)
    image = default_storage.save(
        "uploads/bravo-private.png", ContentFile(b"\x89PNG\r\n" + MARKER.encode())
    )
    answer = add_comment(
        week, student_b, f"{MARKER} answer ![x](/media/{image})", question=question
    )
    reply = add_comment(week, staff_b, f"{MARKER} reply", parent=answer)
    add_comment(week, student_b, f"{MARKER} general")
    notice = Notice.objects.create(
        recipient=student_b, key=f"c{reply.pk}", week=week, comment=reply, actor=staff_b
    )
    CommentRevision.objects.create(comment=answer, body=f"{MARKER} v0", edited_by=student_b)
    Draft.objects.create(user=student_b, week=week, question=question, body=f"{MARKER} draft")
    flag = Flag.objects.create(comment=answer, user=staff_b, reason=f"{MARKER} flag")
    ModerationAction.objects.create(
        week=week, comment=answer, actor=staff_b, action="pin", reason=f"{MARKER} pin"
    )
    ThreadLock.objects.create(week=week, question=question, locked_by=staff_b)
    StatusOverride.objects.create(
        week=week, user=student_b, state=State.MET, note=f"{MARKER} note", set_by=staff_b
    )
    Extension.objects.create(
        week=week, user=student_b, deadline=timezone.now(), note=f"{MARKER} ext"
    )
    WeekReview.objects.create(week=week, note=f"{MARKER} review", submitted_by=student_b)
    post = BlogPost.objects.create(week=week, title=f"{MARKER} post", body=f"{MARKER} body")
    revision = BlogRevision.objects.create(post=post, version=1, title="t", body=MARKER)
    BlogFeedback.objects.create(post=post, author=staff_b, body=f"{MARKER} feedback")
    RosterEntry.objects.create(seminar=b, email="invitee-b@example.edu", name=f"{MARKER} i")
    values = {
        "seminar_slug": b.slug,
        "week_slug": week.slug,
        "comment_id": str(answer.pk),
        "question_id": str(question.pk),
        "flag_id": str(flag.pk),
        "notice_id": str(notice.pk),
        "team_id": str(team.pk),
        "user_id": str(student_b.pk),
        "revision_id": str(revision.pk),
        "verdict": "credit",
        "path": image,
    }
    return b, staff_b, values, image


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    a = Seminar.objects.create(title="Alpha Seminar", slug="alpha")
    make_week(a)
    b, staff_b, values, _ = build_bravo()
    student_a = enroll(make_user("student-a@example.edu"), a)
    users = {
        "anonymous": None,
        "outsider": make_user("outsider@example.edu"),
        "student_of_a": student_a,
        "staff_of_a": enroll(
            make_user("staff-a@example.edu", is_staff=True), a, Enrollment.Role.STAFF
        ),
    }
    # Kwargs whose meaning depends on the route: a capability token of the *attacker* (the
    # student of A), never one of B's.
    per_route = {
        "blog:private_feed": {"token": feed_token(student_a, b)},
        "profile:calendar": {"token": student_a.calendar_token},
        "notifications:unsubscribe": {"token": unsubscribe_token(student_a, "replies")},
    }
    return World(a=a, b=b, users=users, staff_b=staff_b, values=values, per_route=per_route)


def tried_routes() -> list[Route]:
    return [r for r in site_routes() if not is_under(r, SKIPPED_PREFIXES)]


def client_for(user: User | None, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def body_of(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:2] == b"PK":  # a zip (the data export): what is inside counts
        archive = zipfile.ZipFile(io.BytesIO(data))
        data = b"".join(archive.read(name) for name in archive.namelist())
    return data.decode(errors="replace")


def test_every_route_can_be_filled(world):
    unfilled = {
        r.route: r.missing(world.values_for(r))
        for r in tried_routes()
        if r.missing(world.values_for(r))
    }
    assert unfilled == {}, (
        "new URL kwargs: give them a value of seminar B in tests/security/test_url_matrix.py"
    )
    assert len(tried_routes()) >= 75


def refused(response, role: str) -> bool:
    """Nobody outside B opens a page under /s/<B>/: 404 (or 405 for a POST-only URL);
    anonymous visitors may be sent to the login page instead."""
    if response.status_code in (404, 405):
        return True
    to_login = response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    return role == "anonymous" and to_login


@pytest.mark.parametrize("role", ROLES)
def test_get_of_every_url_shows_nothing_of_b(world, role, capsys):
    client = client_for(world.users[role])
    leaks, errors = [], []
    for route in tried_routes():
        url = route.url(world.values_for(route))
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"{url} ({route.name}): {response.status_code}")
        elif MARKER in body_of(response):
            leaks.append(f"{url} ({route.name}): {response.status_code}")
        elif route.route.startswith("s/") and not refused(response, role):
            leaks.append(f"{url} ({route.name}) opens: {response.status_code}")
    assert errors == []
    assert leaks == []
    with capsys.disabled():
        print(f"\nURL matrix, {role}: {len(tried_routes())} URLs, GET, no leak, no 5xx")


def test_the_marker_is_visible_to_bs_own_staff(world):
    """The other side: B's staff see MARKER where the matrix says nobody else does."""
    client = client_for(world.staff_b)
    seen = set()
    for route in tried_routes():
        response = client.get(route.url(world.values_for(route)))
        assert response.status_code < 500, route.route
        if MARKER in body_of(response):
            seen.add(route.name)
    expected = {
        "weeks:seminar", "weeks:detail", "discussions:history",
        "discussions:flags", "moderation:flags", "teams:overview", "blog:post", "media",
    }  # fmt: skip
    assert expected <= seen


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model (sessions, and users' last_login, aside)."""
    rows = {}
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session"}:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return rows


def post_data(world: World) -> dict[str, str]:
    """What the forms of the site take, filled with B's ids: enough for most views to act."""
    v = world.values
    return {
        "csrfmiddlewaretoken": CSRF_SECRET,
        "body": "written by the staff of A",
        "title": "changed by the staff of A",
        "text": "changed by the staff of A",
        "note": "by A",
        "reason": "by A",
        "name": "by A",
        "action": "hide",
        "question": v["question_id"],
        "question_id": v["question_id"],
        "comment": v["comment_id"],
        "parent": v["comment_id"],
        "user": v["user_id"],
        "user_id": v["user_id"],
        "users": v["user_id"],
        "team": v["team_id"],
        "team_id": v["team_id"],
        "state": "met",
        "verdict": "credit",
        "email": "x@example.edu",
        "confirm": "yes",
        "version": "1",
    }


def test_posts_of_the_staff_of_a_to_bs_urls_change_nothing(world):
    client = client_for(world.users["staff_of_a"], enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    b_routes = [r for r in tried_routes() if r.route.startswith("s/<slug:seminar_slug>/")]
    b_routes += [r for r in tried_routes() if r.name == "media"]
    data = post_data(world)
    before = snapshot()
    errors = []
    for route in b_routes:
        url = route.url(world.values_for(route))
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.post(url, data, HTTP_X_CSRFTOKEN=CSRF_SECRET, **headers)
            if (
                response.status_code >= 500
                or response.status_code == 403
                and (b"CSRF" in response.content)
            ):
                errors.append(f"POST {url}: {response.status_code}")
            elif MARKER in body_of(response):
                errors.append(f"POST {url} shows B's content")
    after = snapshot()
    assert errors == []
    changed = {label: after[label] for label in before if before[label] != after[label]}
    assert changed == {}
    assert len(b_routes) >= 60


def test_the_same_posts_by_bs_own_staff_do_change_b(world):
    """The post data is good enough to act on: B's own staff, posting it, change rows."""
    client = client_for(world.staff_b, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_SECRET
    data = post_data(world)
    comments = Comment.objects.count()
    b = world.values
    answer_url = f"/s/{b['seminar_slug']}/w/{b['week_slug']}/q/{b['question_id']}/answer/"
    assert client.post(answer_url, data).status_code in (200, 302)
    assert Comment.objects.count() == comments + 1
    team_url = f"/s/{b['seminar_slug']}/teams/manage/new/"
    assert client.post(team_url, data).status_code in (200, 302)
    assert Team.objects.filter(seminar=world.b, name="by A").exists()
