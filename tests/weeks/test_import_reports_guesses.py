"""Where staff and leads import a week file, they see what the importer guessed and what
it could not place (kept in the week's notes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Week
from leads import services as lead_services
from tests.conftest import enroll, make_user, make_week

pytestmark = pytest.mark.django_db

WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"
SHAPE = (WEEKFILES / "bold-day-labels.md").read_text(encoding="utf-8")
UNPLACED = "Bring a printed copy to class."


def with_unplaced_line(text: str) -> str:
    return text.replace("# Discussion Questions", f"{UNPLACED}\n\n# Discussion Questions")


def test_the_admin_import_shows_the_guesses_and_the_notes_as_a_warning(client, seminar):
    client.force_login(make_user("boss@example.edu", is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("w.md", with_unplaced_line(SHAPE).encode(), "text/markdown")
    response = client.post(
        reverse("admin:weeks_week_import"), {"seminar": seminar.pk, "file": upload}, follow=True
    )
    assert response.status_code == 200
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "warning"
    assert "3 guess(es), check them:" in message.message
    assert "line 10: &#x27;Monday&#x27; read as a day label" in message.message
    assert "kept in the week&#x27;s notes: &#x27;Bring a printed copy to class.&#x27;" in (
        message.message
    )
    week = Week.objects.get(seminar=seminar, slug="week8")
    assert week.notes == UNPLACED


def test_the_leads_save_lists_the_guesses_with_the_warnings(seminar):
    draft = make_week(seminar, number=8, status=Week.Status.DRAFT)
    lead = make_user("drafter@example.edu")
    enroll(lead, seminar)
    result = lead_services.save_week_text(draft, with_unplaced_line(SHAPE), user=lead)
    assert "guessed: line 10: 'Monday' read as a day label" in result.warnings
    assert any(UNPLACED in w and "week's notes" in w for w in result.warnings)
    assert Week.objects.get(pk=draft.pk).notes == UNPLACED
