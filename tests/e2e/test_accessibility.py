"""Automated accessibility audit (axe-core) and the phone layout of the main pages."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, describe, login


def test_login_page_has_no_serious_accessibility_violations(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("path", ["/s/{seminar}/", "/s/{seminar}/w/{week}/"])
def test_student_pages_have_no_serious_accessibility_violations(
    page, live_server, student, week, path
):
    login(page, live_server, student.email, PASSWORD)
    page.goto(live_server.url + path.format(seminar=week.seminar.slug, week=week.slug))
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("path", ["/accounts/login/", "/s/{seminar}/w/{week}/"])
def test_pages_fit_a_phone_screen_without_horizontal_scrolling(
    phone_page, live_server, student, week, path
):
    login(phone_page, live_server, student.email, PASSWORD)
    phone_page.goto(live_server.url + path.format(seminar=week.seminar.slug, week=week.slug))
    widths = phone_page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"document {widths[0]}px wider than viewport {widths[1]}px"
