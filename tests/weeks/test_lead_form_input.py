"""The lead team's editor and staff's review read every POST through a form: an unknown
button or a bad note re-renders the page with a message and what was typed, and changes
nothing."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.utils import timezone

from core.lead_models import WeekReview
from core.models import Week, WeekDuty
from leads import services as lead_services
from pages.lead_forms import NOTE_MAX, UNKNOWN_ACTION
from tests.conftest import enroll, make_user, make_week
from tests.weeks.test_lead_prepare import WEEK_FILE, client_for, import_url, review_url

pytestmark = pytest.mark.django_db
TYPED = '+++\ntitle = "Typed 8e2b"\n+++\n\nMy unsaved edits.'


@pytest.fixture
def draft(seminar) -> Week:
    publish_at = timezone.now() + dt.timedelta(days=10)
    return make_week(seminar, number=3, status=Week.Status.DRAFT, publish_at=publish_at)


@pytest.fixture
def draft_lead(seminar, draft):
    user = enroll(make_user("drafter@example.edu", first_name="Dana"), seminar)
    WeekDuty.objects.create(week=draft, user=user, team=WeekDuty.Team.LEAD)
    return user


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_an_unknown_editor_button_keeps_the_text_and_saves_nothing(draft, draft_lead):
    before = lead_services.current_text(draft)
    response = client_for(draft_lead).post(
        import_url(draft), {"text": TYPED.replace("\n", "\r\n"), "action": "publish"}
    )
    assert response.status_code == 400
    assert UNKNOWN_ACTION in page(response) and TYPED in page(response)
    assert lead_services.current_text(draft) == before
    assert not WeekReview.objects.filter(week=draft).exists()


def test_the_editor_without_a_button_previews(draft, draft_lead):
    response = client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE})
    assert response.status_code == 200
    assert "Preview of your text" in page(response)
    assert "Week 3: Oversight" not in Week.objects.get(pk=draft.pk).title


@pytest.fixture
def submitted(draft, draft_lead):
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    assert WeekReview.objects.get(week=draft).state == "submitted"
    return draft


@pytest.mark.parametrize("data", [{}, {"action": "delete"}], ids=["no action", "unknown"])
def test_a_review_without_a_known_action_keeps_the_note_and_changes_nothing(submitted, staff, data):
    response = client_for(staff).post(review_url(submitted), {**data, "note": "Looks good"})
    assert response.status_code == 400
    assert UNKNOWN_ACTION in page(response) and "Looks good" in page(response)
    assert WeekReview.objects.get(week=submitted).state == "submitted"


def test_an_oversized_note_is_refused_and_kept(submitted, staff):
    note = "Please " + "n" * NOTE_MAX
    response = client_for(staff).post(review_url(submitted), {"action": "comment", "note": note})
    assert response.status_code == 400
    assert f"Keep the note under {NOTE_MAX:,} characters." in page(response)
    assert note in page(response)
    assert WeekReview.objects.get(week=submitted).state == "submitted"


def test_a_note_with_a_nul_character_is_refused_not_a_500(submitted, staff):
    response = client_for(staff).post(
        review_url(submitted), {"action": "request_changes", "note": "Fix\x00 it"}
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in page(response)
    assert WeekReview.objects.get(week=submitted).state == "submitted"


def test_an_unknown_return_page_is_refused_before_anything_is_done(submitted, staff):
    response = client_for(staff).post(
        review_url(submitted), {"action": "approve", "next": "https://evil.example/"}
    )
    assert response.status_code == 400
    assert WeekReview.objects.get(week=submitted).state == "submitted"


def test_a_review_from_the_queue_goes_back_to_the_queue(submitted, staff):
    response = client_for(staff).post(review_url(submitted), {"action": "approve", "next": "queue"})
    assert response.status_code == 302 and response["Location"].endswith("/weeks/review/")
    assert WeekReview.objects.get(week=submitted).state == "approved"
