"""The Content-Security-Policy (seminar/settings.py): every HTML page of the site, as each
role sees it, carries the header with the required directives, script-src without
'unsafe-inline' or 'unsafe-eval', and no markup that the policy would block (inline
scripts, on*= handlers, style attributes or <style> blocks). The browser side is
tests/e2e/test_csp.py."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from blog import services as blog_services
from core.models import Seminar
from tests.conftest import PASSWORD
from tests.discussions.helpers import HTMX, add_comment, first_question

REQUIRED = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "https:", "http:"}

# <script> elements the browser would run: no src, and no non-JavaScript type (JSON data
# blocks such as allauth's are never executed).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice in {header}"
        directives[name] = sources
    return directives


def assert_strict(response, path: str) -> None:
    assert "Content-Security-Policy" in response, f"{path}: no Content-Security-Policy"
    directives = policy(response)
    for name, sources in REQUIRED.items():
        assert directives.get(name) == sources, f"{path}: {name} is {directives.get(name)}"
    script_src = directives["script-src"]
    assert "'self'" in script_src
    assert not UNSAFE & set(script_src), f"{path}: script-src {script_src}"
    assert "'unsafe-inline'" not in directives["style-src"], f"{path}: style-src"


def assert_no_blocked_markup(response, path: str) -> None:
    html = response.content.decode()
    for pattern, what in (
        (INLINE_SCRIPT, "an inline <script>"),
        (HANDLER, "an on*= event handler"),
        (STYLE_ATTRIBUTE, "a style attribute"),
        (STYLE_ELEMENT, "a <style> element"),
    ):
        found = pattern.search(html)
        assert found is None, f"{path} has {what}: {found.group(0)[:120]}"


def login_client(user) -> Client:
    client = Client()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def cast(seminar, week, student, lead, blogger, staff):
    """Everyone, and a discussion to look at: an answer, a reply, a blog draft."""
    answer = add_comment(week, student, "The answer: $x^2$", question=first_question(week))
    add_comment(week, lead, "A reply", parent=answer)
    blog_services.post_save(week=week, author=blogger, title="Draft", body="Text", base_version=0)
    return {"answer": answer}


def pages(role: str, week, answer) -> list[str]:
    s = f"/s/{week.seminar.slug}/"
    w = week.get_absolute_url()
    common = [s, w, f"{s}schedule/", f"{s}blog/"]  # "/" sends members to their seminar
    common += [f"{w}q/{answer.question_id}/", f"{w}search/?q=answer"]
    return {
        "anonymous": [*common, "/", "/accounts/login/", "/accounts/signup/"],
        "student": [
            *common,
            "/profile/",
            "/accounts/email/",
            "/accounts/password/change/",
            f"{w}c/{answer.pk}/edit/",
            f"{w}c/{answer.pk}/reply/",
        ],
        "lead": [*common, f"{w}flags/", f"{s}participation/w/{week.slug}/queue/"],
        "blogger": [*common, f"{w}blog/", f"{w}blog/edit/", f"{w}blog/history/"],
        "staff": [
            *common,
            f"{s}participation/",
            f"{s}participation/w/{week.slug}/",
            f"{s}teams/manage/",
            f"{s}archive/",
            "/admin/",
            "/admin/weeks/week/",
            f"/admin/weeks/week/{week.pk}/change/",
            "/admin/weeks/week/import/",
        ],
    }[role]


@pytest.mark.parametrize("role", ["anonymous", "student", "lead", "blogger", "staff"])
def test_every_main_page_carries_the_strict_policy_and_no_inline_code(
    role, cast, week, student, lead, blogger, staff
):
    if role == "anonymous":
        Seminar.objects.filter(pk=week.seminar_id).update(visibility=Seminar.Visibility.PUBLIC)
    user = {"anonymous": None, "student": student, "lead": lead, "blogger": blogger}.get(
        role, staff
    )
    client = login_client(user)
    for path in pages(role, week, cast["answer"]):
        response = client.get(path)
        assert response.status_code == 200, f"{role} {path}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), path
        assert_strict(response, path)
        assert_no_blocked_markup(response, path)


def test_htmx_fragments_and_refusals_carry_the_policy_too(cast, week, student):
    client = login_client(student)
    answer = cast["answer"]
    reply_form = client.get(f"{week.get_absolute_url()}c/{answer.pk}/reply/", **HTMX)
    assert reply_form.status_code == 200
    assert_strict(reply_form, "reply form")
    assert_no_blocked_markup(reply_form, "reply form")
    preview = client.post("/editor/markdownify/", {"content": "**bold** $x$"}, **HTMX)
    assert preview.status_code == 200
    assert_strict(preview, "preview")
    assert_no_blocked_markup(preview, "preview")
    missing = client.get("/s/no-such-seminar/")
    assert missing.status_code == 404
    assert_strict(missing, "404")


def test_anonymous_login_page_and_static_files_carry_the_policy(client, db):
    assert_strict(client.get("/accounts/login/"), "/accounts/login/")
    static = client.get("/static/js/copy.js")
    assert static.status_code == 200
    assert_strict(static, "/static/js/copy.js")


def test_a_template_nonce_is_announced_in_the_header(rf: RequestFactory):
    """An inline script that must stay inline takes nonce="{{ request.csp_nonce }}"; the
    middleware then names that nonce, fresh for every response, in script-src."""
    from csp.middleware import CSPMiddleware

    middleware = CSPMiddleware(lambda request: HttpResponse(str(request.csp_nonce)))
    first = middleware(rf.get("/"))
    second = middleware(rf.get("/"))
    nonce = first.content.decode()
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in policy(first)["script-src"]
    assert second.content.decode() != nonce


def test_a_page_without_an_inline_script_sends_no_nonce(client, db):
    """No template used the nonce: script-src is 'self' alone."""
    assert "'nonce-" not in client.get("/accounts/login/")["Content-Security-Policy"]
