"""The moderation log in a real browser: a lead follows the week page's link to their
week's log and filters it (JavaScript on and off); staff open the seminar's log from the
seminar home and download its CSV; both pages pass axe and fit a 390 px phone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from discussions import moderation
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import axe_violations, describe, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def logged(week, lead, staff, student):
    answer = add_comment(week, student, "A long answer " + "x" * 300, question=first_question(week))
    moderation.hide(answer, actor=lead, reason="Please keep to the question " + "y" * 120)
    moderation.pin(answer, actor=staff)
    moderation.lock_week(week, actor=staff, reason="Exam week")
    return answer


@pytest.mark.parametrize("which", ["page", "nojs_page"])
def test_lead_opens_their_weeks_log_from_the_week_page_and_filters_it(
    request, live_server, week, lead, logged, which
):
    browser_page = request.getfixturevalue(which)
    login(browser_page, live_server, lead.email, PASSWORD)
    browser_page.goto(live_server.url + week.get_absolute_url())
    browser_page.locator("#moderation-log-link").click()
    browser_page.wait_for_url("**/moderation/log/")
    entries = browser_page.locator(".mod-log-entry")
    assert entries.count() == 3
    browser_page.select_option("#id_action", "hide")
    browser_page.locator(".log-filters button[type=submit]").click()
    browser_page.wait_for_url("**action=hide**")
    assert entries.count() == 1
    assert "Please keep to the question" in entries.first.inner_text()
    browser_page.locator(".mod-log-entry a").first.click()
    browser_page.wait_for_url(f"**{week.get_absolute_url()}#c{logged.pk}")
    assert browser_page.locator(f"#c{logged.pk}").count() == 1


def test_staff_open_the_seminar_log_from_home_and_download_its_csv(
    page, live_server, seminar, staff, logged
):
    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{seminar.slug}/")
    page.locator("#moderation-log-link").click()
    page.wait_for_url("**/moderation/log/")
    with page.expect_download() as info:
        page.locator("#download-log-csv").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert [r[4] for r in rows[1:]] == ["Lock", "Pin", "Hide"]


def test_log_pages_pass_axe_and_fit_a_phone(
    page, phone_page, live_server, seminar, week, staff, logged
):
    for browser_page in (page, phone_page):
        login(browser_page, live_server, staff.email, PASSWORD)
        for path in (
            f"/s/{seminar.slug}/moderation/log/",
            f"{week.get_absolute_url()}moderation/log/",
        ):
            browser_page.goto(live_server.url + path)
            browser_page.wait_for_load_state("networkidle")
            violations = axe_violations(browser_page)
            assert not violations, describe(violations)
            if browser_page is phone_page:
                widths = browser_page.evaluate(
                    "() => [document.documentElement.scrollWidth, window.innerWidth]"
                )
                assert widths[0] == widths[1], f"{path}: {widths[0]}px wide, viewport {widths[1]}px"
