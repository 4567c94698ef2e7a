"""The one sanitising markdown renderer.

Every piece of user or staff markdown (week intros, questions, comments, previews, blog
posts) becomes HTML here and nowhere else: markdown-it-py (CommonMark, designed to run in
linear time, unlike Python-Markdown whose bracket and nesting patterns go super-linear)
with tables, strikethrough, footnotes and `$…$` / `$$…$$` math, then nh3 with an
allow-list. Only the output of `render_markdown` is ever marked safe.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "kbd", "li", "ol", "p",
    "pre", "s", "section", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},
    "sup": {"id"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    "abbr": {"title"},
}
ALLOWED_CLASSES = {
    "span": {"math", "inline"},
    "div": {"math", "block"},
    "section": {"footnotes"},
    "li": {"footnote-item", "task-list-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
    "ol": {"footnotes-list"},
    "ul": {"contains-task-list"},
    "input": {"task-list-item-checkbox"},
}
# Task-list checkboxes only: rendered disabled, no other input survives.
TAG_ATTRIBUTE_VALUES = {
    "input": {"type": {"checkbox"}, "disabled": {"", "disabled"}, "checked": {"", "checked"}},
}

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(dollarmath_plugin, allow_space=True, double_inline=False)
    .use(tasklists_plugin)
)

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    tag_attribute_values=TAG_ATTRIBUTE_VALUES,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow ugc noopener",
    strip_comments=True,
)


def sanitize_html(html: str) -> SafeString:
    """Clean HTML from any source (imported posts may carry raw HTML) with the allow-list."""
    return mark_safe(_cleaner.clean(html))


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, marked safe. The only place user text becomes markup."""
    if not text:
        return mark_safe("")
    return sanitize_html(_md.render(text))
