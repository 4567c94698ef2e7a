"""The blogging team's weekly post in the browser: write with live preview and autosave,
preview, submit; staff publish; classmates find it on the week page. Also with JS off."""

from __future__ import annotations

from blog.models import BlogPost
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, describe, login

POST_TEXT = """## What we read

* **Sycophancy** generalises to reward tampering:
  * rarely, but measurably.
* Energy check: $E = mc^2$.
"""


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_the_blogging_team_writes_previews_and_staff_publish_the_post(
    page, live_server, week, blogger, staff, student
):
    login(page, live_server, blogger.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.get_by_role("link", name="Write the blog post").click()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_label("Title").fill("Week 1: what we learned")
    editor = page.locator("textarea[name=body]")
    editor.fill(POST_TEXT)
    editor.press("End")  # an input event: markdownx previews, htmx autosaves
    # Live preview from markdownx, with the math typeset.
    page.locator(".markdownx-preview strong", has_text="Sycophancy").wait_for()
    page.locator(".markdownx-preview .katex").first.wait_for()
    # Autosave (debounced) stores it without pressing Save.
    page.locator("#autosave-status", has_text="Saved at").wait_for()
    assert BlogPost.objects.get(week=week).body == POST_TEXT
    page.get_by_role("button", name="Preview").click()
    page.locator(".blog-preview h2", has_text="What we read").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Post saved.").wait_for()
    page.get_by_role("button", name="Submit for staff review").click()
    page.get_by_text("Submitted for staff review.").wait_for()
    log_out(page)

    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}{week.seminar.get_absolute_url()}")
    page.get_by_role("link", name="Week 1: Week 1: what we learned").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published.").wait_for()
    log_out(page)

    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.locator(".week-blog").get_by_role("link", name="Week 1: what we learned").click()
    assert page.locator("h1").inner_text() == "Week 1: what we learned"
    page.locator(".blog-body .katex").first.wait_for()
    credits = page.locator(".blog-credits").inner_text()
    assert "blogger" in credits
    material = page.locator(".blog-material").inner_text()
    assert "A paper" in material and "Q4." in material
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_leaving_the_editor_saves_the_text(page, live_server, week, blogger):
    login(page, live_server, blogger.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/blog/edit/")
    page.locator("textarea[name=body]").fill("Typed, then left at once")
    page.goto(f"{live_server.url}/")  # before the 2 s autosave debounce fires
    page.wait_for_timeout(700)
    assert BlogPost.objects.get(week=week).body == "Typed, then left at once"


def test_classmates_give_feedback_on_a_shared_draft_in_place(
    page, live_server, week, blogger, student
):
    from blog import services

    post = services.post_save(
        week=week, author=blogger, title="Draft", body="Early text", base_version=0
    )
    services.post_share(post=post, actor=blogger)
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.locator(".week-blog").get_by_role("link", name="Draft").click()
    page.evaluate("window.__noReload = true")
    page.get_by_label("Your feedback on this draft").fill("Add the *second* paper")
    page.get_by_role("button", name="Send feedback").click()
    page.locator(".feedback-item em", has_text="second").wait_for()
    assert page.evaluate("window.__noReload") is True
    assert post.feedback.get().author == student


def test_with_javascript_off_the_team_writes_and_staff_publish(
    nojs_page, live_server, week, blogger, staff, student
):
    page = nojs_page
    login(page, live_server, blogger.email, PASSWORD)
    page.goto(f"{live_server.url}{week.seminar.get_absolute_url()}")
    page.get_by_role("link", name="Start writing").click()
    page.get_by_label("Title").fill("No-JS summary")
    page.locator("textarea[name=body]").fill("Written **without** JavaScript.")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert "without" in page.locator(".blog-preview strong").inner_text()
    assert not BlogPost.objects.exists()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Submit for staff review").click()
    page.wait_for_load_state()
    assert BlogPost.objects.get().status == BlogPost.Status.SUBMITTED
    log_out(page)

    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/blog/")
    page.get_by_label("What should the team change?").fill("Name the papers.")
    page.get_by_role("button", name="Request changes").click()
    page.wait_for_load_state()
    assert BlogPost.objects.get().status == BlogPost.Status.CHANGES_REQUESTED
    log_out(page)

    login(page, live_server, blogger.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/blog/edit/")
    assert "Name the papers." in page.locator(".blog-actions").inner_text()
    page.locator("textarea[name=body]").fill("Written **without** JavaScript, naming A paper.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Submit for staff review").click()
    page.wait_for_load_state()
    log_out(page)

    login(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/blog/")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert BlogPost.objects.get().status == BlogPost.Status.PUBLISHED
    log_out(page)

    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}{week.get_absolute_url()}")
    page.locator(".week-blog").get_by_role("link", name="No-JS summary").click()
    page.wait_for_load_state()
    assert "naming A paper" in page.locator(".blog-body").inner_text()
