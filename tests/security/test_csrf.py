"""CSRF on every POST: each URL pattern of the site (the admin's and allauth's included),
posted to without a token by someone allowed to post there (a superuser enrolled as staff
of the seminar, so no permission check would refuse first), answers 403 and changes no row.

The routes come from the URL resolver (tests/security/routes.py), so a new view is tried as
soon as it is routed. Exempt, with the reason: only what must take a POST without a token.
"""

from __future__ import annotations

import pytest
from django.test import Client

from blog.models import BlogPost, BlogRevision
from core.models import Enrollment
from discussions.models import Comment, Flag
from notifications.emails import unsubscribe_token
from teams.models import Team
from tests.conftest import enroll, make_user
from tests.discussions.helpers import add_comment, first_question
from tests.security.routes import Route, site_routes
from tests.security.test_url_matrix import snapshot

EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST without a token; the signed token
    # in the URL is the proof (notifications/views.py).
    "notifications:unsubscribe": "one-click unsubscribe, signed token",
}
CSRF_SECRET = "c" * 32


@pytest.fixture
def values(seminar, week, student, staff) -> dict[str, str]:
    question = first_question(week)
    answer = add_comment(week, student, "An answer", question=question)
    flag = Flag.objects.create(comment=answer, user=staff, reason="flagged")
    team = Team.objects.create(seminar=seminar, name="Team one")
    post = BlogPost.objects.create(week=week, title="Summary", body="Text")
    revision = BlogRevision.objects.create(post=post, version=1, title="t", body="b")
    return {
        "seminar_slug": seminar.slug,
        "week_slug": week.slug,
        "comment_id": str(answer.pk),
        "question_id": str(question.pk),
        "flag_id": str(flag.pk),
        "notice_id": "1",
        "team_id": str(team.pk),
        "user_id": str(student.pk),
        "revision_id": str(revision.pk),
        "verdict": "credit",
        "path": "uploads/x.png",
        "token": unsubscribe_token(student, "replies"),
        # The admin's: object pages, the user password page, the roster import.
        "object_id": str(seminar.pk),
        "id": str(student.pk),
        "seminar_id": str(seminar.pk),
        "content_type_id": "1",
        "app_label": "weeks",
        "url": "weeks/",
        # allauth's confirmation and reset keys.
        "key": "x-x",
        "uidb36": "1",
    }


@pytest.fixture
def poster(seminar):
    root = make_user("root@example.edu", is_staff=True, is_superuser=True)
    return enroll(root, seminar, Enrollment.Role.STAFF)


def tokenless_post(client: Client, url: str):
    return client.post(url, {"body": "forged", "title": "forged", "reason": "forged"})


def test_every_post_without_a_token_is_refused_and_changes_nothing(values, poster, capsys):
    routes = site_routes()
    unfilled = {r.route: r.missing(values) for r in routes if r.missing(values)}
    assert unfilled == {}, "new URL kwargs: give them a value in tests/security/test_csrf.py"

    logged_in = Client(enforce_csrf_checks=True, raise_request_exception=False)
    logged_in.force_login(poster)
    anonymous = Client(enforce_csrf_checks=True, raise_request_exception=False)
    before = snapshot()
    accepted = []
    tried = [r for r in routes if r.name not in EXEMPT]
    for route in tried:
        url = route.url(values)
        clients = [logged_in] + ([anonymous] if route.route.startswith("accounts/") else [])
        for client in clients:
            response = tokenless_post(client, url)
            if response.status_code != 403 or b"CSRF" not in response.content:
                accepted.append(f"{url} ({route.name}): {response.status_code}")
    assert accepted == []
    changed = [label for label, rows in snapshot().items() if rows != before[label]]
    assert changed == []
    assert len(tried) >= 200
    with capsys.disabled():
        print(f"\nCSRF: {len(tried)} routes refuse a POST without a token; exempt: {EXEMPT}")


def test_the_same_posts_with_a_token_go_through(values, poster, week):
    """The control: the user may post there, and a post with the token acts."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(poster)
    client.cookies["csrftoken"] = CSRF_SECRET
    v = values
    url = Route(route="s/<slug:seminar_slug>/w/<slug:week_slug>/general/comment/", name="").url(v)
    count = Comment.objects.count()
    response = client.post(url, {"body": "with a token", "csrfmiddlewaretoken": CSRF_SECRET})
    assert response.status_code in (200, 302)
    assert Comment.objects.count() == count + 1
    team_url = f"/s/{v['seminar_slug']}/teams/manage/new/"
    client.post(team_url, {"name": "Team two", "csrfmiddlewaretoken": CSRF_SECRET})
    assert Team.objects.filter(name="Team two").exists()


def test_the_exempt_unsubscribe_changes_nothing_without_a_valid_signed_token(values, student):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    before = snapshot()
    for token in ("forged", values["token"][:-3] + "abc"):
        response = client.post(f"/notifications/unsubscribe/{token}/")
        assert response.status_code in (400, 404), token
    assert snapshot() == before
