"""The site home, the seminar home and the week page, as each role sees them."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.lib import page_store
from core.models import Enrollment, Question, QuestionSection, Reading, Seminar, Week
from tests.conftest import PASSWORD, enroll, make_week

NY = ZoneInfo("America/New_York")


def page_text(html: str) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def titled(week: Week, title: str) -> Week:
    week.title = title
    week.save()
    return week


def week_url(week: Week) -> str:
    return reverse("weeks:detail", args=[week.seminar.slug, week.slug])


def seminar_url(seminar: Seminar) -> str:
    return reverse("weeks:seminar", args=[seminar.slug])


@pytest.fixture
def draft(seminar) -> Week:
    return titled(make_week(seminar, number=3, status=Week.Status.DRAFT), "Week 3: Draft")


@pytest.fixture
def public_seminar(db) -> Seminar:
    seminar = Seminar.objects.create(
        title="Open Seminar",
        slug="open",
        visibility=Seminar.Visibility.PUBLIC,
        description="Everyone may *read* along.",
    )
    titled(make_week(seminar), "Week 1: Public")
    return seminar


# Site home


def test_home_welcomes_visitors_with_a_login_link_and_public_seminars(client, public_seminar):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Welcome to Seminar" in response.content
    assert reverse("account_login").encode() in response.content
    assert b"Open Seminar" in response.content


def test_home_hides_enrolled_only_seminars_from_visitors(client, seminar, public_seminar):
    assert seminar.title.encode() not in client.get("/").content


def test_home_sends_a_member_of_one_seminar_straight_to_it(client, student):
    client.force_login(student)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == seminar_url(student.enrollments.get().seminar)


def test_home_lists_a_members_seminars_with_their_role_and_a_switcher(client, student):
    other = Seminar.objects.create(title="Second Seminar", slug="second")
    enroll(student, other, Enrollment.Role.AUDITOR)
    client.force_login(student)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "LLM Risks" in html and "Second Seminar" in html
    assert "Auditor" in html
    assert 'class="switcher"' in html


def test_home_shows_admin_link_to_staff_only(client, staff, student):
    Seminar.objects.create(title="Second Seminar", slug="second")  # no redirect for staff
    enroll(staff, Seminar.objects.get(slug="second"), Enrollment.Role.STAFF)
    client.force_login(staff)
    assert reverse("admin:index").encode() in client.get("/").content
    client.force_login(student)
    week_page = client.get(seminar_url(student.enrollments.get().seminar))
    assert reverse("admin:index").encode() not in week_page.content


def test_home_rejects_post(client):
    assert client.post("/").status_code == 405


# Seminar home


def test_seminar_home_lists_published_weeks_in_order_with_their_state(
    client, student, seminar, week, draft
):
    closed = make_week(
        seminar, number=2, deadline=timezone.now() - dt.timedelta(days=9), late_policy="close"
    )
    titled(closed, "Week 2: Closed")
    client.force_login(student)
    html = client.get(seminar_url(seminar)).content.decode()
    assert html.index("Week 1") < html.index("Week 2: Closed")
    assert "Week 3: Draft" not in html
    assert "state-open" in html or "state-due_soon" in html
    assert "state-closed" in html
    assert "<h1>LLM Risks</h1>" in html
    assert "Fall 2023" in html


def test_seminar_home_shows_staff_the_draft_marked_as_draft(client, staff, seminar, week, draft):
    client.force_login(staff)
    html = client.get(seminar_url(seminar)).content.decode()
    assert "Week 3: Draft" in html
    assert 'class="badge badge-draft">Draft<' in html


def test_enrolled_only_seminar_is_invisible_to_logged_in_non_members(
    client, seminar, week, outsider
):
    client.force_login(outsider)
    assert client.get(seminar_url(seminar)).status_code == 404
    assert client.get(week_url(week)).status_code == 404


def test_logged_out_visitor_of_an_enrolled_only_seminar_is_sent_to_log_in(client, seminar, week):
    for url in (seminar_url(seminar), week_url(week)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_logged_out_visit_to_a_missing_seminar_looks_the_same_as_an_existing_one(client, db):
    """A link from an email works after login; a guessed slug reveals nothing."""
    response = client.get("/s/no-such-seminar/w/no-such-week/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/s/no-such-seminar/w/no-such-week/"


def test_after_login_the_student_lands_on_the_week_they_asked_for(client, student, week):
    url = week_url(week)
    login = client.get(url)["Location"]
    response = client.post(login, {"login": student.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == url


def test_public_seminar_is_readable_anonymously(client, public_seminar):
    response = client.get(seminar_url(public_seminar))
    assert response.status_code == 200
    assert b"<em>read</em>" in response.content
    week = public_seminar.weeks.get()
    page = client.get(week_url(week))
    assert page.status_code == 200
    assert b"Week 1: Public" in page.content


def test_seminar_home_rejects_post(client, student, seminar):
    client.force_login(student)
    assert client.post(seminar_url(seminar)).status_code == 405


# Week page


@pytest.fixture
def full_week(seminar) -> Week:
    """The seed week's shape: numbered readings with a gap, optional groups, two sections."""
    deadline = dt.datetime(2023, 9, 3, 17, 29, tzinfo=NY)
    week = Week.objects.create(
        seminar=seminar,
        number=2,
        slug="week2",
        title="Week 2: Alignment",
        class_date=dt.date(2023, 9, 5),
        intro="Read *carefully*.",
        status=Week.Status.PUBLISHED,
        deadline=deadline,
    )
    specs = [
        ("required", "", 1, "What is the alignment problem?"),
        ("required", "", 2, "Red Teaming Language Models"),
        ("required", "", 4, "The Alignment Problem from a Deep Learning Perspective"),
        ("optional", "Background / Motivation", None, "Zoom In"),
        ("optional", "Alignment Readings", None, "The Off-Switch Game"),
        ("optional", "Background / Motivation", None, "Superalignment"),
    ]
    for position, (kind, group, number, title) in enumerate(specs):
        Reading.objects.create(
            week=week,
            position=position,
            kind=kind,
            group=group,
            number=number,
            title=title,
            url=f"https://example.org/{position}",
            citation="Ngo, Chan and Mindermann. *arXiv* (2022).",
            abstract="Within the coming decades…" if position == 2 else "",
            note="sections 1, 3, 4" if position == 2 else "",
        )
    paper = week.readings.get(position=2)
    for position in range(2):
        section = QuestionSection.objects.create(
            week=week,
            position=position,
            title=f"Questions about paper {position + 1}",
            reading=paper if position == 0 else None,
            day_label="Monday" if position == 0 else "",
        )
        for q in range(4):
            Question.objects.create(
                section=section, position=q, number=str(position * 4 + q + 1), body="Why?"
            )
    return week


def test_week_page_numbers_required_readings_with_the_courses_numbers(client, student, full_week):
    client.force_login(student)
    html = client.get(week_url(full_week)).content.decode()
    assert re.search(
        r'<li value="1"[^>]*>\s*<p class="reading-title"><a href="https://example.org/0">What is',
        html,
    )
    assert re.search(
        r'<li value="4"[^>]*>\s*<p class="reading-title">'
        r'<a href="https://example.org/2">The Alignment',
        html,
    )
    assert '<span class="note">— sections 1, 3, 4</span>' in html
    assert "<em>arXiv</em>" in html
    assert "<p>Read <em>carefully</em>.</p>" in html


def test_week_page_puts_optional_readings_under_their_group_headings(client, student, full_week):
    client.force_login(student)
    html = client.get(week_url(full_week)).content.decode()
    background = html.index("<h4>Background / Motivation</h4>")
    alignment = html.index("<h4>Alignment Readings</h4>")
    assert background < html.index("Zoom In") < html.index("Superalignment") < alignment
    assert alignment < html.index("The Off-Switch Game")


def test_week_page_folds_abstracts_in_details(client, student, full_week):
    client.force_login(student)
    html = client.get(week_url(full_week)).content.decode()
    assert re.search(
        r'<details class="abstract">\s*<summary>Abstract</summary>'
        r"\s*<p>Within the coming decades",
        html,
    )
    assert "<details open" not in html


def test_week_page_shows_sections_questions_and_linked_reading(client, student, full_week):
    client.force_login(student)
    html = client.get(week_url(full_week)).content.decode()
    assert (
        html.index("Questions about paper 1")
        < html.index("Question 1<")
        < html.index("Question 4<")
        < html.index("Questions about paper 2")
        < html.index("Question 8<")
    )
    assert '<span class="day-label">Monday:</span>' in html
    assert 'About <a href="https://example.org/2">The Alignment Problem' in html


def test_week_page_states_the_rule_with_the_deadline_in_the_seminars_zone(
    client, student, full_week
):
    client.force_login(student)
    html = client.get(week_url(full_week)).content.decode()
    assert (
        "Answer at least one question in each section by Sun 3 Sep 2023, 5:29 pm EDT"
        " — leads and bloggers exempt." in page_text(html)
    )
    assert (
        'by <time datetime="2023-09-03T17:29:00-04:00">Sun 3 Sep 2023, 5:29 pm EDT</time>'
        " — leads" in html
    )
    assert "ago)" in html
    assert "Late posts are accepted and marked late." in html


def test_week_page_states_each_sections_own_deadline(client, student, seminar):
    week = make_week(seminar, number=5, deadline=None)
    monday, wednesday = week.sections.order_by("position")
    monday.deadline = timezone.now() + dt.timedelta(days=2, hours=1)
    monday.day_label = "Monday"
    monday.save()
    wednesday.deadline = timezone.now() + dt.timedelta(days=4, hours=1)
    wednesday.save()
    client.force_login(student)
    html = client.get(week_url(week)).content.decode()
    assert "in section 1 (Monday) by" in html
    assert "in section 2 by" in html
    assert html.count("Answers for this section due") == 2
    assert "(in 2 days)" in html and "(in 4 days)" in html


def test_week_page_shows_the_student_times_in_the_seminars_zone_not_the_servers(
    client, student, full_week, settings
):
    settings.TIME_ZONE = "Asia/Tokyo"
    full_week.seminar.timezone = "Europe/London"
    full_week.seminar.save()
    client.force_login(student)
    html = client.get(week_url(full_week)).content.decode()
    assert "Sun 3 Sep 2023, 10:29 pm BST" in html


def test_week_page_names_the_lead_and_blogging_teams(client, student, week, lead, blogger):
    lead.display_name = "Lee Lead"
    lead.save()
    client.force_login(student)
    html = client.get(week_url(week)).content.decode()
    assert "<dt>Lead team</dt><dd>Lee Lead</dd>" in html
    assert "<dt>Blogging team</dt><dd>blogger</dd>" in html


@pytest.mark.parametrize("who", ["student", "auditor", "outsider"])
def test_draft_week_is_404_for_everyone_but_staff(client, draft, student, auditor, outsider, who):
    users = {"student": student, "auditor": auditor, "outsider": outsider}
    if who in users:
        client.force_login(users[who])
    assert client.get(week_url(draft)).status_code == 404


def test_draft_week_shows_staff_a_draft_banner(client, staff, draft):
    client.force_login(staff)
    response = client.get(week_url(draft))
    assert response.status_code == 200
    assert b"<strong>Draft</strong>" in response.content


def test_scheduled_week_shows_staff_when_it_publishes(client, staff, seminar):
    publish_at = dt.datetime(2030, 1, 6, 9, 0, tzinfo=NY)
    week = make_week(seminar, number=4, status=Week.Status.SCHEDULED, publish_at=publish_at)
    client.force_login(staff)
    html = client.get(week_url(week)).content.decode()
    assert "<strong>Scheduled</strong>" in html
    assert "Sun 6 Jan 2030, 9:00 am EST" in html


def test_published_week_has_no_banner(client, staff, week):
    client.force_login(staff)
    assert b"banner-draft" not in client.get(week_url(week)).content


def test_week_page_never_lets_markdown_fields_inject_script(client, student, week):
    reading = week.readings.get()
    reading.note = "<script>alert(1)</script>"
    reading.citation = "<script>alert(2)</script> *ok*"
    reading.abstract = "<script>alert(3)</script>"
    reading.save()
    section = week.sections.first()
    section.intro = '<script>alert(4)</script><img src=x onerror="alert(5)">'
    section.save()
    week.intro = "<script>alert(6)</script>"
    week.save()
    client.force_login(student)
    html = client.get(week_url(week)).content.decode()
    assert "<script>alert" not in html
    assert not re.search(r"<img[^>]*onerror", html)
    assert "&lt;script&gt;alert(1)" in html


def test_week_page_rejects_post(client, student, week):
    client.force_login(student)
    assert client.post(week_url(week)).status_code == 405


def test_week_page_has_one_h1_and_a_title(client, student, week):
    client.force_login(student)
    html = client.get(week_url(week)).content.decode()
    assert html.count("<h1") == 1
    assert "<title>Week 1 — LLM Risks · Seminar</title>" in html
    assert '<html lang="en">' in html
    assert 'aria-live="polite"' in html


def _grow(week: Week, readings: int, questions: int) -> None:
    for position in range(readings):
        Reading.objects.create(
            week=week,
            position=100 + position,
            kind="optional" if position % 2 else "required",
            group=f"Group {position % 3}",
            title=f"Extra {position}",
        )
    for position in range(questions):
        section = QuestionSection.objects.create(
            week=week,
            position=100 + position,
            title=f"S{position}",
            reading=week.readings.first(),
            deadline=week.deadline + dt.timedelta(hours=position),
        )
        Question.objects.create(section=section, position=0, number=f"{10 + position}", body="Q")


@pytest.mark.usefixtures("same_minute")
def test_week_page_query_count_does_not_grow_with_readings_and_questions(
    client, student, seminar, lead, blogger
):
    small = make_week(seminar, number=7)
    large = make_week(seminar, number=8)
    _grow(small, readings=2, questions=2)
    _grow(large, readings=30, questions=30)
    client.force_login(student)
    client.get(week_url(small))  # warm up the session and the content types
    client.get(week_url(large))  # and both weeks' stored comments (a first view reads them)
    counts: dict[str, list[int]] = {"assembled": [], "stored": []}
    for url in (week_url(small), week_url(large)):
        page_store.STORE.clear()  # assembled, then answered from the stored page
        for kind in ("assembled", "stored"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[kind].append(len(queries))
    assert counts["assembled"][0] == counts["assembled"][1]
    assert counts["stored"][0] == counts["stored"][1] < counts["assembled"][0]


def test_week_page_stays_within_its_query_budget(
    client, student, seminar, django_assert_max_num_queries
):
    week = make_week(seminar, number=9)
    _grow(week, readings=30, questions=30)
    client.force_login(student)
    client.get(week_url(week))
    # About 11 queries for the page and layout; the discussion selector adds its own.
    with django_assert_max_num_queries(24):
        assert client.get(week_url(week)).status_code == 200


def test_seminar_home_query_count_does_not_grow_with_weeks(
    client, student, seminar, django_assert_max_num_queries
):
    client.force_login(student)

    def count_queries():
        client.get(seminar_url(seminar))  # warm the session and caches
        with CaptureQueriesContext(connection) as context:
            assert client.get(seminar_url(seminar)).status_code == 200
        return len(context)

    for number in range(1, 3):
        make_week(seminar, number=number)
    with_two = count_queries()
    for number in range(3, 21):
        make_week(seminar, number=number)
    # The page (layout, duties, participation summary, what's new: the viewer's read
    # records, duties and the weeks' comments) stays within a small budget, and twenty
    # weeks cost exactly what two do.
    with django_assert_max_num_queries(17):
        assert client.get(seminar_url(seminar)).status_code == 200
    assert count_queries() == with_two


def test_missing_page_renders_in_the_site_layout(client, settings, db):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'class="site-header"' in response.content


def test_missing_page_offers_visitors_a_login_that_returns_here(client, settings, db):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert b"/accounts/login/?next=/no-such-page/" in response.content


def test_login_page_renders_in_the_site_layout(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert 'class="site-header"' in html
    assert html.count("<h1") == 1
    assert re.search(r"<title>\s*Sign In\s*· Seminar</title>", html)


def test_account_settings_render_in_the_site_layout_with_an_account_menu(client, student):
    client.force_login(student)
    html = client.get(reverse("account_email")).content.decode()
    assert 'class="site-header"' in html
    assert 'aria-label="Account"' in html
    assert html.count("<h1") == 1
