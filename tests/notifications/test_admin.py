"""Staff set each seminar's reminder timing on its admin page, and see the outbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import NotificationSettings, OutboxEmail
from notifications.outbox import enqueue
from tests.forms import form_values

pytestmark = pytest.mark.django_db


def test_staff_set_a_seminars_reminder_offsets_on_its_admin_page(admin_client, seminar):
    url = reverse("admin:weeks_seminar_change", args=[seminar.pk])
    page = admin_client.get(url).content.decode()
    assert "Email reminders" in page or "email reminders" in page
    data = form_values(page)
    key = next(k for k in data if k.endswith("-0-reminder_hours"))
    assert data[key] == "48, 3"  # the defaults, shown before any row exists
    data[key] = "72, 24, 2"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NotificationSettings.objects.get(seminar=seminar).offsets == [72, 24, 2]


def test_nonsense_offsets_are_refused_with_a_message(admin_client, seminar):
    url = reverse("admin:weeks_seminar_change", args=[seminar.pk])
    data = form_values(admin_client.get(url).content.decode())
    key = next(k for k in data if k.endswith("-0-reminder_hours"))
    data[key] = "soon"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Write whole hours separated by commas" in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_staff_see_the_outbox_and_requeue_failed_emails(admin_client, student):
    enqueue(OutboxEmail.Kind.REMINDER, student, "week:1", subject="Due", text="t", html="")
    OutboxEmail.objects.update(status=OutboxEmail.Status.FAILED, attempts=5)
    changelist = reverse("admin:notifications_outboxemail_changelist")
    assert "Due" in admin_client.get(changelist).content.decode()
    response = admin_client.post(
        changelist,
        {"action": "send_again", "_selected_action": [OutboxEmail.objects.get().pk]},
    )
    assert response.status_code == 302
    row = OutboxEmail.objects.get()
    assert row.status == OutboxEmail.Status.PENDING and row.attempts == 0
