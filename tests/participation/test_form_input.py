"""The participation pages read every POST through a form: bad input gets a clear message
and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Extension
from participation.models import StatusOverride
from tests.discussions.helpers import client_for

pytestmark = pytest.mark.django_db


def student_url(week, user) -> str:
    return reverse("participation:student", args=[week.seminar.slug, week.slug, user.pk])


def nudge_url(week) -> str:
    return reverse("participation:nudge", args=[week.seminar.slug, week.slug])


def matrix_url(week) -> str:
    return reverse("participation:matrix", args=[week.seminar.slug])


@pytest.mark.parametrize("data", [{}, {"action": "explode"}], ids=["no action", "unknown"])
def test_a_student_page_post_without_a_known_action_says_so_and_changes_nothing(
    week, student, staff, data
):
    response = client_for(staff).post(
        student_url(week, student), {**data, "override-note": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "Unknown action: nothing was changed." in response.content.decode()
    assert not StatusOverride.objects.exists() and not Extension.objects.exists()


@pytest.mark.parametrize("back", ["", "//evil.example/", "javascript:alert(1)"])
def test_a_nudge_goes_back_to_the_matrix_unless_next_is_a_path_here(week, staff, back):
    response = client_for(staff).post(nudge_url(week), {"next": back})
    assert response["Location"] == matrix_url(week)


def test_a_nudge_goes_back_to_the_page_it_came_from(week, staff):
    back = f"{matrix_url(week)}?weeks=1"
    response = client_for(staff).post(nudge_url(week), {"next": back})
    assert response["Location"] == back
