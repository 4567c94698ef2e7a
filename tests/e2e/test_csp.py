"""The Content-Security-Policy in Chromium: every main page, as each role, loads and works
(htmx reply forms and posting, markdownx live preview with KaTeX, image upload, the blog
editor's autosave, the profile's copy button, the admin's own scripts) with zero
violations reported. The header itself is checked in tests/test_csp.py."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from core.models import Seminar
from discussions.models import Comment
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question
from tests.e2e.conftest import login, open_answer_form

# Runs before any page script in every document: records what the browser refused.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.effectiveDirective + " refused " + (event.blockedURI || "?") + " at " +
    event.sourceFile + ":" + event.lineNumber + " " + (event.sample || "")
  );
});
"""


class CspWatch:
    """Collects CSP violations from the console and from `securitypolicyviolation` events,
    and notes every document served without the header."""

    def __init__(self, page, live_server) -> None:
        self.page = page
        self.base = live_server.url
        self.violations: list[str] = []
        self.without_header: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.request.resource_type != "document" or response.status >= 300:
            return
        if "content-security-policy" not in response.headers:
            self.without_header.append(response.url)

    def collect(self) -> None:
        """Take the current document's recorded violations (before it goes away)."""
        self.page.wait_for_load_state()
        found = self.page.evaluate("window.__cspViolations ? window.__cspViolations : []")
        self.violations.extend(f"{self.page.url}: {v}" for v in found)
        self.page.evaluate("window.__cspViolations = []")

    def visit(self, path: str) -> None:
        self.collect()
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path}: {response}"
        self.collect()

    def assert_clean(self) -> None:
        self.collect()
        self.page.wait_for_timeout(200)  # a late console message, if any
        assert self.violations == [], "\n".join(self.violations)
        assert self.without_header == [], self.without_header


@pytest.fixture
def watch(page, live_server) -> CspWatch:
    return CspWatch(page, live_server)


@pytest.fixture
def discussion(week, other_student, lead):
    """An answer with math and a lead's reply to it on the first question."""
    answer = add_comment(
        week, other_student, "Energy: $E = mc^2$, **bold**", question=first_question(week)
    )
    add_comment(week, lead, "A reply with $x_1$", parent=answer)
    return answer


def png_base64() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def drop_image(page, textarea_selector: str) -> None:
    """Drop a PNG on a markdownx editor, as a person dragging a file onto it."""
    page.evaluate(
        """([data, selector]) => {
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], "dot.png", { type: "image/png" }));
          const editor = document.querySelector(selector);
          editor.dispatchEvent(
            new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true })
          );
        }""",
        [png_base64(), textarea_selector],
    )


def test_the_watch_sees_what_the_policy_refuses(page, watch, db):
    """The harness is not blind: an inline script and a style attribute added to a page
    are refused, reported, and the script does not run."""
    watch.visit("/accounts/login/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineRan = true";
          document.body.appendChild(script);
          document.body.setAttribute("style", "color: red");
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__inlineRan === undefined")
    watch.collect()
    assert any("script-src" in v for v in watch.violations), watch.violations
    assert any("style-src" in v for v in watch.violations), watch.violations


def test_anonymous_visitor_of_a_public_seminar(page, live_server, watch, week, discussion):
    Seminar.objects.filter(pk=week.seminar_id).update(visibility=Seminar.Visibility.PUBLIC)
    s = f"/s/{week.seminar.slug}/"
    watch.visit("/")
    watch.visit(s)
    watch.visit(week.get_absolute_url())
    # The comments' math is typeset by KaTeX (our static/js, no inline code).
    page.locator(f"#c{discussion.pk} .comment-body .katex").first.wait_for()
    assert page.evaluate("htmx.config.includeIndicatorStyles === false")
    assert page.evaluate("htmx.config.allowEval === false")
    assert page.locator("style").count() == 0
    for path in (f"{s}schedule/", f"{s}blog/", "/accounts/login/", "/accounts/signup/"):
        watch.visit(path)
    watch.assert_clean()


def test_student_replies_previews_uploads_and_copies(
    page, live_server, watch, week, discussion, student, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server, student.email, PASSWORD)
    watch.visit(week.get_absolute_url())
    page.locator(f"#c{discussion.pk} .comment-body .katex").first.wait_for()

    # htmx loads the reply form into the comment's slot, markdownx previews with math,
    # htmx posts the reply and swaps it in.
    page.locator(f"#main-c{discussion.pk}").get_by_role("link", name="Reply").click()
    slot = page.locator(f"#slot-c{discussion.pk}")
    textarea = slot.locator("textarea")
    textarea.wait_for()
    textarea.fill("My **reply**: $y^2$")
    textarea.press("End")
    slot.locator(".markdownx-preview strong", has_text="reply").wait_for()
    slot.locator(".markdownx-preview .katex").first.wait_for()
    slot.get_by_role("button").filter(has_text="Post").first.click()
    page.locator(f"#replies-c{discussion.pk} strong", has_text="reply").wait_for()
    assert Comment.objects.filter(author=student, parent=discussion).exists()

    # An answer box: preview, then an image dropped on it is uploaded and previewed.
    question = first_question(week).section.questions.order_by("position")[1]
    selector = f"#form-q{question.pk} textarea"
    open_answer_form(page, question)
    page.locator(selector).fill("Here is $z$")
    page.locator(selector).press("End")
    page.locator(f"#form-q{question.pk} .markdownx-preview .katex").first.wait_for()
    drop_image(page, selector)
    page.wait_for_function("(s) => document.querySelector(s).value.includes('![](')", arg=selector)
    page.locator(f"#form-q{question.pk} .markdownx-preview img").first.wait_for(state="attached")
    assert page.locator(f"#form-q{question.pk} .markdownx-upload-error").count() == 0

    # The compose page (the reply form as a page, what the Reply link opens without htmx).
    watch.visit(f"{week.get_absolute_url()}c/{discussion.pk}/reply/")
    page.locator("textarea[name=body]").fill("Compose page $w$")
    page.locator("textarea[name=body]").press("End")
    page.locator(".markdownx-preview .katex").first.wait_for()

    # The profile: its copy button is a static script now, and it works.
    watch.visit("/profile/")
    page.get_by_role("button", name="Copy address").click()
    page.get_by_role("button", name="Copied").wait_for()
    watch.visit("/accounts/email/")
    watch.visit(f"/s/{week.seminar.slug}/schedule/")
    watch.assert_clean()


def test_lead_moderates_under_the_policy(page, live_server, watch, week, discussion, lead):
    login(page, live_server, lead.email, PASSWORD)
    watch.visit(week.get_absolute_url())
    page.locator(f"#c{discussion.pk} .comment-body .katex").first.wait_for()
    page.locator(f"#main-c{discussion.pk}").get_by_role("link", name="Reply").click()
    page.locator(f"#slot-c{discussion.pk} textarea").wait_for()
    watch.visit(f"{week.get_absolute_url()}flags/")
    watch.visit(f"/s/{week.seminar.slug}/participation/w/{week.slug}/queue/")
    watch.assert_clean()


def test_blogger_writes_with_live_preview_and_autosave(page, live_server, watch, week, blogger):
    login(page, live_server, blogger.email, PASSWORD)
    watch.visit(f"{week.get_absolute_url()}blog/edit/")
    page.get_by_label("Title").fill("Under the policy")
    editor = page.locator("textarea[name=body]")
    editor.fill("## Read\n\n**Math**: $E = mc^2$")
    editor.press("End")
    page.locator(".markdownx-preview strong", has_text="Math").wait_for()
    page.locator(".markdownx-preview .katex").first.wait_for()
    page.locator("#autosave-status", has_text="Saved at").wait_for()
    page.get_by_role("button", name="Preview").click()
    page.locator(".blog-preview h2", has_text="Read").wait_for()
    watch.assert_clean()


def test_staff_use_the_matrix_and_the_admin(page, live_server, watch, week, discussion, staff):
    login(page, live_server, staff.email, PASSWORD)
    s = f"/s/{week.seminar.slug}/"
    watch.visit(f"{s}participation/")
    watch.visit(f"{s}participation/w/{week.slug}/")
    watch.visit(f"{s}teams/manage/")
    watch.visit("/admin/")
    watch.visit("/admin/weeks/week/")
    watch.visit(f"/admin/weeks/week/{week.pk}/change/")
    # The admin's own scripts run: the date picker opens, an inline row is added.
    page.locator("a[id^=calendarlink]").first.click()
    page.locator(".calendarbox").first.wait_for()
    rows = page.locator(".dynamic-sections, .dynamic-readings, tr.form-row").count()
    page.locator(".add-row a").first.click()
    page.wait_for_function(
        "(n) => document.querySelectorAll('.dynamic-sections, .dynamic-readings, tr.form-row')"
        ".length > n",
        arg=rows,
    )
    watch.visit("/admin/weeks/week/import/")
    watch.assert_clean()
