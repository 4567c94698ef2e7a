"""The main pages at 390×844: no horizontal scrolling, controls at least 44 px, screenshots."""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import Reading, Week
from tests.conftest import PASSWORD, enroll, make_user, make_week
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import ARTIFACTS, login

PAGES = {
    "login": "/accounts/login/",
    "home": "/",
    "seminar-home": "/s/{seminar}/",
    "week": "/s/{seminar}/w/{week}/",
}
# Interactive elements people tap; links inside running text are exempt (WCAG 2.5.8).
CONTROLS = (
    "button, input:not([type=hidden]), select, textarea, summary, .nav-link, .brand,"
    " .comment-actions a"
)


@pytest.fixture
def long_week(week):
    """A reading with an unbroken long URL and title, the usual cause of sideways scrolling."""
    Reading.objects.create(
        week=week,
        position=9,
        title="A" * 40 + " " + "Supercalifragilisticexpialidocious" * 3,
        url="https://example.org/" + "x" * 200,
        citation="https://arxiv.org/abs/2209.00626/" + "y" * 120,
        abstract="Long " * 200,
    )
    return week


# Staff pages: wider than a student's (status and edit columns, command lines to copy).
STAFF_PAGES = {
    "staff-schedule": "/s/{seminar}/schedule/",
    "archive": "/s/{seminar}/archive/",
    "lead-brief": "/s/{seminar}/w/{week}/brief/",
}


@pytest.fixture
def rotation(seminar):
    """Three named teams rotating over three weeks with class dates, as in the demo: each
    name is one word a table cell cannot break."""
    from teams import services
    from teams.models import Team

    for position, name in enumerate(["Lovelace", "Shannon", "Turing"], start=1):
        team = Team.objects.create(seminar=seminar, name=name, position=position)
        user = enroll(make_user(f"{name.lower()}@example.edu"), seminar)
        services.team_member_add(team=team, user=user)
    for number, title in [(2, "Alignment"), (3, "Oversight and Interpretability")]:
        make_week(seminar, number=number, class_date=dt.date(2026, 12, 9 + number))
        Week.objects.filter(seminar=seminar, number=number).update(title=title)
    Week.objects.filter(seminar=seminar, number=3).update(status=Week.Status.DRAFT)
    services.rotation_generate(seminar=seminar, blog_offset=1)


def assert_fits_390_px(phone_page) -> None:
    """The document is no wider than the 390 px screen. Compared with the fixed width, not
    with window.innerWidth: a mobile browser widens its layout viewport to an overflowing
    page (zoomed out), so innerWidth grows with the overflow and would always match."""
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"document {width}px on a 390px screen"


def open_page(phone_page, live_server, week, name: str) -> None:
    path = (PAGES | STAFF_PAGES)[name].format(seminar=week.seminar.slug, week=week.slug)
    phone_page.goto(live_server.url + path)
    phone_page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_fit_a_phone_screen_without_horizontal_scrolling(
    phone_page, live_server, student, long_week, other_student, name, scheme
):
    phone_page.emulate_media(color_scheme=scheme)
    if name != "login":
        login(phone_page, live_server, student.email, PASSWORD)
    open_page(phone_page, live_server, long_week, name)
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / f"phone-{name}-{scheme}.png"), full_page=True)
    assert_fits_390_px(phone_page)


@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_staff_pages_fit_a_phone_screen_without_horizontal_scrolling(
    phone_page, live_server, staff, long_week, rotation, name
):
    """The schedule with its staff columns and teams on the week, and the archive page."""
    login(phone_page, live_server, staff.email, PASSWORD)
    open_page(phone_page, live_server, long_week, name)
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    assert_fits_390_px(phone_page)


@pytest.mark.parametrize("name", ["login", "week"])
def test_controls_are_at_least_44_px_tall_on_a_phone(
    phone_page, live_server, student, other_student, week, name
):
    # A classmate's answer, so the page has comment actions (Reply, Flag) to tap.
    add_comment(week, other_student, question=first_question(week))
    if name != "login":
        login(phone_page, live_server, student.email, PASSWORD)
    open_page(phone_page, live_server, week, name)
    small = phone_page.evaluate(
        """selector => Array.from(document.querySelectorAll(selector))
            .filter(el => el.offsetParent !== null)
            // A checkbox is tapped through its label, which must be the large target.
            .map(el => ["checkbox", "radio"].includes(el.type)
                ? document.querySelector(`label[for="${el.id}"]`) || el : el)
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)""",
        CONTROLS,
    )
    assert not small, small


@pytest.mark.parametrize(("device", "viewport"), [("phone", (390, 844)), ("desktop", (1280, 900))])
def test_seed_week_reads_well_on_phone_and_desktop(
    browser, live_server, student, seed_week, device, viewport
):
    """The real seed week, screenshotted for review at both sizes; never wider than the screen."""
    width, height = viewport
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=device == "phone"
    )
    try:
        page = context.new_page()
        login(page, live_server, student.email, PASSWORD)
        page.goto(f"{live_server.url}/s/{seed_week.seminar.slug}/w/{seed_week.slug}/")
        page.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{device}-seed-week.png"), full_page=True)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width == width
    finally:
        context.close()
