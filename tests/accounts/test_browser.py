"""The roster import and the refused sign-up in a real browser, with an accessibility audit."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.forms import NOT_ON_ROSTER
from accounts.models import RosterEntry
from tests.accounts.conftest import class_of, roster_csv
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_import_a_roster_in_the_admin_browser(page, live_server, seminar, staff, tmp_path):
    rows = class_of(12)
    rows.insert(4, ("nobody-at-example", "Bad", "student"))
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text(roster_csv(rows))

    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/accounts/rosterentry/")
    page.get_by_role("link", name="Import roster CSV").click()
    page.set_input_files("input[name=csv_file]", str(csv_file))
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_text("12 to add")).to_be_visible()
    invalid = page.locator("tr.roster-invalid")
    assert invalid.count() == 1 and "not a valid email" in invalid.inner_text()
    assert not describe(axe_violations(page)), describe(axe_violations(page))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "roster-import-preview.png"), full_page=True)

    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Roster updated: 12 added")).to_be_visible()
    assert RosterEntry.objects.filter(seminar=seminar).count() == 12
    assert len(mail.outbox) == 12


def test_refused_signup_says_why_and_keeps_the_email(page, live_server, seminar):
    RosterEntry.objects.create(seminar=seminar, email="someone@example.edu")
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "stranger@example.edu")
    page.fill("input[name=password1]", "long-pass-phrase-9")
    page.fill("input[name=password2]", "long-pass-phrase-9")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_text(NOT_ON_ROSTER)).to_be_visible()
    assert page.input_value("input[name=email]") == "stranger@example.edu"
    assert not describe(axe_violations(page)), describe(axe_violations(page))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "signup-not-on-roster.png"), full_page=True)
