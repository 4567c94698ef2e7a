"""Small things of the week page, in a real browser, with and without JavaScript: the
participation box updates in place after posting; "Add image" uploads from a phone with
progress; the live preview is labelled and unlike a posted comment; the phone header is
compact (content starts within ~120 px at 390 px wide); "Hide" looks destructive; the
edit history of one's own comment; times in the viewer's own zone."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from core.models import Question
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import axe_violations, describe, login, open_answer_form

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SMALL_THINGS_SCREENSHOTS")  # a folder, to look at the pages


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_participation_box_updates_in_place_after_posting(page, live_server, week, student):
    first = first_question(week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    box = page.locator("#participation")
    assert "0 of 2 sections answered" in box.inner_text()
    page.evaluate("() => { window.notReloaded = true; }")

    form = open_answer_form(page, first)
    form.locator("textarea").fill("My answer, posted in place")
    form.get_by_role("button", name="Post answer").click()

    page.locator(f"#comments-q{first.pk}", has_text="posted in place").wait_for()
    page.locator("#participation", has_text="1 of 2 sections answered").wait_for()
    assert page.evaluate("() => window.notReloaded === true")  # no reload happened
    assert page.locator("#participation").count() == 1
    assert "Section 1: 1 of 1 answer ✓" in page.locator("#participation").inner_text()


def test_add_image_on_a_phone_uploads_with_progress_and_inserts_the_image(
    phone_page, live_server, week, student
):
    page = phone_page
    first = first_question(week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    form = open_answer_form(page, first)
    button = form.get_by_role("button", name="Add image")
    assert button.is_visible()
    assert form.locator("input[type=file]").get_attribute("accept") == "image/*"
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390

    with page.expect_file_chooser() as chooser:
        button.tap()
    chooser.value.set_files({"name": "photo.png", "mimeType": "image/png", "buffer": png_bytes()})

    form.locator(".image-status", has_text="Image added.").wait_for()
    text = form.locator("textarea").input_value()
    assert text.startswith("![](/media/uploads/") and text.rstrip().endswith(".png)")
    # The preview shows the picture, under its label.
    form.locator(".preview-box img").wait_for()
    shot(page, "phone-add-image")


def test_an_upload_that_is_not_an_image_says_why_next_to_the_button(
    page, live_server, week, student
):
    first = first_question(week)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    form = open_answer_form(page, first)
    with page.expect_file_chooser() as chooser:
        form.get_by_role("button", name="Add image").click()
    chooser.value.set_files({"name": "notes.png", "mimeType": "image/png", "buffer": b"hello"})
    form.locator(".image-status.error", has_text="not an image").wait_for()
    assert form.locator("textarea").input_value() == ""


def test_without_javascript_no_dead_image_button_and_posting_still_works(
    nojs_page, live_server, week, student
):
    first = first_question(week)
    login(nojs_page, live_server, student.email, PASSWORD)
    nojs_page.goto(f"{live_server.url}{week.get_absolute_url()}")
    form = open_answer_form(nojs_page, first)
    assert not form.get_by_role("button", name="Add image").is_visible()
    form.locator("textarea").fill("Posted without JavaScript")
    form.get_by_role("button", name="Post answer").click()
    nojs_page.wait_for_url(f"**{week.get_absolute_url()}q/{first.pk}/#c*")  # its page
    assert "1 of 2 sections answered" in nojs_page.locator("#participation").inner_text()


def test_the_live_preview_is_labelled_and_unlike_a_posted_comment(
    page, live_server, week, student, other_student
):
    first = first_question(week)
    add_comment(week, other_student, "A posted answer", question=first)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    form = open_answer_form(page, first)
    preview = form.locator(".preview-box")
    assert not preview.is_visible()  # nothing typed, nothing to preview
    form.locator("textarea").fill("Some **bold** words")
    preview.locator("strong", has_text="bold").wait_for()
    assert preview.get_attribute("aria-label") == "Preview"
    assert preview.locator(".preview-label").text_content().startswith("Preview")
    style = "el => { const s = getComputedStyle(el); return [s.borderStyle, s.backgroundColor]; }"
    preview_style = preview.evaluate(style)
    posted_style = page.locator(".comment", has_text="A posted answer").first.evaluate(style)
    assert preview_style[0] == "dashed" and preview_style != posted_style
    shot(page, "preview")
    assert describe(axe_violations(page)) == ""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_phone_header_is_compact_and_its_menu_opens(
    browser, request, live_server, week, student, javascript
):
    from tests.e2e.conftest import _new_page

    pages = _new_page(
        browser,
        request,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    page = next(pages)
    week.seminar.title = "Risks from Learned Optimization in Advanced Machine Learning Systems"
    week.seminar.save()
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    header = page.locator(".site-header").bounding_box()
    main = page.locator("main").bounding_box()
    assert header["height"] < 70, header
    assert main["y"] < 130, main
    title = page.locator(".nav-seminar")
    assert title.evaluate("el => el.scrollWidth > el.clientWidth")  # cut with an ellipsis
    assert title.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"
    profile = page.get_by_role("link", name="Profile")
    assert not profile.is_visible()
    shot(page, f"phone-header-{'js' if javascript else 'nojs'}")
    page.get_by_text("Menu", exact=True).click()
    assert profile.is_visible()
    assert profile.bounding_box()["x"] + profile.bounding_box()["width"] <= 390
    shot(page, f"phone-menu-{'js' if javascript else 'nojs'}")
    profile.click()
    page.wait_for_url("**/profile/")
    pages.close()


def test_desktop_header_shows_the_menu_inline(page, live_server, week, student):
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    assert page.get_by_role("link", name="Profile").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 70


def test_hide_is_styled_as_destructive(page, live_server, week, lead, student):
    add_comment(week, student, "Moderate me", question=first_question(week))
    login(page, live_server, lead.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.get_by_text("Moderate", exact=True).first.click()
    hide = page.get_by_role("button", name="Hide comment").first
    pin = page.get_by_role("button", name="Pin").first
    color = "el => getComputedStyle(el).backgroundColor"
    assert hide.evaluate(color) == "rgb(180, 35, 24)"
    assert hide.evaluate(color) != pin.evaluate(color)
    assert describe(axe_violations(page)) == ""


def test_a_student_opens_the_history_of_their_own_edited_comment(
    nojs_page, live_server, week, student
):
    comment = add_comment(week, student, "First words", question=first_question(week))
    comment.body, comment.edited_at = "Second words", comment.created_at
    comment.save()
    comment.revisions.create(body="First words", edited_by=student)
    login(nojs_page, live_server, student.email, PASSWORD)
    nojs_page.goto(f"{live_server.url}{week.get_absolute_url()}")
    nojs_page.locator(f'a[href$="c/{comment.pk}/history/"]').click()
    nojs_page.wait_for_url(f"**/c/{comment.pk}/history/")
    assert "First words" in nojs_page.locator("main").inner_text()


def test_times_show_in_the_students_own_zone(page, live_server, week, student):
    Question.objects.count()  # the week exists with its questions
    student.time_zone = "Asia/Tokyo"
    student.save()
    add_comment(week, student, "Timed", question=first_question(week))
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    assert "JST" in page.locator(".deadline-box").inner_text()
    assert "JST" in page.locator(f"#c{week.comments.get().pk}").inner_text()
