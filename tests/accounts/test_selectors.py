"""The seminar switcher's data: the user's seminars and roles, in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.selectors import user_seminars
from core.models import Seminar
from tests.conftest import enroll, make_user

pytestmark = pytest.mark.django_db


def test_user_seminars_lists_each_membership_with_its_role_in_one_query(
    seminar, student, django_assert_num_queries
) -> None:
    other = Seminar.objects.create(title="Other", slug="other")
    Seminar.objects.create(title="Public", slug="public", visibility="public")
    enroll(student, other, "auditor")
    with django_assert_num_queries(1):
        rows = user_seminars(student)
    assert {(s.slug, role) for s, role in rows} == {("llm-risks", "student"), ("other", "auditor")}


def test_superusers_see_every_seminar_and_anonymous_none(seminar) -> None:
    admin = make_user("root@example.edu", is_superuser=True, is_staff=True)
    assert user_seminars(admin) == [(seminar, None)]
    assert user_seminars(AnonymousUser()) == []
