"""Every redirect target taken from a request stays on this site (core.lib.http.safe_next):
the nudge, resolving a flag and the admin's login page go back to a path here or to their
own fallback, never to another host or a script."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from core.lib.http import safe_next
from discussions import moderation
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, client_for, first_question

OFFSITE = [
    "//evil.example",
    "//evil.example/path",
    "https://evil.example",
    "https://evil.example/",
    "http://evil.example/admin/",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "\x01/evil.example",
    "///evil.example",
    "https:evil.example",
]
FALLBACK = "/fallback/"


def post(data: dict[str, str] | None = None, *, secure: bool = False, **get: str):
    path = "/somewhere/" + (f"?next={get['next']}" if "next" in get else "")
    request = RequestFactory().post(path, data or {}, secure=secure)
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize("target", OFFSITE)
def test_safe_next_refuses_other_hosts_and_schemes(target):
    assert safe_next(post(), FALLBACK, target=target) == FALLBACK


@pytest.mark.parametrize("target", OFFSITE)
def test_safe_next_refuses_a_posted_next_elsewhere(target):
    assert safe_next(post({"next": target}), FALLBACK) == FALLBACK


@pytest.mark.parametrize(
    "target", ["/s/demo/participation/", "/s/demo/w/week2/#c12", "/admin/?q=a%20b", "/"]
)
def test_safe_next_keeps_a_path_on_this_site(target):
    assert safe_next(post(), FALLBACK, target=target) == target


def test_safe_next_reads_next_from_the_post_then_the_query_string():
    assert safe_next(post({"next": "/posted/"}, next="/query/"), FALLBACK) == "/posted/"
    assert safe_next(post(next="/query/"), FALLBACK) == "/query/"
    assert safe_next(post(), FALLBACK) == FALLBACK


def test_safe_next_keeps_a_full_url_to_this_host_only_over_the_same_scheme():
    here = "http://testserver/s/demo/"
    assert safe_next(post(), FALLBACK, target=here) == here
    # Over https, an http target (a downgrade) is refused.
    assert safe_next(post(secure=True), FALLBACK, target=here) == FALLBACK
    secure = "https://testserver/s/demo/"
    assert safe_next(post(secure=True), FALLBACK, target=secure) == secure


def test_safe_next_with_no_target_is_the_fallback():
    assert safe_next(post(), FALLBACK, target="") == FALLBACK


# --- The views that read a `next` -----------------------------------------------------------


def nudge_url(week) -> str:
    return reverse("participation:nudge", args=[week.seminar.slug, week.slug])


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFFSITE)
def test_nudge_never_redirects_off_the_site(week, staff, target):
    response = client_for(staff).post(nudge_url(week), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:matrix", args=[week.seminar.slug])


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFFSITE)
def test_resolving_a_flag_never_redirects_off_the_site(week, student, other_student, lead, target):
    answer = add_comment(week, student, question=first_question(week))
    flag = moderation.flag(answer, user=other_student, reason="x")
    response = client_for(lead).post(
        f"{week.get_absolute_url()}flags/{flag.pk}/resolve/", {"next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{week.get_absolute_url()}flags/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFFSITE)
def test_the_admin_login_never_passes_on_a_next_off_the_site(client, target):
    response = client.get(reverse("admin:login"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFFSITE)
def test_the_site_login_never_redirects_off_the_site(client, student, target):
    """allauth checks its own next (its adapter's is_safe_url); checked here all the same."""
    response = client.post(
        f"{reverse('account_login')}?{urlencode({'next': target})}",
        {"login": student.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
