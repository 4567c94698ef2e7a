"""The main pages of the demo seminar, as its people see them, on a desktop and a phone.

Each page must load (200), fit its viewport (no horizontal scrolling) and pass axe with no
serious or critical violation; its screenshot goes to test-artifacts/screens/, or to the
folder named by SCREENSHOTS_DIR (`make screenshots` refreshes docs/screenshots/, which the
README shows).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.models import Question
from demo.weeks import build_demo
from tests.e2e.conftest import ARTIFACTS, axe_violations, describe, login

PASSWORD = "screenshot-demo"
OUT = Path(os.environ.get("SCREENSHOTS_DIR") or ARTIFACTS / "screens")


def page_paths(summary) -> list[tuple[str, str | None, str]]:
    """(file name, who is logged in, path) for each page worth showing, grouped by user."""
    seminar = summary.seminar.slug
    open_week, closed = summary.open_week, summary.weeks["closed"]
    # The discussion of the second question (the first is the one student1 still owes).
    question = Question.objects.filter(section__week=open_week).order_by(
        "section__position", "position"
    )[1]
    return [
        ("login", None, "/accounts/login/"),
        ("signup", None, "/accounts/signup/"),
        ("seminar-home", "student1@example.edu", f"/s/{seminar}/"),
        ("week", "student1@example.edu", open_week.get_absolute_url()),
        (
            "discussion",
            "student1@example.edu",
            f"{open_week.get_absolute_url()}#question-{question.pk}",
        ),
        (
            "question",
            "student1@example.edu",
            f"{open_week.get_absolute_url()}q/{question.pk}/?sort=replies",
        ),
        ("search", "student1@example.edu", f"{open_week.get_absolute_url()}search/?q=reward"),
        ("blog-post", "student1@example.edu", f"{closed.get_absolute_url()}blog/"),
        ("schedule", "student1@example.edu", f"/s/{seminar}/schedule/"),
        ("profile", "student1@example.edu", "/profile/"),
        ("week-lead", summary.lead.email, open_week.get_absolute_url()),
        ("blog-editor", summary.blogger.email, f"{open_week.get_absolute_url()}blog/edit/"),
        ("draft-week-staff", summary.staff.email, summary.weeks["draft"].get_absolute_url()),
        ("participation-matrix", summary.staff.email, f"/s/{seminar}/participation/"),
        ("for-you", "student1@example.edu", "/notifications/"),
        ("lead-brief", summary.lead.email, f"{open_week.get_absolute_url()}brief/"),
        ("moderation-log", summary.staff.email, f"/s/{seminar}/moderation/log/"),
        ("gradebook", summary.staff.email, f"/s/{seminar}/participation/gradebook/"),
        (
            "week-editor",
            summary.staff.email,
            f"{summary.weeks['draft'].get_absolute_url()}prepare/",
        ),
    ]


@pytest.fixture
def demo(transactional_db):
    return build_demo(PASSWORD)


@pytest.mark.parametrize(
    ("device", "viewport", "scheme"),
    [
        ("desktop", {"width": 1280, "height": 900}, "light"),
        ("phone", {"width": 390, "height": 844}, "dark"),
    ],
)
def test_main_pages_of_the_demo_load_fit_and_pass_axe(
    browser, live_server, demo, device, viewport, scheme
):
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, is_mobile=device == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    current_user = "nobody"
    try:
        for name, email, path in page_paths(demo):
            if email != current_user:
                context.clear_cookies()
                if email:
                    login(page, live_server, email, PASSWORD)
                current_user = email
            response = page.goto(f"{live_server.url}{path}")
            # A jump to an anchor of the page already open loads nothing (None).
            assert response is None or response.status == 200, (name, path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (name, width)
            violations = axe_violations(page)
            assert not violations, f"{name}: {describe(violations)}"
            page.screenshot(path=str(OUT / f"{name}-{device}.png"))
    finally:
        context.close()
