"""A lead team prepares its draft week through the editor's forms in the browser (with and
without JavaScript); staff publish it from the queue; a student reads it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.lead_models import WeekReview
from core.models import Question, Reading, Week, WeekDuty
from tests.conftest import PASSWORD, enroll, make_user, make_week
from tests.e2e.conftest import axe_violations, describe, login
from tests.weeks.test_lead_prepare import WEEK_FILE


@pytest.fixture
def draft(seminar) -> Week:
    """An empty draft week: the lead team writes it all."""
    return Week.objects.create(
        seminar=seminar,
        number=3,
        slug="week3",
        title="Week 3",
        status=Week.Status.DRAFT,
        deadline=dt.datetime(2026, 12, 6, 17, 29, tzinfo=seminar.tz),
    )


@pytest.fixture
def draft_lead(seminar, draft):
    user = enroll(make_user("drafter@example.edu", first_name="Dana", last_name="Lead"), seminar)
    WeekDuty.objects.create(week=draft, user=user, team=WeekDuty.Team.LEAD)
    return user


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def field(page, name: str):
    return page.locator(f'[name="{name}"]')


def press(page, name: str) -> None:
    """A button of the editor; the next step waits (expect) for what it changes."""
    page.get_by_role("button", name=name, exact=True).click()


def write_the_week(page) -> None:
    """Two readings (moved), a section with two questions, through the forms; works with
    htmx swapping the forms and with whole-page posts alike (each step waits for its field)."""
    field(page, "week-title").fill("Week 3: Oversight")
    field(page, "week-intro").fill("We look at *oversight* this week.")
    press(page, "Add a reading")
    expect(field(page, "readings-0-title")).to_be_visible()
    field(page, "readings-0-title").fill("Weak-to-Strong Generalization")
    field(page, "readings-0-url").fill("https://example.org/w2s")
    press(page, "Add a reading")
    expect(field(page, "readings-1-title")).to_be_visible()
    expect(field(page, "readings-0-title")).to_have_value("Weak-to-Strong Generalization")
    field(page, "readings-1-title").fill("Scalable Oversight")
    field(page, "readings-1-url").fill("https://example.org/oversight")
    field(page, "readings-1-citation").fill("Bowman et al., 2022.")
    press(page, "Move up reading 2")
    titles = page.locator('#readings-editor input[name$="-title"]')
    expect(titles.first).to_have_value("Scalable Oversight")
    press(page, "Add a question section")
    expect(field(page, "sections-0-title")).to_be_visible()
    field(page, "sections-0-title").fill("Questions about oversight")
    field(page, "sections-0-q-0-body").fill("What makes oversight **scalable**?")
    press(page, "Add a question to section 1")
    expect(field(page, "sections-0-q-1-body")).to_be_visible()
    field(page, "sections-0-q-1-body").fill("Where does it fail?")


def check_saved(week: Week) -> None:
    week.refresh_from_db()
    assert week.title == "Week 3: Oversight"
    readings = list(Reading.objects.filter(week=week).values_list("title", flat=True))
    assert readings == ["Scalable Oversight", "Weak-to-Strong Generalization"]
    questions = Question.objects.filter(section__week=week).order_by("position")
    assert list(questions.values_list("body", flat=True)) == [
        "What makes oversight **scalable**?",
        "Where does it fail?",
    ]


def test_lead_prepares_a_week_through_forms_staff_publish_and_a_student_reads_it(
    page, live_server, draft, draft_lead, staff, student
):
    login(page, live_server, draft_lead.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/")
    page.get_by_role("link", name="Prepare week 3").click()
    expect(page.locator("#editor-heading")).to_have_text("Prepare week 3")
    write_the_week(page)

    # The live preview follows the typing (htmx), nothing saved.
    preview = page.locator("#preview-body")
    expect(preview).to_contain_text("Where does it fail?")
    expect(preview.locator(".reading-list li")).to_have_count(2)
    assert Week.objects.get(pk=draft.pk).title == "Week 3"

    # A bad link: refused next to its field, everything typed kept.
    field(page, "readings-0-url").fill("not a link")
    press(page, "Save draft")
    expect(page.locator("#editor-error")).to_be_visible()
    expect(page.locator("#readings-editor")).to_contain_text("Enter a full link")
    expect(field(page, "sections-0-q-1-body")).to_have_value("Where does it fail?")
    field(page, "readings-0-url").fill("https://example.org/oversight")

    press(page, "Save and submit for review")
    expect(page.locator("#review-state")).to_have_text("Submitted for review")
    expect(page.locator(".messages")).to_contain_text("Submitted for review: staff see it")
    check_saved(draft)
    log_out(page)

    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/")
    page.get_by_role("link", name="Review queue (1)").click()
    expect(page.locator(".review-queue .card-title")).to_have_text("Week 3: Oversight")
    page.get_by_role("button", name="Publish week 3 now").click()
    expect(page.locator("h1")).to_have_text("Week 3: Oversight")
    assert WeekReview.objects.get(week=draft).state == WeekReview.State.APPROVED
    log_out(page)

    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/")
    page.locator("a.week-title", has_text="Week 3: Oversight").click()
    page.wait_for_url(f"**/w/{draft.slug}/")
    expect(page.locator(".reading-list li")).to_have_count(2)
    expect(page.locator(".question").first).to_contain_text("What makes oversight scalable?")


def test_with_javascript_off_the_lead_prepares_the_week_through_forms(
    nojs_page, live_server, draft, draft_lead
):
    page = nojs_page
    login(page, live_server, draft_lead.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/w/{draft.slug}/prepare/")
    write_the_week(page)

    # An empty question: refused next to it, the rest kept.
    press(page, "Add a question to section 1")
    expect(field(page, "sections-0-q-2-body")).to_be_visible()
    field(page, "sections-0-title").fill("")
    press(page, "Save draft")
    expect(page.locator("#sections-editor")).to_contain_text("Give the section a title")
    expect(field(page, "sections-0-q-1-body")).to_have_value("Where does it fail?")
    field(page, "sections-0-title").fill("Questions about oversight")

    press(page, "Preview")
    expect(page.locator("#preview-banner")).to_contain_text("Preview of your changes")
    expect(page.locator("#preview-body .question")).to_have_count(2)
    assert Week.objects.get(pk=draft.pk).title == "Week 3"

    press(page, "Save draft")
    expect(page.locator(".messages")).to_contain_text("Saved: 2 required and 0 optional")
    check_saved(draft)
    press(page, "Save and submit for review")
    expect(page.locator("#review-state")).to_have_text("Submitted for review")


def test_a_week_file_is_imported_from_the_editor(nojs_page, live_server, draft, draft_lead):
    page = nojs_page
    login(page, live_server, draft_lead.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/w/{draft.slug}/prepare/")
    page.get_by_role("link", name="Import a week file").click()
    page.locator("#week-text").fill(WEEK_FILE)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Saved: 2 required and 0 optional")
    expect(field(page, "week-title")).to_have_value("Week 3: Oversight")  # back in the editor
    expect(page.locator("#sections-editor textarea[name$='-body']")).to_have_count(3)


@pytest.fixture
def full_draft(draft):
    make_week(draft.seminar, number=4, status=Week.Status.DRAFT)
    week = Week.objects.get(number=4, seminar=draft.seminar)
    Reading.objects.create(
        week=week,
        position=5,
        kind="optional",
        group="Background",
        title="B" * 80,
        url="https://example.org/" + "x" * 200,
    )
    WeekDuty.objects.create(
        week=week,
        user=enroll(make_user("fourth@example.edu"), draft.seminar),
        team=WeekDuty.Team.LEAD,
    )
    return week


def test_the_editor_passes_the_accessibility_audit(page, live_server, full_draft):
    login(page, live_server, "fourth@example.edu", PASSWORD)
    page.goto(f"{live_server.url}/s/{full_draft.seminar.slug}/w/{full_draft.slug}/prepare/")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_editor_fits_a_phone_screen(phone_page, live_server, full_draft):
    login(phone_page, live_server, "fourth@example.edu", PASSWORD)
    phone_page.goto(f"{live_server.url}/s/{full_draft.seminar.slug}/w/{full_draft.slug}/prepare/")
    phone_page.wait_for_load_state("networkidle")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"document {width}px on a 390 px phone"
    small = phone_page.evaluate(
        """() => Array.from(document.querySelectorAll(
                "#editor-form button, #editor-form input:not([type=hidden]),"
                + " #editor-form select, #editor-form textarea"))
            .filter(el => el.offsetParent !== null)
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)"""
    )
    assert not small, small
