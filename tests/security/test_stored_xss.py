"""Stored XSS: a corpus of payloads through every input surface, rendered by the real views.

Content is created through the services (the forms' own paths are tested in each app) and
then read where people see it: the week page and a comment's page (answers, replies, names,
hide reasons), the flag queues, the blog post page, index and Atom feed, the lead team's
editor and review pages and the published week, the week file import, the roster import
in the admin, and the emails (reply notice, reminder, invitation). Each page is parsed and
must hold no executable form of a payload: no inline or foreign <script>, no on* handler,
no javascript:/vbscript:/data: URL, no <iframe>/<object>/<embed>/<base>, no refresh <meta>,
no CSS expression. Each surface also shows a plain SENTINEL, so a page that shows nothing
at all cannot pass by accident.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from html.parser import HTMLParser
from xml.etree import ElementTree

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from blog import services as blog
from blog.feeds import feed_token
from blog.models import BlogPost
from core.models import QuestionSection, Week, WeekDuty
from discussions import moderation
from discussions.models import Comment
from leads import services as leads
from notifications.models import OutboxEmail
from notifications.reminders import send_manual_reminders
from tests.conftest import enroll, make_user, make_week
from tests.discussions.helpers import add_comment, first_question

SENTINEL = "xss-sentinel-shown"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x oNeRrOr=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    '<a href="jav&#x61;script:alert(1)">x</a>',
    "<a href=vbscript:msgbox(1)>x</a>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    '<https://example.com/" onmouseover="alert(1)>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width:expression(alert(1))">x</p>',
    "<style>*{x:expression(alert(1))}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    '<form action=javascript:alert(1)><button formaction="javascript:alert(1)">x</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<div hx-get="/admin/" hx-trigger="load">x</div>',
]
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
BAD_SCHEMES = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
BAD_CSS = re.compile(r"expression\s*\(|javascript:|behavior\s*:", re.IGNORECASE)


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith(OWN_SCRIPTS):
            self.problems.append(f"<script {attrs}>")
        if tag in {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}:
            self.problems.append(f"<{tag} {attrs}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"<meta refresh {attrs}>")
        self.in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            # Browsers drop tabs, newlines and leading spaces/controls in URLs.
            squeezed = re.sub(r"[\x00-\x20]", "", value)
            if (
                name.startswith("on")
                or name == "srcdoc"
                or name in URL_ATTRS
                and BAD_SCHEMES.match(squeezed)
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and BAD_CSS.search(value):
                self.problems.append(f"<{tag} style={value!r}>")
            elif name.startswith("hx-") and "/admin/" in value:
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style and BAD_CSS.search(data):
            self.problems.append(f"<style>{data[:80]}")


def audit(html: str) -> list[str]:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


def page(client: Client, url: str, sentinel: str = SENTINEL) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert sentinel in html, f"{url} does not show the content under test"
    return html


def assert_clean(html: str, where: str) -> None:
    problems = audit(html)
    assert problems == [], f"{where}: {problems}"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_audit_catches_each_payload_left_raw():
    """The other side: every payload (but the entity-escaped ones) is caught unsanitised."""
    escaped_or_markdown = [p for p in PAYLOADS if not p.startswith(("&", "[", "!", "<javas"))]
    missed = [p for p in escaped_or_markdown if not audit(p + ">") and "<https" not in p]
    assert missed == []


# Comments: answers, replies, general comments; the author's name and pronouns; hide reasons.


def test_comment_bodies_names_and_hide_reasons(week, student, staff, lead):
    question = first_question(week)
    answers = []
    for i, payload in enumerate(PAYLOADS):
        author = enroll(
            make_user(f"x{i}@example.edu", display_name=payload, pronouns=payload[:40]),
            week.seminar,
        )
        answer = add_comment(week, author, f"{payload} {SENTINEL}", question=question)
        reply = add_comment(week, student, f"{payload} reply {SENTINEL}", parent=answer)
        add_comment(week, author, f"{payload} deeper", parent=reply)
        add_comment(week, author, f"{payload} general {SENTINEL}")
        answers.append((answer, reply, author))
    hidden = add_comment(week, student, f"to hide {SENTINEL}", question=question)
    moderation.hide(hidden, actor=lead, reason=PAYLOADS[0])
    assert all(c.body_html for c in Comment.objects.filter(week=week))

    for viewer in (student, staff, lead):
        assert_clean(page(as_user(viewer), week.get_absolute_url()), f"week page for {viewer}")
        # a question's own page and the search results, which quote the text
        question_page = f"{week.get_absolute_url()}q/{question.pk}/"
        assert_clean(page(as_user(viewer), question_page), f"question page for {viewer}")
        results = f"{week.get_absolute_url()}search/?q={SENTINEL}"
        assert_clean(page(as_user(viewer), results), f"search results for {viewer}")
    client = as_user(staff)
    slugs = [week.seminar.slug, week.slug]
    for answer, reply, _ in answers:
        for comment in (answer, reply):  # the htmx fragment of each comment
            url = reverse("discussions:detail", args=[*slugs, comment.pk])
            response = client.get(url, HTTP_HX_REQUEST="true")
            assert response.status_code == 200
            assert_clean(response.content.decode(), url)
    answer, reply, _ = answers[0]
    permalink = client.get(reverse("discussions:detail", args=[*slugs, reply.pk]), follow=True)
    assert_clean(permalink.content.decode(), "a comment's permalink")
    history = reverse("discussions:history", args=[*slugs, answer.pk])
    assert_clean(client.get(history).content.decode(), history)


def test_hide_reasons_shown_to_the_author(week, student, lead):
    question = first_question(week)
    for payload in PAYLOADS:
        comment = add_comment(week, student, f"mine {SENTINEL}", question=question)
        moderation.hide(comment, actor=lead, reason=payload)
    html = page(as_user(student), week.get_absolute_url(), sentinel="alert(1)")
    assert_clean(html, "week page for the author of hidden comments")


def test_flag_reasons_in_the_flag_queues(week, student, staff, lead):
    question = first_question(week)
    for i, payload in enumerate(PAYLOADS):
        comment = add_comment(week, student, f"flagged {i} {SENTINEL}", question=question)
        moderation.flag(comment, user=lead, reason=payload)
    client = as_user(staff)
    for url in (
        reverse("discussions:flags", args=[week.seminar.slug, week.slug]),
        reverse("moderation:flags", args=[week.seminar.slug]),
    ):
        assert_clean(page(client, url, sentinel="alert(1)"), url)


# The blog: post body and title, feedback; the post page, the index and the Atom feed.


def test_blog_post_feedback_index_and_feed(week, student, staff, blogger):
    body = "\n\n".join(f"{p} {SENTINEL}" for p in PAYLOADS)
    post = blog.post_save(
        week=week, author=blogger, title=PAYLOADS[0] + PAYLOADS[2], body=body, base_version=None
    )
    post = blog.post_share(post=post, actor=blogger)
    for payload in PAYLOADS:
        blog.feedback_add(post=post, author=student, body=f"{payload} {SENTINEL}")
    seminar = week.seminar
    post_url = reverse("blog:post", args=[seminar.slug, week.slug])
    for viewer in (blogger, staff):  # the draft, with its feedback
        assert_clean(page(as_user(viewer), post_url), f"draft post page for {viewer}")
    blog.post_publish(post=BlogPost.objects.get(pk=post.pk), actor=staff)
    client = as_user(student)
    assert_clean(page(client, post_url), "published post page")
    index = reverse("blog:index", args=[seminar.slug])
    assert_clean(page(client, index, sentinel="alert(1)"), "blog index")
    for url in (week.get_absolute_url(), seminar.get_absolute_url()):
        assert_clean(page(client, url, sentinel=""), f"{url} with the post's title")
    archive = reverse("weeks:archive", args=[seminar.slug])
    assert_clean(page(as_user(staff), archive, sentinel=""), "the staff's archive page")
    # The discussion's markdown (comments' raw bodies) is a download, never a page.
    discussion = as_user(blogger).get(reverse("blog:discussion", args=[seminar.slug, week.slug]))
    assert discussion.status_code == 200
    assert discussion["Content-Type"].startswith("text/markdown")
    assert discussion["Content-Disposition"].startswith("attachment")

    feed_url = reverse("blog:private_feed", args=[seminar.slug, feed_token(student, seminar)])
    response = Client().get(feed_url)
    assert response.status_code == 200
    feed = response.content.decode()
    assert "<script" not in feed.lower()  # the XML itself carries markup only escaped
    root = ElementTree.fromstring(response.content)  # noqa: S314  # our own feed
    # Atom: an element typed "html" is markup a feed reader renders; any other is text.
    htmls = [el.text or "" for el in root.iter() if el.get("type") in {"html", "xhtml"}]
    assert any(SENTINEL in html for html in htmls)
    for html in htmls:
        assert_clean(html, "Atom feed entry")


# The lead team's week editor, the review pages, the published week; the week file import.


def week_file(title: str, slug: str, number: int) -> str:
    """A week file with a payload in every text a lead writes."""
    sections = "\n".join(
        f'[[sections]]\ntitle = {json.dumps(p)}\nrequired_answers = 1\nday = ""\n'
        for p in PAYLOADS[:3]
    )
    questions = "\n".join(f"{i + 1}. {p} {SENTINEL}" for i, p in enumerate(PAYLOADS))
    return (
        f"+++\ntitle = {json.dumps(title)}\nslug = {json.dumps(slug)}\nnumber = {number}\n"
        f"draft = false\n\n{sections}+++\n\n"
        f"{PAYLOADS[0]} intro {SENTINEL}\n\n# Readings\n\n1. **{PAYLOADS[2]}** {SENTINEL}\n\n"
        f"# Discussion Questions\n\n### {PAYLOADS[0]}\n\n{questions}\n\n"
        f"### {PAYLOADS[1]}\n\n1. {PAYLOADS[4]}\n\n### {PAYLOADS[2]}\n\n1. {PAYLOADS[6]}\n"
    )


def test_the_week_editor_review_and_published_week(
    seminar, student, staff, django_capture_on_commit_callbacks
):
    week = make_week(seminar, number=2, status=Week.Status.DRAFT)
    lead = enroll(make_user("editor@example.edu"), seminar)
    WeekDuty.objects.create(week=week, user=lead, team=WeekDuty.Team.LEAD)
    leads.save_week_text(week, week_file(PAYLOADS[0], week.slug, 2), user=lead)
    assert SENTINEL in Week.objects.get(pk=week.pk).intro
    prepare = reverse("weeks:lead_prepare", args=[seminar.slug, week.slug])
    assert_clean(page(as_user(lead), prepare), "the week editor")
    leads.submit(week, user=lead)
    for url in (prepare, reverse("weeks:lead_queue", args=[seminar.slug])):
        assert_clean(page(as_user(staff), url, sentinel=""), f"{url} for the staff")
    with django_capture_on_commit_callbacks(execute=True):  # the announcement emails
        assert leads.publish(Week.objects.get(pk=week.pk), user=staff)
    for html in [row.html for row in OutboxEmail.objects.exclude(html="")]:
        assert_clean(html, "an email about the published week")
    assert QuestionSection.objects.filter(week=week).count() >= 3
    html = page(as_user(student), Week.objects.get(pk=week.pk).get_absolute_url())
    assert_clean(html, "the published week")


def test_an_imported_week_file(seminar, student, tmp_path):
    path = tmp_path / "week9.md"
    path.write_text(week_file(PAYLOADS[2], "week9", 9))
    call_command("import_week", str(path), seminar=seminar.slug, stdout=io.StringIO())
    week = Week.objects.get(seminar=seminar, slug="week9")
    if week.status != Week.Status.PUBLISHED:
        Week.objects.filter(pk=week.pk).update(status=Week.Status.PUBLISHED)
    html = page(as_user(student), week.get_absolute_url())
    assert_clean(html, "the imported week")


# The roster: names imported through the admin's CSV import; the invitation emails.


def roster_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "role"])
    for i, payload in enumerate(PAYLOADS):
        writer.writerow([f"invitee{i}@example.edu", f"{payload} {SENTINEL}"[:200], "student"])
    return out.getvalue()


def test_roster_names_in_the_admin_and_the_invitations(
    seminar, staff, django_capture_on_commit_callbacks
):
    client = as_user(staff)
    url = reverse("admin:accounts_roster_import", args=[seminar.pk])
    preview = client.post(url, {"csv_text": roster_csv()})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert SENTINEL in html
    assert_clean(html, "roster import preview")
    digest = re.search(r'name="digest" value="([^"]+)"', html)[1]
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(url, {"apply": "1", "csv_text": roster_csv(), "digest": digest})
    assert applied.status_code == 302
    changelist = (
        reverse("admin:accounts_rosterentry_changelist") + f"?seminar__id__exact={seminar.pk}"
    )
    assert_clean(page(client, changelist), "roster changelist")
    change = reverse("admin:weeks_seminar_change", args=[seminar.pk])
    assert_clean(client.get(change).content.decode(), "seminar change page")
    # Invitations are plain text only: nothing in them is rendered as HTML.
    invitations = OutboxEmail.objects.filter(kind=OutboxEmail.Kind.INVITATION)
    assert invitations.count() == len(PAYLOADS)
    assert [row.pk for row in invitations if row.html] == []
    assert [m for m in mail.outbox if getattr(m, "alternatives", None)] == []


# Emails: the reply notice and the reminder (the roster's invitations are text only).


def assert_emails_clean(minimum: int) -> None:
    htmls = [
        content
        for message in mail.outbox
        for content, mimetype in getattr(message, "alternatives", [])
        if mimetype == "text/html"
    ]
    htmls += [row.html for row in OutboxEmail.objects.exclude(html="")]
    assert len(htmls) >= minimum
    assert any(SENTINEL in unescape(h) for h in htmls)
    for html in htmls:
        assert_clean(html, "email")


def test_reply_notice_emails(week, student, django_capture_on_commit_callbacks):
    from core.access import seminar_access, week_access
    from discussions.services import post_comment

    question = first_question(week)
    answer = add_comment(week, student, "An answer", question=question)
    for i, payload in enumerate(PAYLOADS[:12]):
        replier = enroll(make_user(f"r{i}@example.edu", display_name=payload), week.seminar)
        access = week_access(seminar_access(replier, week.seminar), week)
        with django_capture_on_commit_callbacks(execute=True):
            post_comment(access, None, answer, f"{payload} {SENTINEL}")
    assert_emails_clean(minimum=1)


def test_reminder_emails(week, student, staff):
    Week.objects.filter(pk=week.pk).update(title=f"{PAYLOADS[0]} {SENTINEL}")
    QuestionSection.objects.filter(week=week).update(title=PAYLOADS[2])
    staff.display_name = PAYLOADS[6]
    staff.save()
    student.display_name = PAYLOADS[4]
    student.save()
    assert send_manual_reminders(Week.objects.get(pk=week.pk), staff) >= 1
    assert_emails_clean(minimum=1)


def test_names_in_the_participation_and_team_pages(seminar, week, staff):
    for i, payload in enumerate(PAYLOADS):
        enroll(make_user(f"p{i}@example.edu", display_name=f"{payload} {SENTINEL}"), seminar)
    client = as_user(staff)
    for url in (
        reverse("participation:matrix", args=[seminar.slug]),
        reverse("participation:week", args=[seminar.slug, week.slug]),
        reverse("teams:overview", args=[seminar.slug]),
    ):
        assert_clean(page(client, url), url)


def test_profile_fields_on_the_profile_page(student):
    """The profile form shows the stored name and pronouns back in its inputs."""
    client = as_user(student)
    for payload in PAYLOADS:
        User.objects.filter(pk=student.pk).update(
            display_name=f"{payload} {SENTINEL}"[:150], pronouns=payload[:40]
        )
        assert_clean(page(client, reverse("profile:page")), f"profile page with {payload!r}")
