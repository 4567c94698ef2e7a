"""A lead team prepares its draft week in the browser; staff publish it from the queue."""

from __future__ import annotations

import datetime as dt

import pytest

from core.lead_models import WeekReview
from core.models import Week, WeekDuty
from tests.conftest import PASSWORD, enroll, make_user, make_week
from tests.e2e.conftest import axe_violations, describe, login
from tests.weeks.test_lead_prepare import WEEK_FILE


@pytest.fixture
def draft(seminar) -> Week:
    return make_week(
        seminar,
        number=3,
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


def test_lead_pastes_previews_and_submits_staff_publish_and_a_student_reads_it(
    page, live_server, draft, draft_lead, staff, student
):
    login(page, live_server, draft_lead.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/")
    page.get_by_role("link", name="Prepare week 3").click()
    assert page.locator("#editor-heading").inner_text() == "Prepare week 3"
    assert 'title = "Week 3"' in page.locator("#week-text").input_value()

    page.locator("#week-text").fill(WEEK_FILE)
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert "Preview of your text" in page.locator("#preview-banner").inner_text()
    assert page.locator(".page-header h1").inner_text().strip() == "Week 3: Oversight"
    assert page.locator(".reading-list li").count() == 2
    assert page.locator(".question").count() == 3
    assert page.locator("#week-text").input_value().startswith('+++\ntitle = "Week 3: Oversight"')
    assert Week.objects.get(pk=draft.pk).title == "Week 3"  # nothing saved by a preview

    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_load_state()
    assert page.locator("#review-state").inner_text() == "Submitted for review"
    assert "Submitted for review: staff see it" in page.locator(".messages").inner_text()
    log_out(page)

    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/")
    page.get_by_role("link", name="Review queue (1)").click()
    assert page.locator(".review-queue .card-title").inner_text() == "Week 3: Oversight"
    page.get_by_role("button", name="Publish week 3 now").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == "Week 3: Oversight"
    assert page.locator(".banner-draft").count() == 0
    assert WeekReview.objects.get(week=draft).state == WeekReview.State.APPROVED
    log_out(page)

    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/")
    page.locator("a.week-title", has_text="Week 3: Oversight").click()
    # count() does not wait: a loaded CI machine counted the page before it arrived
    page.wait_for_url(f"**/w/{draft.slug}/")
    page.wait_for_load_state()
    assert page.locator(".reading-list li").count() == 2
    assert "What makes oversight scalable?" in page.locator(".question").first.inner_text()


def test_with_javascript_off_a_bad_paste_keeps_the_text_and_a_good_one_saves(
    nojs_page, live_server, draft, draft_lead
):
    page = nojs_page
    login(page, live_server, draft_lead.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/w/{draft.slug}/prepare/")
    broken = WEEK_FILE.replace("+++\n", "", 1)
    page.locator("#week-text").fill(broken)
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    error = page.locator("#week-text-error").inner_text()
    assert "week file:" in error and "\n" not in error.strip()
    assert page.locator("#week-text").input_value() == broken

    page.locator("#week-text").fill(WEEK_FILE)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert "Saved: 2 required and 0 optional readings" in page.locator(".messages").inner_text()
    assert page.locator(".question").count() == 3
    week = Week.objects.get(pk=draft.pk)
    assert (week.title, week.status, week.slug) == ("Week 3: Oversight", "draft", "week3")


def test_the_editor_page_passes_the_accessibility_audit(page, live_server, draft, draft_lead):
    login(page, live_server, draft_lead.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{draft.seminar.slug}/w/{draft.slug}/prepare/")
    violations = axe_violations(page)
    assert not violations, describe(violations)
