"""Import a blog post written for Hugo: `+++` TOML front matter, then markdown.

Front matter keys read: `title`, `date` (publication time) and `draft`; any other key
(`author`, `tags`, `weight`, …) is reported and ignored. Raw HTML in the body is turned
into markdown where it has an equivalent (`<img>`, `<a>`, `<br>`) and otherwise cleaned
away by the sanitiser (nh3: tags dropped, text kept; `<script>`/`<style>` dropped with
their content); code blocks are left as written. The post is then saved like any other
(rendered by the one renderer, with an "imported" revision); importing the same file
again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from dataclasses import dataclass, field

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from markdown_it import MarkdownIt

from accounts.models import User
from blog import services
from blog.models import BlogPost, BlogRevision
from core.models import Week

FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)", re.DOTALL)
KNOWN_KEYS = {"title", "date", "draft"}
DROPPED_WITH_CONTENT = re.compile(
    r"<(script|style|iframe|object|embed|noscript)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)
ATTR = r"""\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"""
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
LINK = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.DOTALL | re.IGNORECASE)
BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
SAFE_URL = re.compile(r"\A(?:https?://|mailto:|/|#)", re.IGNORECASE)

_html_parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@dataclass
class ImportResult:
    post: BlogPost
    created: bool
    changed: bool
    ignored_keys: list[str] = field(default_factory=list)
    html_fragments: int = 0  # raw HTML chunks converted or cleaned away


def _attr(tag: str, name: str) -> str:
    match = re.search(ATTR.format(name=name), tag, re.IGNORECASE)
    if not match:
        return ""
    return html.unescape(next(group for group in match.groups() if group is not None))


def _image(match: re.Match[str]) -> str:
    src, alt = _attr(match.group(0), "src"), _attr(match.group(0), "alt")
    return f"![{alt}]({src})" if src and SAFE_URL.match(src) else alt


def _link(match: re.Match[str]) -> str:
    href, text = _attr(f"<a {match.group(1)}>", "href"), match.group(2)
    return f"[{text}]({href})" if href and SAFE_URL.match(href) else text


def html_to_markdown(fragment: str) -> str:
    """One chunk of raw HTML as markdown text: a few tags converted, the rest stripped."""
    text = DROPPED_WITH_CONTENT.sub("", fragment)
    text = IMG.sub(_image, text)
    text = LINK.sub(_link, text)
    text = BR.sub("  \n", text)
    cleaned = nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
    return html.unescape(cleaned)


def clean_raw_html(markdown: str) -> tuple[str, int]:
    """The markdown with its raw HTML blocks and inline tags cleaned; how many were."""
    lines = markdown.splitlines(keepends=True)
    replacements: list[tuple[int, int, str]] = []
    count = 0
    for token in _html_parser.parse(markdown):
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "html_block":
            source = "".join(lines[start:end])
            indent = source[: len(source) - len(source.lstrip())]
            converted = html_to_markdown(source).strip()
            replacements.append((start, end, f"{indent}{converted}\n" if converted else "\n"))
            count += 1
        elif (
            token.type == "inline"
            and token.children is not None
            and any(c.type == "html_inline" for c in token.children)
        ):
            source = "".join(lines[start:end])
            source = DROPPED_WITH_CONTENT.sub("", source)
            source = IMG.sub(_image, LINK.sub(_link, BR.sub("  \n", source)))
            for child in token.children:
                if child.type == "html_inline":
                    source = source.replace(child.content, "", 1)
                    count += 1
            replacements.append((start, end, source))
    for start, end, text in sorted(replacements, reverse=True):
        lines[start:end] = [text]
    return "".join(lines), count


def parse_post(text: str) -> tuple[dict, str]:
    """(front matter, body) of a Hugo post; ValidationError when the front matter is bad."""
    match = FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise ValidationError("The file does not start with +++ TOML front matter.")
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"The front matter is not valid TOML: {error}") from error
    return meta, text[match.end() :]


def _published_at(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12), tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            return _published_at(dt.datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


@transaction.atomic
def import_post(
    text: str, *, week: Week, author: User | None = None, publish: bool | None = None
) -> ImportResult:
    """Create or update `week`'s post from a Hugo file; published unless `draft = true`
    (or `publish` says otherwise). Raises ValidationError on a malformed file."""
    meta, body = parse_post(text)
    title = str(meta.get("title") or services.default_title(week)).strip()
    body, fragments = clean_raw_html(body.strip() + "\n")
    existed = BlogPost.objects.filter(week=week).exists()
    before = BlogPost.objects.filter(week=week).values_list("version", flat=True).first()
    post = services.post_save(
        week=week,
        author=author,
        title=title,
        body=body.strip(),
        base_version=None,
        kind=BlogRevision.Kind.IMPORT,
    )
    should_publish = publish if publish is not None else not meta.get("draft", False)
    if should_publish and not post.is_published:
        post.published_at = _published_at(meta.get("date")) or post.published_at
        post.save(update_fields=["published_at"])
        post = services.post_publish(post=post, actor=author)
    return ImportResult(
        post=post,
        created=not existed,
        changed=before != post.version,
        ignored_keys=sorted(set(meta) - KNOWN_KEYS),
        html_fragments=fragments,
    )
