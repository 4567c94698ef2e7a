"""Who may do what to the week's post, over HTTP: every role against every action."""

from __future__ import annotations

import pytest

from blog.models import BlogPost
from tests.blog.conftest import make_post, url

ROLES = ("blogger", "lead", "student", "staff", "elsewhere", "anonymous")
OK, FORBIDDEN, MISSING, LOGIN = "ok", 403, 404, "login"

# action: (status the post is in, HTTP method, url name, {role: expected outcome})
# A draft the viewer may not read looks missing (404) even to classmates; a post they may
# read but not change answers 403. Anonymous visitors of an enrolled-only seminar are
# asked to log in everywhere (a link from an email works after login; nothing is revealed).
MATRIX = {
    "edit": (
        "draft",
        "get",
        "edit",
        {
            "blogger": OK,
            "lead": 403,
            "student": 403,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
    "share": (
        "draft",
        "post",
        "share",
        {
            "blogger": OK,
            "lead": 404,
            "student": 404,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
    "feedback": (
        "shared",
        "post",
        "feedback",
        {
            "blogger": OK,
            "lead": OK,
            "student": OK,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
    "submit": (
        "draft",
        "post",
        "submit",
        {
            "blogger": OK,
            "lead": 404,
            "student": 404,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
    "publish": (
        "submitted",
        "post",
        "publish",
        {
            "blogger": 403,
            "lead": 404,
            "student": 404,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
    "unpublish": (
        "published",
        "post",
        "unpublish",
        {
            "blogger": 403,
            "lead": 403,
            "student": 403,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
    "view draft": (
        "draft",
        "get",
        "post",
        {
            "blogger": OK,
            "lead": 404,
            "student": 404,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
    "view published": (
        "published",
        "get",
        "post",
        {
            "blogger": OK,
            "lead": OK,
            "student": OK,
            "staff": OK,
            "elsewhere": 404,
            "anonymous": LOGIN,
        },
    ),
}
EXPECTED_STATUS = {
    "share": "shared",
    "submit": "submitted",
    "publish": "published",
    "unpublish": "draft",
}


def outcome(response) -> object:
    if response.status_code in (200, 302) and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    if response.status_code in (200, 302):
        return OK
    return response.status_code


CASES = [(action, role) for action in MATRIX for role in ROLES]


@pytest.mark.parametrize(("action", "role"), CASES)
def test_blog_permission_matrix(
    action, role, client, week, blogger, lead, student, staff, elsewhere
):
    status, method, name, expected_by_role = MATRIX[action]
    post = make_post(week, blogger, status=status)
    people = {
        "blogger": blogger,
        "lead": lead,
        "student": student,
        "staff": staff,
        "elsewhere": elsewhere,
    }
    if role != "anonymous":
        client.force_login(people[role])
    data = {"body": "Nice draft, add the scaling result."} if action == "feedback" else {}
    response = getattr(client, method)(url(name, week), data)
    expected = expected_by_role[role]
    assert outcome(response) == expected

    post.refresh_from_db()
    if expected == OK and action in EXPECTED_STATUS:
        assert post.status == EXPECTED_STATUS[action]
    elif action in EXPECTED_STATUS:
        assert post.status == status, "a refused action must not change the post"
    if action == "feedback":
        assert post.feedback.count() == (1 if expected == OK else 0)


def test_a_shared_draft_is_readable_by_classmates_but_not_other_seminars(
    client, week, blogger, student, auditor, elsewhere
):
    make_post(week, blogger, status=BlogPost.Status.SHARED)
    for user, expected in ((student, 200), (auditor, 200), (elsewhere, 404)):
        client.force_login(user)
        assert client.get(url("post", week)).status_code == expected


def test_classmates_cannot_edit_or_autosave_a_shared_draft(client, week, blogger, student):
    post = make_post(week, blogger, status=BlogPost.Status.SHARED)
    client.force_login(student)
    assert client.get(url("edit", week)).status_code == 403
    response = client.post(url("autosave", week), {"title": "Mine", "body": "overwritten"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.body != "overwritten"


def test_the_team_cannot_edit_a_submitted_post_but_staff_can(client, week, blogger, staff):
    make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(blogger)
    assert client.get(url("edit", week)).status_code == 403
    client.force_login(staff)
    assert client.get(url("edit", week)).status_code == 200


def test_feedback_is_closed_once_the_draft_is_no_longer_shared(client, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(student)
    response = client.post(url("feedback", week), {"body": "Late thought"})
    assert response.status_code == 404


def test_request_changes_is_for_staff_only(client, week, blogger, staff):
    post = make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(blogger)
    assert client.post(url("request_changes", week), {"note": "x"}).status_code == 403
    client.force_login(staff)
    response = client.post(url("request_changes", week), {"note": "Add the second paper."})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == BlogPost.Status.CHANGES_REQUESTED
    assert post.review_note == "Add the second paper."


def test_only_the_team_and_staff_see_history_and_download_the_discussion(
    client, week, blogger, lead, student, staff
):
    make_post(week, blogger)
    for user, expected in ((blogger, 200), (staff, 200), (lead, 403), (student, 403)):
        client.force_login(user)
        assert client.get(url("history", week)).status_code == expected
        assert client.get(url("discussion", week)).status_code == expected


@pytest.mark.parametrize("name", ["share", "submit", "publish", "unpublish", "withdraw"])
def test_actions_refuse_get(client, week, blogger, staff, name):
    make_post(week, blogger)
    client.force_login(staff)
    assert client.get(url(name, week)).status_code == 405


def test_pages_refuse_post(client, week, blogger, staff):
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    client.force_login(staff)
    assert client.post(url("post", week)).status_code == 405
    assert client.post(url("history", week)).status_code == 405
    assert client.post(url("discussion", week)).status_code == 405
