"""The permission matrix over HTTP: every role × every discussion action, allowed and refused.

Roles: anonymous, a logged-in user not enrolled (outsider), student, auditor, this week's
lead, another week's lead, this week's blogger, staff. A refused cell answers 403 or 404
(never a 500, never a silent success); a withheld answer is absent from the page.
Moderation actions (hide, pin, endorse, lock, credit, flag) are in the matrix too; their
behaviour in detail is tested in test_moderation.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from core.models import RevealPolicy, Week
from discussions.models import Comment, Flag, ThreadLock
from tests.conftest import make_week
from tests.discussions.helpers import (
    add_comment,
    answer_url,
    client_for,
    comment_url,
    first_question,
)

ROLES = [
    "anonymous",
    "outsider",
    "student",
    "auditor",
    "lead",
    "other_week_lead",
    "blogger",
    "staff",
]
POSTERS = {"student", "lead", "other_week_lead", "blogger", "staff"}
MEMBERS = POSTERS | {"auditor"}
ALLOWED: dict[str, set[str]] = {
    "view week": MEMBERS,
    "view draft week": {"staff"},
    "post": POSTERS,
    "reply": POSTERS,
    "edit own": POSTERS,
    "edit other's": set(),
    "delete own": POSTERS,
    "delete other's": set(),
    "see history": {"staff"},
    "see answer (always)": MEMBERS,
    # The week's bloggers summarise the discussion: they read it all, like its leads.
    "see answer (after own)": {"lead", "blogger", "staff"},
    "see answer (after deadline)": {"lead", "blogger", "staff"},
    # Moderation: this week's lead team and staff; flagging: any member.
    "hide": {"lead", "staff"},
    "pin": {"lead", "staff"},
    "endorse": {"lead", "staff"},
    "lock": {"lead", "staff"},
    "credit": {"lead", "staff"},
    "flag": MEMBERS,
}
THEIRS = "Classmate's answer 9d2b"


@dataclass
class Scene:
    week: Week
    user: object  # None for anonymous
    client: Client
    classmate: object


def refused(status: int) -> bool:
    return status in (403, 404)


def refused_page(response) -> bool:
    """A page refused: 403/404, or (logged out) a redirect to log in first."""
    login = response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    return login or refused(response.status_code)


def acted(response) -> bool:
    """The action was done: a redirect back to the page, not one to the login page."""
    return response.status_code == 302 and not refused_page(response)


def own_comment(scene: Scene) -> Comment:
    """A comment by the acting user (anonymous has none: they try a classmate's)."""
    author = scene.user or scene.classmate
    return add_comment(scene.week, author, "mine", question=first_question(scene.week))


def view_week(scene: Scene) -> bool:
    response = scene.client.get(scene.week.get_absolute_url())
    assert response.status_code == 200 or refused_page(response), response.status_code
    return response.status_code == 200


def view_draft_week(scene: Scene) -> bool:
    draft = make_week(scene.week.seminar, number=9, status=Week.Status.DRAFT)
    response = scene.client.get(draft.get_absolute_url())
    assert response.status_code in (200, 404) or refused_page(response), response.status_code
    return response.status_code == 200


def post(scene: Scene) -> bool:
    url = answer_url(scene.week, first_question(scene.week))
    status = scene.client.post(url, {"body": "an answer"}).status_code
    assert status == 302 or refused(status), status
    return status == 302 and Comment.objects.filter(body="an answer").exists()


def reply(scene: Scene) -> bool:
    parent = add_comment(scene.week, scene.classmate, question=first_question(scene.week))
    status = scene.client.post(comment_url(parent, "reply"), {"body": "a reply"}).status_code
    assert status == 302 or refused(status), status
    return status == 302 and Comment.objects.filter(body="a reply", parent=parent).exists()


def _edit(scene: Scene, comment: Comment) -> bool:
    status = scene.client.post(comment_url(comment, "edit"), {"body": "changed"}).status_code
    assert status == 302 or refused(status), status
    comment.refresh_from_db()
    assert (comment.body == "changed") == (status == 302)
    return status == 302


def _delete(scene: Scene, comment: Comment) -> bool:
    response = scene.client.post(comment_url(comment, "delete"))
    assert response.status_code == 302 or refused(response.status_code), response.status_code
    done = response.status_code == 302 and not refused_page(response)
    comment.refresh_from_db()
    assert (comment.deleted_at is not None) == done
    return done


def edit_own(scene: Scene) -> bool:
    return _edit(scene, own_comment(scene)) and scene.user is not None


def edit_others(scene: Scene) -> bool:
    theirs = add_comment(scene.week, scene.classmate, question=first_question(scene.week))
    return _edit(scene, theirs)


def delete_own(scene: Scene) -> bool:
    return _delete(scene, own_comment(scene)) and scene.user is not None


def delete_others(scene: Scene) -> bool:
    theirs = add_comment(scene.week, scene.classmate, question=first_question(scene.week))
    return _delete(scene, theirs)


def see_history(scene: Scene) -> bool:
    comment = add_comment(scene.week, scene.classmate, question=first_question(scene.week))
    response = scene.client.get(comment_url(comment, "history"))
    assert response.status_code == 200 or refused_page(response), response.status_code
    return response.status_code == 200


def see_answer(policy: str) -> Callable[[Scene], bool]:
    def check(scene: Scene) -> bool:
        section = scene.week.sections.order_by("position")[0]
        section.reveal_policy = policy
        section.save()
        add_comment(scene.week, scene.classmate, THEIRS, question=section.questions.first())
        response = scene.client.get(scene.week.get_absolute_url())
        assert response.status_code == 200 or refused_page(response)
        return response.status_code == 200 and THEIRS in response.content.decode()

    return check


def _moderate(action: str, field: str, **data: str) -> Callable[[Scene], bool]:
    def check(scene: Scene) -> bool:
        theirs = add_comment(scene.week, scene.classmate, question=first_question(scene.week))
        if action == "credit":  # only replies and general comments are credited
            theirs = add_comment(scene.week, scene.classmate, "a reply", parent=theirs)
        response = scene.client.post(comment_url(theirs, "moderate"), {"action": action, **data})
        assert response.status_code == 302 or refused(response.status_code), response.status_code
        theirs.refresh_from_db()
        assert getattr(theirs, field) == acted(response)
        return acted(response)

    return check


def lock(scene: Scene) -> bool:
    response = scene.client.post(
        f"{scene.week.get_absolute_url()}lock/",
        {"action": "lock", "question": first_question(scene.week).pk},
    )
    assert response.status_code == 302 or refused(response.status_code), response.status_code
    assert ThreadLock.objects.exists() == acted(response)
    return acted(response)


def flag(scene: Scene) -> bool:
    theirs = add_comment(scene.week, scene.classmate, question=first_question(scene.week))
    response = scene.client.post(comment_url(theirs, "flag"), {"reason": "please look"})
    assert response.status_code == 302 or refused(response.status_code), response.status_code
    assert Flag.objects.filter(comment=theirs).exists() == acted(response)
    return acted(response)


ACTIONS: dict[str, Callable[[Scene], bool]] = {
    "view week": view_week,
    "view draft week": view_draft_week,
    "post": post,
    "reply": reply,
    "edit own": edit_own,
    "edit other's": edit_others,
    "delete own": delete_own,
    "delete other's": delete_others,
    "see history": see_history,
    "see answer (always)": see_answer(RevealPolicy.ALWAYS),
    "see answer (after own)": see_answer(RevealPolicy.AFTER_OWN),
    "see answer (after deadline)": see_answer(RevealPolicy.AFTER_DEADLINE),
    "hide": _moderate("hide", "is_hidden", reason="off topic"),
    "pin": _moderate("pin", "is_pinned"),
    "endorse": _moderate("endorse", "is_endorsed"),
    "lock": lock,
    "credit": _moderate("credit", "credited_substantive"),
    "flag": flag,
}
CELLS = [(role, action) for action in ACTIONS for role in ROLES]


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{r}-{a}" for r, a in CELLS])
def test_permission_matrix(request, week, other_student, role, action):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    scene = Scene(week=week, user=user, client=client_for(user), classmate=other_student)
    expected = role in ALLOWED[action]
    assert ACTIONS[action](scene) is expected, f"{role} / {action}: expected {expected}"


def test_the_matrix_covers_every_action_and_role():
    assert set(ALLOWED) == set(ACTIONS)
    assert all(allowed <= set(ROLES) for allowed in ALLOWED.values())


def test_a_public_seminar_is_readable_but_not_writable_by_visitors(seminar, week, other_student):
    seminar.visibility = seminar.Visibility.PUBLIC
    seminar.save()
    add_comment(week, other_student, THEIRS, question=first_question(week))
    anonymous = Client()
    page = anonymous.get(week.get_absolute_url())
    assert page.status_code == 200 and THEIRS in page.content.decode()
    assert 'class="compose"' not in page.content.decode()
    url = answer_url(week, first_question(week))
    assert anonymous.post(url, {"body": "drive-by"}).status_code == 403
    assert not Comment.objects.filter(body="drive-by").exists()


def test_nobody_may_post_to_a_draft_week_but_staff(seminar, student, staff):
    draft = make_week(seminar, number=9, status=Week.Status.DRAFT)
    url = answer_url(draft, first_question(draft))
    assert client_for(student).post(url, {"body": "early"}).status_code == 404
    assert client_for(staff).post(url, {"body": "early"}).status_code == 302


def test_controls_follow_permissions(week, student, other_student, auditor):
    mine = add_comment(week, student, question=first_question(week))
    theirs = add_comment(week, other_student, question=first_question(week), depth=0)
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert comment_url(mine, "edit") in page
    assert comment_url(theirs, "edit") not in page
    assert comment_url(theirs, "reply") in page
    auditor_page = client_for(auditor).get(week.get_absolute_url()).content.decode()
    assert "/reply/" not in auditor_page and 'class="compose"' not in auditor_page


def test_moderation_controls_follow_permissions(
    week, other_student, lead, other_week_lead, blogger
):
    theirs = add_comment(week, other_student, question=first_question(week))
    lead_page = client_for(lead).get(week.get_absolute_url()).content.decode()
    assert comment_url(theirs, "moderate") in lead_page
    for user in (other_week_lead, blogger):
        page = client_for(user).get(week.get_absolute_url()).content.decode()
        assert "/moderate/" not in page and "/lock/" not in page
        assert comment_url(theirs, "flag") in page
