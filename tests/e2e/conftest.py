"""Browser harness: Debian's Chromium driven by Playwright against pytest-django's live_server.

A missing browser is a failure, never a skip: CI installs Chromium with apt.
Screenshots of failing journeys land in test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# One Playwright and one Chromium for the whole run. Test folders outside tests/e2e import
# `browser`, and each import is a separate session fixture: they must share this instance,
# because a second sync_playwright() in the same thread fails ("Sync API inside the
# asyncio loop"). The last fixture to finish closes it.
_CHROMIUM: dict[str, object] = {}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # expect() waits 5 s by default, page actions 10 s (below): on a loaded CI machine an
    # htmx swap can take longer than 5 s, so both wait the same.
    expect.set_options(timeout=10_000)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    if not _CHROMIUM:
        playwright = sync_playwright().start()
        _CHROMIUM["playwright"] = playwright
        _CHROMIUM["browser"] = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        _CHROMIUM["users"] = 0
    _CHROMIUM["users"] += 1
    yield _CHROMIUM["browser"]
    _CHROMIUM["users"] -= 1
    if _CHROMIUM["users"] == 0:
        _CHROMIUM["browser"].close()
        _CHROMIUM["playwright"].stop()
        _CHROMIUM.clear()


def _new_page(browser, request, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if context_options.get("java_script_enabled", True):
        wait_for_marking(page)
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def wait_for_marking(page) -> None:
    """A week or question page marks what it showed as read with an htmx POST once loaded
    (discussions/unread_views.py), swapping its form for a status: wait for that answer,
    so that the test never ends (and its database is flushed) under the POST's write.
    A test that writes to the database right after loading such a page calls it too
    (SQLite's shared in-memory test database refuses a second writer at once)."""
    import contextlib

    with contextlib.suppress(Exception):  # a closed page, or none: nothing to wait for
        page.wait_for_function("() => !document.querySelector('form.mark-seen')", timeout=3000)


@pytest.fixture
def page(browser, request, live_server):
    yield from _new_page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, request, live_server):
    yield from _new_page(
        browser, request, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )


@pytest.fixture
def nojs_page(browser, request, live_server):
    yield from _new_page(
        browser, request, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )


def login(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()


def open_answer_form(page, question):
    """Answer forms are closed until asked for: open this question's with its "Answer
    this question" button (a <details> summary), unless a draft or an error keeps it
    open; the form's locator."""
    details = page.locator(f"#compose-q{question.pk}")
    if details.get_attribute("open") is None:
        details.locator("> summary").click()
    return page.locator(f"#form-q{question.pk}")


AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; the violations of the given impacts."""
    page.wait_for_load_state()  # a click may have only started the navigation
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
    # does not govern: an added <script> tag would be an inline script, and refused.
    page.evaluate(f"() => {{ {AXE_SOURCE}\n}}")
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    )


SEED_WEEK = Path(__file__).resolve().parents[1] / "fixtures" / "weekfiles" / "week2-alignment.md"


@pytest.fixture
def seed_week(seminar):
    """The real seed week (4 readings, 13 optional ones in 3 groups, 8 questions), imported
    through the importer and published with a deadline three days away."""
    import datetime as dt

    from django.utils import timezone

    from core.importer import import_week_file
    from core.models import Week

    week = import_week_file(SEED_WEEK.read_text(), seminar=seminar).week
    Week.objects.filter(pk=week.pk).update(
        status=Week.Status.PUBLISHED, deadline=timezone.now() + dt.timedelta(days=3)
    )
    week.refresh_from_db()
    return week
