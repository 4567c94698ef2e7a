"""The demo seminar gives a Canvas and a Moodle gradebook file with student IDs, and a
moderation log with real rows (the issue's "done when")."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client

from demo.weeks import DEFAULT_PASSWORD, build_demo

pytestmark = pytest.mark.django_db


def test_demo_exports_both_gradebook_files_and_shows_a_moderation_log() -> None:
    summary = build_demo(DEFAULT_PASSWORD)
    build_demo(DEFAULT_PASSWORD)  # seeding twice changes nothing here either
    files = {}
    for fmt in ("canvas", "moodle"):
        out = io.StringIO()
        call_command(
            "export_gradebook", "--seminar", summary.seminar.slug, "--format", fmt, stdout=out
        )
        files[fmt] = list(csv.reader(io.StringIO(out.getvalue())))
    canvas, moodle = files["canvas"], files["moodle"]
    assert canvas[1][0] == "Points Possible"
    assert len(canvas) == 2 + 14 and len(moodle) == 1 + 14  # lead, blogger, student1..12
    assert all(row[2].startswith("DEMO") for row in canvas[2:])  # SIS User ID
    assert {row[1] for row in moodle[1:]} == {row[2] for row in canvas[2:]}
    lead_row = next(row for row in canvas[2:] if row[3] == summary.lead.email)
    assert "EX" in lead_row  # exempt the week they lead
    client = Client()
    assert client.login(email=summary.staff.email, password=DEFAULT_PASSWORD)
    page = client.get(f"/s/{summary.seminar.slug}/moderation/log/")
    text = page.content.decode()
    assert page.status_code == 200, page.get("Location")
    assert text.count('class="mod-log-entry"') >= 4  # endorse, pin, credit, hide
    assert summary.lead.name in text
