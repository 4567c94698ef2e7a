"""The editor's live preview: sanitised like the page, members only, bounded and rate-limited.

Also checks the wiring around it: markdownx's own (unsanitised) views are not reachable,
the widget points at our endpoints, and the vendored front-end files are in place.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from markdownx.widgets import MarkdownxWidget

URL = "/editor/markdownify/"
XHR = {"x-requested-with": "XMLHttpRequest"}

PAYLOADS = [
    "<script>alert(1)</script>",
    "<iframe src='https://evil.example/'></iframe>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "$<script>alert(1)</script>$",
    "$$\n</div><script>alert(1)</script>\n$$",
    "| a |\n|---|\n| <svg onload=alert(1)> |",
    "[^1]\n\n[^1]: <iframe src=x></iframe>",
]


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(html: str) -> None:
    """No element or attribute in `html` can run script."""
    parser = TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "svg", "object", "embed", "style", "form"}, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name in {"href", "src"} and ":" in (value or ""):
                assert (value or "").split(":")[0].lower() in {"http", "https", "mailto"}, html


def test_inertness_check_catches_live_payloads() -> None:
    """A lenient checker would prove nothing below."""
    for live in ("<script>x</script>", "<img src=x onerror=f()>", '<a href="javascript:f()">'):
        with pytest.raises(AssertionError):
            assert_inert(live)


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def member(client, student):
    client.force_login(student)
    return client


def test_preview_renders_markdown_with_the_page_renderer(member):
    response = member.post(URL, {"content": "**bold** and $x^2$"}, headers=XHR)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert '<span class="math inline">x^2</span>' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_preview_strips_script_payloads(member, payload):
    response = member.post(URL, {"content": payload}, headers=XHR)

    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_preview_links_get_rel_nofollow_ugc_noopener(member):
    response = member.post(URL, {"content": "[site](https://example.org)"})

    assert 'rel="nofollow ugc noopener"' in response.content.decode()


def test_empty_preview_is_empty(member):
    response = member.post(URL, {"content": ""})

    assert response.status_code == 200
    assert response.content == b""


def test_staff_and_auditor_may_preview(client, staff, auditor):
    for user in (staff, auditor):
        client.force_login(user)
        assert client.post(URL, {"content": "hi"}).status_code == 200


def test_anonymous_preview_gets_a_message_not_the_login_page(client, db):
    # A session that expired mid-answer: the widget shows this in place of the preview.
    response = client.post(URL, {"content": "hi"})

    assert response.status_code == 403
    assert "You are logged out" in response.content.decode()
    assert "<form" not in response.content.decode()


def test_user_in_no_seminar_is_refused(client, outsider):
    client.force_login(outsider)

    response = client.post(URL, {"content": "hi"})

    assert response.status_code == 403
    assert "Only members of a seminar can use the editor." in response.content.decode()


def test_get_is_not_allowed(member):
    assert member.get(URL).status_code == 405


def test_text_over_the_limit_is_refused_with_a_message(member):
    too_long = "a" * (settings.MARKDOWN_MAX_LENGTH + 1)

    response = member.post(URL, {"content": too_long})

    assert response.status_code == 400
    message = response.content.decode()
    assert 'role="alert"' in message
    assert f"at most {settings.MARKDOWN_MAX_LENGTH} characters" in message
    assert f"this text has {settings.MARKDOWN_MAX_LENGTH + 1}" in message


def test_text_at_the_limit_is_rendered(member):
    response = member.post(URL, {"content": "a" * settings.MARKDOWN_MAX_LENGTH})

    assert response.status_code == 200


def test_preview_is_rate_limited_per_user(client, student, other_student):
    client.force_login(student)
    statuses = [client.post(URL, {"content": "hi"}).status_code for _ in range(61)]

    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    limited = client.post(URL, {"content": "hi"})
    assert "too many previews (limit: 60 per minute)" in limited.content.decode()
    assert limited["Retry-After"] == "60"
    client.force_login(other_student)
    assert client.post(URL, {"content": "hi"}).status_code == 200


def test_markdownx_own_views_are_not_reachable():
    for path in ("/markdownx/markdownify/", "/markdownx/upload/"):
        with pytest.raises(Resolver404):
            resolve(path)

    def callbacks(resolver: URLResolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLPattern):
                yield pattern.callback
            else:
                yield from callbacks(pattern)

    modules = {getattr(cb, "__module__", "") for cb in callbacks(get_resolver())}
    assert not any(module.startswith("markdownx") for module in modules)


def test_markdownx_widget_posts_to_our_endpoints_with_a_debounce():
    assert reverse("markdownx_markdownify") == settings.MARKDOWNX_URLS_PATH == URL
    assert reverse("markdownx_upload") == settings.MARKDOWNX_UPLOAD_URLS_PATH
    assert settings.MARKDOWNX_SERVER_CALL_LATENCY >= 500

    html = MarkdownxWidget().render("body", "", attrs={"id": "id_body"})

    assert f'data-markdownx-urls-path="{URL}"' in html
    assert 'data-markdownx-upload-urls-path="/editor/upload/"' in html


VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"


def test_vendored_htmx_2_and_katex_are_present_with_licences():
    htmx = (VENDOR / "htmx" / "htmx.min.js").read_text()
    assert 'version:"2.' in htmx
    assert (VENDOR / "htmx" / "LICENSE").is_file()
    for name in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "LICENSE"):
        assert (VENDOR / "katex" / name).is_file()
    assert list((VENDOR / "katex" / "fonts").glob("*.woff2"))


def test_katex_stylesheet_references_only_shipped_fonts(tmp_path, settings):
    css = (VENDOR / "katex" / "katex.min.css").read_text()
    assert ".woff)" not in css and ".ttf)" not in css
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    assert list((tmp_path / "vendor" / "katex").glob("katex.min.*.css"))


def test_editor_script_typesets_math_after_load_swaps_and_previews():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "editor.js").read_text()

    for hook in ("DOMContentLoaded", "htmx:afterSwap", "markdownx.update", "katex.render"):
        assert hook in script
    assert ".math.inline" in script and "div.math" in script
