"""The lead of the demo's open week opens its brief from the seminar home and follows a
link straight to a thread; with and without JavaScript, on a phone, checked by axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from demo.weeks import build_demo
from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, login

PASSWORD = "brief-demo"


@pytest.fixture
def demo(transactional_db):
    return build_demo(PASSWORD)


def open_brief_from_home(page, live_server, demo) -> None:
    login(page, live_server, demo.lead.email, PASSWORD)
    page.goto(f"{live_server.url}{demo.seminar.get_absolute_url()}")
    page.get_by_role("link", name=re.compile(r"^Brief of Week 2")).click()
    expect(page.locator("h1")).to_contain_text("The lead's brief")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_lead_opens_the_brief_from_home_and_follows_a_link_to_a_waiting_answer(
    browser, live_server, demo, javascript
):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        open_brief_from_home(page, live_server, demo)
        figures = page.locator(".brief-figures").inner_text()
        assert re.search(r"\b2\d answers and \d+ replies, \d+ new in the last 24 hours", figures)
        assert "1 open flag" in figures
        expect(page.locator("#brief-flags + ul")).to_contain_text("Comment by")
        # student1 has not answered the first section yet: named for the lead.
        expect(page.locator("#brief-silent ~ ul.brief-list li").first).to_contain_text("Avery")
        waiting = page.locator("#brief-threads ~ ul.brief-list a").first
        href = waiting.get_attribute("href")
        waiting.click()
        page.wait_for_url(re.compile(re.escape(href.split("#")[0]) + r"#c\d+$"))
        expect(page.locator(f"#{href.split('#')[1]}")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_brief_has_no_serious_accessibility_violations(page, live_server, demo, scheme):
    page.emulate_media(color_scheme=scheme)
    open_brief_from_home(page, live_server, demo)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_brief_fits_a_phone_and_passes_axe_there(phone_page, live_server, demo):
    open_brief_from_home(phone_page, live_server, demo)
    phone_page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "phone-lead-brief-demo.png"), full_page=True)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"document {width}px on a 390px screen"
    violations = axe_violations(phone_page)
    assert not violations, describe(violations)
