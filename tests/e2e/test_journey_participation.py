"""Participation in a real browser: a student sees their status change as they post (htmx,
then JavaScript off); staff open the matrix, filter it, download the CSV and credit a
reply from the queue; the matrix and the week list pass the accessibility audit."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from core.models import Question
from discussions.models import Comment
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import axe_violations, describe, login, open_answer_form

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("PARTICIPATION_SCREENSHOTS")  # a folder, to look at the pages


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def status_text(page) -> str:
    return page.locator("#participation").inner_text()


def test_student_sees_their_status_change_as_they_post(
    page, nojs_page, live_server, week, student, lead
):
    first = first_question(week)
    second = Question.objects.get(section__week=week, section__position=1, position=0)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    assert "0 of 2 sections answered" in status_text(page)
    assert "Not yet" in status_text(page)

    form = open_answer_form(page, first)
    form.locator("textarea").fill("My answer to the first section")
    form.get_by_role("button", name="Post answer").click()
    page.locator(f"#comments-q{first.pk}", has_text="My answer to the first section").wait_for()
    page.reload()
    text = status_text(page)
    assert "1 of 2 sections answered — answer one question in section 2 by" in text
    shot(page, "week-status-1-of-2")

    # JavaScript off: the plain form posts and the page it lands on shows the new status.
    login(nojs_page, live_server, student.email, PASSWORD)
    nojs_page.goto(f"{live_server.url}{week.get_absolute_url()}")
    nojs_form = open_answer_form(nojs_page, second)
    nojs_form.locator("textarea").fill("My answer to the second section")
    nojs_form.get_by_role("button", name="Post answer").click()
    nojs_page.wait_for_load_state()
    nojs_page.goto(f"{live_server.url}{week.get_absolute_url()}")
    assert "Done: 2 of 2 sections answered." in status_text(nojs_page)
    assert "Met" in status_text(nojs_page)

    nojs_page.goto(f"{live_server.url}{week.seminar.get_absolute_url()}")
    summary = nojs_page.locator(".participation-term").inner_text()
    assert "Met: 1" in summary


def test_staff_open_the_matrix_filter_it_and_download_the_csv(
    page, live_server, week, student, other_student, lead, staff
):
    add_comment(week, other_student, "An answer", question=first_question(week))
    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/participation/")
    matrix = page.locator("table.matrix")
    assert matrix.locator("tbody tr").count() == 3  # student, other_student, lead
    assert "Exempt" in matrix.inner_text()
    shot(page, "matrix")
    assert axe_violations(page) == [], describe(axe_violations(page))

    page.select_option("#filter-state", "exempt")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert page.locator("table.matrix tbody tr").count() == 1

    with page.expect_download() as info:
        page.locator("#download-csv").click()
    download = info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["student", "email", "team"]
    assert [row[1] for row in rows[1:]] == [lead.email]  # the filter carries over

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("link", name="W1").click()
    page.wait_for_load_state()
    assert "Participation: week 1" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="answer (section 1)").count() == 1
    assert axe_violations(page) == [], describe(axe_violations(page))
    shot(page, "week-list")


def test_lead_credits_a_reply_in_one_click_from_the_queue(
    page, live_server, week, student, other_student, lead
):
    theirs = add_comment(
        week,
        other_student,
        "Deception emerges when models are rewarded for it.",
        question=first_question(week),
    )
    reply = add_comment(
        week, student, "> models are rewarded for it\n\nBut the paper shows more.", parent=theirs
    )
    login(page, live_server, lead.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/participation/w/{week.slug}/queue/")
    item = page.locator(f"#candidate-{reply.pk}")
    assert "quotes the comment it answers" in item.inner_text()
    shot(page, "queue")
    page.evaluate("window.__noReload = true")
    item.get_by_role("button", name="Credit as substantive").click()
    page.locator(f"#candidate-{reply.pk}", has_text="Credited").wait_for()
    assert page.evaluate("window.__noReload") is True  # swapped in place by htmx
    assert Comment.objects.get(pk=reply.pk).credited_substantive
