"""Journeys through the pages that exist now, as a person takes them in the browser."""

from __future__ import annotations

from core.models import Seminar, Week
from tests.conftest import PASSWORD
from tests.e2e.conftest import login


def test_student_logs_in_and_lands_on_their_seminar_then_reads_the_open_week(
    page, live_server, student, week
):
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == week.seminar.title
    page.locator("a.week-title", has_text=week.title).click()
    assert page.locator("h1").inner_text().strip() == week.title
    rule = page.locator(".deadline-box").inner_text()
    assert "Answer at least one question in each section by" in rule
    assert "leads and bloggers exempt" in rule
    assert page.locator(".question").count() == 4


def test_student_unfolds_an_abstract(page, live_server, student, week):
    reading = week.readings.get()
    reading.abstract = "We study the alignment problem."
    reading.save()
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    abstract = page.get_by_text("We study the alignment problem.")
    assert not abstract.is_visible()
    page.get_by_text("Abstract", exact=True).click()
    assert abstract.is_visible()


def test_math_in_a_question_is_typeset(page, live_server, student, week):
    question = week.sections.first().questions.first()
    question.body = "What is $x^2$ when $x = 3$?"
    question.save()
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    page.locator(".question-body .katex").first.wait_for()
    assert page.locator(".question-body .math[data-math-typeset]").count() == 2


def test_staff_see_the_draft_week_with_its_banner_and_students_do_not(
    page, live_server, staff, student, week
):
    week.status = Week.Status.DRAFT
    week.save()
    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/")
    assert page.locator(".badge-draft").inner_text() == "Draft"
    page.locator("a.week-title", has_text=week.title).click()
    assert "only staff can see this week" in page.locator(".banner-draft").inner_text()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    login(page, live_server, student.email, PASSWORD)
    response = page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    assert response.status == 404


def test_anonymous_visitor_of_an_enrolled_only_week_is_asked_to_log_in_and_lands_on_it(
    page, live_server, week, student
):
    url = f"/s/{week.seminar.slug}/w/{week.slug}/"
    page.goto(f"{live_server.url}{url}")
    assert page.url == f"{live_server.url}/accounts/login/?next={url}"
    assert week.title not in page.content()
    page.fill("input[name=login]", student.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}{url}")
    assert "Week 1" in page.locator("h1").first.inner_text()


def test_visitor_reads_a_public_seminar_without_logging_in(page, live_server, week):
    Seminar.objects.filter(pk=week.seminar.pk).update(visibility=Seminar.Visibility.PUBLIC)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=week.seminar.title).click()
    page.locator("a.week-title", has_text=week.title).click()
    assert page.locator("h1").inner_text().strip() == week.title
    assert page.get_by_role("link", name="Log in").is_visible()


def test_member_switches_between_seminars_from_the_header(page, live_server, student, week):
    from tests.conftest import enroll

    other = Seminar.objects.create(title="Second Seminar", slug="second")
    enroll(student, other)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/")
    page.locator(".switcher summary").click()
    page.locator(".switcher").get_by_role("link", name="Second Seminar").click()
    assert page.locator("h1").inner_text() == "Second Seminar"
