"""A student of seminar A sees nothing of seminar B: every page, fragment, feed and
endpoint under /s/<B>/ answers 404 (or 405 for the wrong method), never 500 and never B's
content; ids of B's objects used under A's URLs are refused too; B never shows up in the
student's calendar feed, data export, home page or seminar switcher.

The routes are not listed by hand: the URL resolver is walked, so routes other apps add
later are covered as soon as they exist. Kwargs are filled from B's objects by name; a
kwarg nobody knows gets a placeholder (the seminar check must still refuse first).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from blog.feeds import feed_token
from blog.models import BlogPost
from core.models import Enrollment, Question, QuestionSection, Seminar, Week, WeekDuty
from discussions.models import Comment, CommentRevision, Flag
from teams.models import Team, TeamMembership
from tests.conftest import PASSWORD, enroll, make_user, make_week
from tests.discussions.helpers import add_comment, first_question

SECRETS = ("Bravo Secret Seminar", "Bravo hidden week", "bravo-comment-text", "bravo question")
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "s/<slug:seminar_slug>/w/<slug:week_slug>/c/<int:comment_id>/"
    name: str

    @property
    def kwargs(self) -> list[tuple[str, str]]:
        return [(m["converter"] or "str", m["name"]) for m in PLACEHOLDER.finditer(self.route)]

    def url(self, values: dict[str, str]) -> tuple[str, list[str]]:
        """The URL with `values` filled in, and the kwargs that got a placeholder."""
        guessed = []

        def fill(match: re.Match[str]) -> str:
            if match["name"] in values:
                return values[match["name"]]
            guessed.append(match["name"])
            return "1" if match["converter"] == "int" else "placeholder"

        return "/" + PLACEHOLDER.sub(fill, self.route), guessed


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            yield Route(route=route, name=f"{namespace}{entry.name or '?'}")


def seminar_routes() -> list[Route]:
    """Every route under /s/<seminar_slug>/, once each."""
    seen: dict[str, Route] = {}
    for route in walk(get_resolver().url_patterns):
        if route.route.startswith("s/<slug:seminar_slug>/"):
            seen.setdefault(route.route, route)
    return list(seen.values())


@dataclass
class World:
    a: Seminar
    b: Seminar
    a_week: Week
    b_week: Week
    student_a: object
    b_values: dict[str, str]


@pytest.fixture
def world(db) -> World:
    a = Seminar.objects.create(title="Alpha Seminar", slug="alpha")
    b = Seminar.objects.create(title="Bravo Secret Seminar", slug="bravo")
    a_week = make_week(a)
    b_week = make_week(b)  # the same week slug in both seminars, on purpose
    Week.objects.filter(pk=b_week.pk).update(title="Bravo hidden week")
    b_week.refresh_from_db()
    Question.objects.filter(section__week=b_week).update(body="A bravo question?")
    student_a = enroll(make_user("alpha@example.edu"), a)
    staff_b = enroll(make_user("staffb@example.edu"), b, Enrollment.Role.STAFF)
    student_b = enroll(make_user("bravo@example.edu"), b)
    team = Team.objects.create(seminar=b, name="Bravo team")
    TeamMembership.objects.create(team=team, user=student_b)
    WeekDuty.objects.create(week=b_week, user=student_b, team=WeekDuty.Team.LEAD)
    question = first_question(b_week)
    answer = add_comment(b_week, student_b, "bravo-comment-text", question=question)
    add_comment(b_week, staff_b, "bravo-comment-text reply", parent=answer)
    CommentRevision.objects.create(comment=answer, body="bravo-comment-text v0")
    flag = Flag.objects.create(comment=answer, user=staff_b, reason="bravo-comment-text flag")
    values = {
        "seminar_slug": b.slug,
        "week_slug": b_week.slug,
        "comment_id": str(answer.pk),
        "question_id": str(question.pk),
        "section_id": str(QuestionSection.objects.filter(week=b_week).first().pk),
        "team_id": str(team.pk),
        "flag_id": str(flag.pk),
        "user_id": str(student_b.pk),
        "student_id": str(student_b.pk),
        "verdict": "credit",
    }
    post = BlogPost.objects.create(week=b_week, title="Bravo hidden week summary")
    values["post_id"] = str(post.pk)
    # A well-formed personal feed token of the A student, minted for B: still no.
    values["token"] = feed_token(student_a, b)
    return World(a=a, b=b, a_week=a_week, b_week=b_week, student_a=student_a, b_values=values)


@pytest.fixture
def client_a(world) -> Client:
    client = Client(raise_request_exception=False)
    assert client.login(email="alpha@example.edu", password=PASSWORD)
    return client


def assert_no_secrets(response, where: str) -> None:
    body = response.content.decode(errors="replace")
    for secret in SECRETS:
        assert secret not in body, f"{where} shows {secret!r}"


def test_every_route_of_seminar_b_is_404_for_a_student_of_a(world, client_a, capsys):
    routes = seminar_routes()
    comments_before = Comment.objects.count()
    covered, guessed_any = [], []

    for route in routes:
        url, guessed = route.url(world.b_values)
        for method in ("get", "post"):
            response = getattr(client_a, method)(url)
            assert response.status_code in (404, 405), (
                f"{method.upper()} {url} ({route.name}) answered {response.status_code}"
            )
            assert_no_secrets(response, f"{method.upper()} {url}")
        covered.append(f"{route.name:32} {url}")
        if guessed:
            guessed_any.append(f"{route.name}: placeholder for {', '.join(guessed)}")

    assert Comment.objects.count() == comments_before
    assert len(routes) >= 10  # home, week, schedule, teams pages, discussion endpoints
    with capsys.disabled():
        print(f"\nIsolation: {len(covered)} routes under /s/<B>/ refused (GET and POST):")
        print("\n".join(f"  {line}" for line in covered))
        if guessed_any:
            print("  with placeholders: " + "; ".join(guessed_any))


def test_anonymous_visitors_get_nothing_of_an_enrolled_only_seminar(world):
    client = Client(raise_request_exception=False)

    for route in seminar_routes():
        url, _ = route.url(world.b_values)
        response = client.get(url)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
        else:
            assert response.status_code in (404, 405), f"GET {url} answered {response.status_code}"
        assert_no_secrets(response, f"anonymous GET {url}")


ID_NAMES = {"comment_id", "question_id", "section_id", "team_id", "flag_id", "post_id", "user_id"}


def b_state(world: World) -> list[object]:
    """What a refused request must leave as it was in B."""
    comments = Comment.objects.filter(week=world.b_week)
    return [
        list(comments.values_list("id", "body", "is_hidden", "is_pinned", "is_endorsed")),
        list(comments.values_list("credited_substantive", "deleted_at")),
        list(Flag.objects.filter(comment__week=world.b_week).values_list("id", "resolved_at")),
        list(TeamMembership.objects.filter(seminar=world.b).values_list("team_id", "user_id")),
        list(Team.objects.filter(seminar=world.b).values_list("id", "name")),
        list(WeekDuty.objects.filter(week=world.b_week).values_list("user_id", "team")),
    ]


@pytest.mark.parametrize("role", [Enrollment.Role.STUDENT, Enrollment.Role.STAFF])
def test_ids_of_b_objects_under_a_urls_are_refused(world, role):
    """Staff of A pass A's permission gates: the object lookups must still stay in A."""
    user = enroll(make_user(f"a-{role}@example.edu"), world.a, role)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    values = dict(world.b_values, seminar_slug=world.a.slug, week_slug=world.a_week.slug)
    routes = [r for r in seminar_routes() if ID_NAMES & {name for _, name in r.kwargs}]
    before = b_state(world)
    data = {"body": "sneaky", "reason": "x", "action": "hide", "user": "1", "email": "x"}
    # A student may be stopped at A's role gate (403); A's staff must find nothing (404).
    allowed = (404, 405) if role == Enrollment.Role.STAFF else (403, 404, 405)

    for route in routes:
        url, _ = route.url(values)
        for method in ("get", "post"):
            response = getattr(client, method)(url, data)
            assert response.status_code in allowed, (
                f"{role} {method.upper()} {url} ({route.name}) answered {response.status_code}"
            )
            assert_no_secrets(response, f"{role} {method.upper()} {url}")

    assert routes
    assert b_state(world) == before


def test_the_seminar_home_week_schedule_and_permalink_of_b_are_404(world, client_a):
    b, week = world.b, world.b_week
    comment = Comment.objects.filter(week=week).first()
    for url in (
        b.get_absolute_url(),
        week.get_absolute_url(),
        f"/s/{b.slug}/schedule/",
        f"/s/{b.slug}/teams/manage/",
        f"{week.get_absolute_url()}c/{comment.pk}/",
    ):
        response = client_a.get(url)
        assert response.status_code == 404, url
        assert_no_secrets(response, url)


def test_a_students_own_pages_calendar_and_export_show_nothing_of_b(world, client_a):
    for url in ("/", world.a.get_absolute_url(), world.a_week.get_absolute_url(), "/profile/"):
        response = client_a.get(url, follow=True)
        assert response.status_code == 200, url
        assert_no_secrets(response, url)
        assert f'href="{world.b.get_absolute_url()}"' not in response.content.decode()

    feed = Client().get(f"/calendar/{world.student_a.calendar_token}.ics")
    assert feed.status_code == 200
    assert b"Alpha Seminar" in feed.content
    assert_no_secrets(feed, "calendar feed")
    assert world.b.slug.encode() not in feed.content

    export = client_a.get("/profile/export/")
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    for name in archive.namelist():
        text = archive.read(name).decode()
        for secret in SECRETS:
            assert secret not in text, f"{name} in the export shows {secret!r}"
