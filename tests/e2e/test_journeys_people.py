"""Whole journeys as people take them: staff build a week in the admin, a student writes
with the live preview using only the keyboard, a late student is refused with their text
kept, an invited person signs up and an uninvited one cannot."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.utils import timezone

from accounts.models import RosterEntry, User
from core.models import Week
from demo.weeks import ensure_staff_group
from discussions.models import Comment
from tests.conftest import PASSWORD
from tests.discussions.helpers import first_question
from tests.e2e.conftest import SEED_WEEK, login, open_answer_form, wait_for_marking


def test_staff_import_a_week_add_a_question_and_publish_it_then_a_student_sees_it(
    page, live_server, seminar, staff, student
):
    staff.groups.add(ensure_staff_group())
    login(page, live_server, staff.email, PASSWORD)

    page.goto(f"{live_server.url}/admin/weeks/week/import/")
    page.get_by_label("Seminar").select_option(value=str(seminar.pk))
    page.get_by_label("Week file").set_input_files(str(SEED_WEEK))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    week = Week.objects.get(seminar=seminar, slug="week2")
    assert week.status == Week.Status.DRAFT
    assert "imported 'Week 2: Alignment'" in page.locator(".messagelist").inner_text()

    # A section is one click from its week; add a question in its inline and save.
    section = week.sections.order_by("position").first()
    page.goto(f"{live_server.url}/admin/weeks/questionsection/{section.pk}/change/")
    before = section.questions.count()
    # The inline offers one empty row for a new question.
    row = page.locator(f"tr:has(textarea[name$='-{before}-body'])")
    row.locator("input[name$='-number']").fill("9")
    row.locator("input[name$='-position']").fill("9")
    row.locator("textarea[name$='-body']").fill("Which reading changed your mind, and why?")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert section.questions.count() == before + 1

    # Publish from the week list's action.
    page.goto(f"{live_server.url}/admin/weeks/week/")
    page.locator(f"input[name=_selected_action][value='{week.pk}']").check()
    page.locator("select[name=action]").select_option("publish_action")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    week.refresh_from_db()
    assert week.status == Week.Status.PUBLISHED

    page.context.clear_cookies()
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/")
    page.locator("a.week-title", has_text=week.title).click()
    question = page.locator(".question-body", has_text="Which reading changed your mind, and why?")
    assert question.is_visible()


def test_student_writes_with_the_live_preview_and_posts_using_only_the_keyboard(
    page, live_server, week, student
):
    question = first_question(week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    textarea = page.locator(f"#form-q{question.pk} textarea")
    opener = page.locator(f"#compose-q{question.pk} > summary")
    for _ in range(200):  # Tab to the question's "Answer this question" button, open it,
        page.keyboard.press("Tab")  # then on into the answer box.
        if opener.evaluate("el => el === document.activeElement"):
            page.keyboard.press("Enter")
        if textarea.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the answer box cannot be reached with Tab")
    page.keyboard.type("The **key** step: $x^2 + 1$")
    preview = page.locator(f"#form-q{question.pk} .markdownx-preview")
    preview.locator("strong", has_text="key").wait_for()
    preview.locator(".katex").first.wait_for()
    for _ in range(3):  # past the editor's own buttons (Add image) to the form's
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        if focused.strip() == "Post answer":
            break
    assert focused.strip() == "Post answer"
    page.keyboard.press("Enter")
    page.locator(f"#comments-q{question.pk} strong", has_text="key").wait_for()
    assert Comment.objects.get().body == "The **key** step: $x^2 + 1$"


def test_a_post_after_the_cut_off_is_refused_and_the_text_is_kept(page, live_server, week, student):
    question = first_question(week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    wait_for_marking(page)  # the page's own POST after load, before the test writes
    # The deadline and the cut-off pass while the student writes.
    Week.objects.filter(pk=week.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=2),
        cutoff=timezone.now() - dt.timedelta(hours=1),
    )
    text = "An answer I worked hard on."
    form = open_answer_form(page, question)
    form.locator("textarea").fill(text)
    form.get_by_role("button", name="Post answer").click()
    page.locator(f"#errors-q{question.pk}").get_by_text("Posting closed").wait_for()
    assert page.locator(f"#form-q{question.pk} textarea").input_value() == text
    assert not Comment.objects.exists()


def test_an_invited_person_registers_and_verifies_and_an_uninvited_one_is_refused(
    page, live_server, seminar, week
):
    RosterEntry.objects.create(seminar=seminar, email="newcomer@example.edu", name="Nia New")
    password = "a-long-passphrase-for-nia"
    page.goto(f"{live_server.url}/accounts/signup/")
    fill_signup(page, "newcomer@example.edu", password)
    page.wait_for_load_state()
    assert "Verify" in page.locator("h1").inner_text()
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    login(page, live_server, "newcomer@example.edu", password)
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == seminar.title
    assert page.locator("a.week-title", has_text=week.title).is_visible()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/signup/")
    fill_signup(page, "stranger@example.edu", password)
    page.wait_for_load_state()
    assert "roster" in page.locator("main").inner_text().lower()
    assert not User.objects.filter(email="stranger@example.edu").exists()


def fill_signup(page, email: str, password: str) -> None:
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("main form button[type=submit]").click()
