"""The permissions module as a matrix: every role × every capability it answers.

One table says who may do what; the views, templates and the admin ask these same
capabilities, so a change to a rule shows here first. "Staff of another seminar" is a
role of its own: staff rights never reach beyond the staff's own seminars.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.access import SeminarAccess, WeekAccess, seminar_access, week_access
from core.models import Enrollment, Seminar
from tests.conftest import enroll, make_user

ROLES = [
    "anonymous",
    "outsider",
    "staff_of_another_seminar",
    "student",
    "auditor",
    "lead",
    "other_week_lead",
    "blogger",
    "staff",
    "superuser",
]
STAFF = {"staff", "superuser"}
STUDENTS = {"student", "lead", "other_week_lead", "blogger"}
MEMBERS = STUDENTS | {"auditor"} | STAFF

SEMINAR_CAPABILITIES: dict[str, set[str]] = {
    "can_view": MEMBERS,
    "can_view_drafts": STAFF,
    "can_review_weeks": STAFF,
    "can_export_archive": STAFF,
    "can_manage_teams": STAFF,
    "can_see_all_flags": STAFF,
    "can_review_posts": STAFF,
    "can_see_participation_matrix": STAFF,
    "can_manage_participation": STAFF,
    "can_export_gradebook": STAFF,
    "can_see_moderation_log": STAFF,
    "has_participation": STUDENTS,
}
WEEK_CAPABILITIES: dict[str, set[str]] = {
    "can_view": MEMBERS,
    "can_post": STUDENTS | STAFF,
    "can_reply": STUDENTS | STAFF,
    "can_moderate": {"lead"} | STAFF,
    "can_credit": {"lead"} | STAFF,
    "can_see_week_participation": {"lead"} | STAFF,
    "can_see_moderation_log": {"lead"} | STAFF,
    "can_see_lead_brief": {"lead"} | STAFF,
    "can_blog": {"blogger"} | STAFF,
    "can_download_discussion": {"blogger"} | STAFF,
    "sees_all_answers": {"lead", "blogger"} | STAFF,
    "can_see_history": STAFF,
    "can_flag": MEMBERS,  # and follow a thread
    "can_track_reading": MEMBERS,  # what's new: a record of what they read
    "bypasses_posting_rules": STAFF,
    # Owing no posts this week: the week's teams, and everyone who is not a student.
    "is_exempt": (set(ROLES) - STUDENTS) | {"lead", "blogger"},
}


@pytest.fixture
def people(seminar, week, lead, blogger, other_week_lead, student, auditor, staff, outsider):
    other = Seminar.objects.create(title="Other", slug="other", timezone="UTC")
    return {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "staff_of_another_seminar": enroll(
            make_user("elsewhere@example.edu", is_staff=True), other, Enrollment.Role.STAFF
        ),
        "student": student,
        "auditor": auditor,
        "lead": lead,
        "other_week_lead": other_week_lead,
        "blogger": blogger,
        "staff": staff,
        "superuser": make_user("root@example.edu", is_staff=True, is_superuser=True),
    }


def accesses(people, seminar, week) -> dict[str, tuple[SeminarAccess, WeekAccess]]:
    result = {}
    for role, user in people.items():
        sa = seminar_access(user, seminar)
        result[role] = (sa, week_access(sa, week))
    return result


def test_the_matrix_names_every_role():
    for allowed in (*SEMINAR_CAPABILITIES.values(), *WEEK_CAPABILITIES.values()):
        assert allowed <= set(ROLES)


@pytest.mark.parametrize(
    ("level", "capabilities"),
    [(0, SEMINAR_CAPABILITIES), (1, WEEK_CAPABILITIES)],
    ids=["seminar", "week"],
)
def test_capabilities_by_role(people, seminar, week, level, capabilities):
    table = accesses(people, seminar, week)
    wrong = [
        f"{role}.{capability}"
        for capability, allowed in capabilities.items()
        for role in ROLES
        if getattr(table[role][level], capability) != (role in allowed)
    ]
    assert wrong == []


def test_staff_of_another_seminar_has_no_staff_right_here(people, seminar, week):
    sa, wa = accesses(people, seminar, week)["staff_of_another_seminar"]
    assert not sa.is_staff and not sa.is_member
    assert not any(getattr(sa, c) for c in SEMINAR_CAPABILITIES)
    assert not wa.can_view and not wa.can_moderate


def test_the_week_editor_is_staffs_once_the_week_is_published(people, seminar, week):
    table = accesses(people, seminar, week)
    editors = {role for role in ROLES if table[role][1].can_edit_week(None)}
    assert editors == STAFF  # the lead team edits its week only while it is a draft


def test_the_week_editor_of_a_draft_is_its_lead_teams_and_staffs(people, seminar, week):
    week.status = week.Status.DRAFT
    table = accesses(people, seminar, week)
    editors = {role for role in ROLES if table[role][1].can_edit_week(None)}
    assert editors == {"lead"} | STAFF


def test_history_of_a_comment_is_for_staff_and_its_author_only(people, seminar, week):
    """Students read the edit history of their own comments; classmates (leads too) and
    staff of another seminar do not; staff read every comment's."""
    from discussions.models import Comment  # a test-only import: core's tests name no app above

    question = week.sections.first().questions.first()
    theirs = Comment(week=week, question=question, author=people["student"])
    table = accesses(people, seminar, week)
    allowed = {role for role in ROLES if table[role][1].can_see_history_of(theirs)}
    assert allowed == {"student"} | STAFF
