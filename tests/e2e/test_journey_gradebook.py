"""The gradebook in a real browser: staff go from the participation matrix to the
gradebook and download the Canvas and the Moodle file (JavaScript on and off); the page
passes the accessibility audit and fits a 390 px phone."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import RosterEntry
from participation.models import State, StatusOverride
from tests.conftest import PASSWORD, make_week
from tests.e2e.conftest import axe_violations, describe, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def graded(seminar, student, other_student):
    past = timezone.now() - dt.timedelta(days=2)
    weeks = [make_week(seminar, number=n, deadline=past) for n in range(1, 9)]
    StatusOverride.objects.create(week=weeks[0], user=student, state=State.MET, note="ok")
    StatusOverride.objects.create(week=weeks[1], user=student, state=State.EXEMPT, note="ill")
    RosterEntry.objects.create(seminar=seminar, email=student.email, user=student, student_id="S1")
    return weeks


def download(page, selector: str) -> list[list[str]]:
    with page.expect_download() as info:
        page.locator(selector).click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("which", ["page", "nojs_page"])
def test_staff_reach_the_gradebook_from_the_matrix_and_download_both_files(
    request, live_server, seminar, staff, student, graded, which
):
    browser_page = request.getfixturevalue(which)
    login(browser_page, live_server, staff.email, PASSWORD)
    browser_page.goto(f"{live_server.url}/s/{seminar.slug}/participation/")
    browser_page.locator("#gradebook-link").click()
    browser_page.wait_for_url("**/participation/gradebook/")
    assert "1 / 7" in browser_page.locator("table.gradebook").inner_text()
    canvas = download(browser_page, "#download-canvas")
    assert canvas[1][0] == "Points Possible"
    sam = next(row for row in canvas if row[2] == "S1")
    assert sam[5:7] == ["1", "EX"]
    moodle = download(browser_page, "#download-moodle")
    assert moodle[0][:2] == ["Email address", "ID number"]
    assert {row[0] for row in moodle[1:]} == {student.email, "other@example.edu"}


def test_gradebook_page_passes_axe_and_fits_a_phone(
    page, phone_page, live_server, seminar, staff, graded
):
    for browser_page in (page, phone_page):
        login(browser_page, live_server, staff.email, PASSWORD)
        browser_page.goto(f"{live_server.url}/s/{seminar.slug}/participation/gradebook/")
        browser_page.wait_for_load_state("networkidle")
        violations = axe_violations(browser_page)
        assert not violations, describe(violations)
    widths = phone_page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] == widths[1], f"document {widths[0]}px, viewport {widths[1]}px"
