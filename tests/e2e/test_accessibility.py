"""axe-core on the main pages, in light and dark schemes: no serious or critical violations."""

from __future__ import annotations

import pytest

from core.models import Enrollment, Question, Reading, Seminar
from tests.conftest import PASSWORD, enroll, make_user
from tests.e2e.conftest import axe_violations, describe, login


@pytest.fixture
def rich_week(week):
    """The fixture week with an optional group and an abstract, so every part is audited."""
    Reading.objects.create(
        week=week,
        position=5,
        kind=Reading.Kind.OPTIONAL,
        group="Background",
        title="Zoom In: An Introduction to Circuits",
        url="https://distill.pub/2020/circuits/zoom-in/",
        abstract="By studying the connections between neurons, we can find meaningful algorithms.",
    )
    return week


def audit(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_login_page_has_no_serious_accessibility_violations(page, live_server, db, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{live_server.url}/accounts/login/")
    audit(page)


def test_visitor_home_has_no_serious_accessibility_violations(page, live_server, db):
    Seminar.objects.create(title="Open Seminar", slug="open", visibility="public")
    page.goto(f"{live_server.url}/")
    audit(page)


def test_member_home_with_seminar_switcher_has_no_serious_violations(
    page, live_server, student, seminar
):
    enroll(student, Seminar.objects.create(title="Second", slug="second"), Enrollment.Role.AUDITOR)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/")
    page.locator(".switcher summary").click()
    audit(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/s/{seminar}/", "/s/{seminar}/w/{week}/"])
def test_student_pages_have_no_serious_accessibility_violations(
    page, live_server, student, rich_week, lead, blogger, path, scheme
):
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, student.email, PASSWORD)
    page.goto(live_server.url + path.format(seminar=rich_week.seminar.slug, week=rich_week.slug))
    if "/w/" in path:
        page.locator("details.abstract summary").first.click()  # audit the unfolded abstract
    audit(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_seed_week_page_has_no_serious_accessibility_violations(
    page, live_server, student, seed_week, scheme
):
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{seed_week.seminar.slug}/w/{seed_week.slug}/")
    assert page.locator(".reading-list > li").count() == 4 + 13
    audit(page)


def test_signup_page_has_no_serious_accessibility_violations(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/signup/")
    audit(page)


def test_staff_draft_week_has_no_serious_accessibility_violations(page, live_server, staff, week):
    week.status = "draft"
    week.save()
    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    assert page.locator(".banner-draft").is_visible()
    audit(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path", ["/s/{seminar}/schedule/", "/s/{seminar}/archive/", "/s/{seminar}/w/{week}/brief/"]
)
def test_staff_schedule_archive_and_brief_have_no_serious_accessibility_violations(
    page, live_server, staff, lead, blogger, week, path, scheme
):
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, staff.email, PASSWORD)
    page.goto(live_server.url + path.format(seminar=week.seminar.slug, week=week.slug))
    assert page.locator("h1").count() == 1
    audit(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_archive_page_on_a_phone_has_no_serious_accessibility_violations(
    phone_page, live_server, staff, week, scheme
):
    """On a phone the command line is wider than the screen: what scrolls must be reachable."""
    phone_page.emulate_media(color_scheme=scheme)
    login(phone_page, live_server, staff.email, PASSWORD)
    phone_page.goto(f"{live_server.url}/s/{week.seminar.slug}/archive/")
    audit(phone_page)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, live_server, student, week):
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


def test_pages_have_landmarks_a_title_and_one_h1(page, live_server, student, week):
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    assert page.locator("h1").count() == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert page.locator(landmark).count() >= 1, landmark
    assert week.title in page.title()
    assert page.locator("html").get_attribute("lang") == "en"


def test_not_found_page_has_no_serious_accessibility_violations(page, live_server, db):
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    audit(page)


@pytest.fixture
def busy_week(week, lead, blogger, student, other_student):
    """The week with 100 comments: answers to every question, replies, replies to replies,
    general comments, and one of each mark (pinned, endorsed, credited, hidden, late)."""
    from discussions import moderation
    from discussions.models import Comment
    from tests.discussions.helpers import add_comment

    classmates = [enroll(make_user(f"c{i}@example.edu", first_name=f"Classmate {i}"), week.seminar)
                  for i in range(8)]  # fmt: skip
    questions = list(Question.objects.filter(section__week=week).order_by("section__position"))
    comments: list[Comment] = []
    for i in range(100):
        author = classmates[i % len(classmates)]
        body = f"Comment {i}: the **reading** argues $x^{i % 3}$ matters, see [it](https://example.org/{i})."
        if i % 4 == 3 and comments:
            comments.append(add_comment(week, author, body, parent=comments[i - 1]))
        elif i % 10 == 9:
            comments.append(add_comment(week, author, body))  # general thread
        else:
            comments.append(add_comment(week, author, body, question=questions[i % len(questions)]))
    moderation.pin(comments[0], actor=lead)
    moderation.endorse(comments[1], actor=lead)
    moderation.credit(comments[3], actor=lead)
    moderation.hide(comments[5], actor=lead, reason="Off topic")
    Comment.objects.filter(pk=comments[6].pk).update(is_late=True)
    assert Comment.objects.filter(week=week).count() == 100
    return week


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("who", ["student", "lead"])
def test_a_week_page_with_100_comments_has_no_serious_violations(
    page, live_server, busy_week, student, lead, who, scheme
):
    """As a student (reply links, compose forms) and as a lead (moderation controls on
    every comment)."""
    user = {"student": student, "lead": lead}[who]
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}{busy_week.get_absolute_url()}")
    assert page.locator("article.comment").count() >= 100
    audit(page)


def test_the_compose_page_without_javascript_has_no_serious_violations(
    browser, live_server, busy_week, student
):
    """The reply page a student reaches with JavaScript off: the editor as a page."""
    from discussions.models import Comment

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, student.email, PASSWORD)
        parent = Comment.objects.filter(week=busy_week, question__isnull=False).first()
        page.goto(f"{live_server.url}{busy_week.get_absolute_url()}c/{parent.pk}/reply/")
        assert page.locator("form textarea").count() == 1
        context.close()
        context = browser.new_context()  # axe needs scripts; the same page, audited
        page = context.new_page()
        login(page, live_server, student.email, PASSWORD)
        page.goto(f"{live_server.url}{busy_week.get_absolute_url()}c/{parent.pk}/reply/")
        audit(page)
    finally:
        context.close()
