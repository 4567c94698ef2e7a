"""The one sanitising markdown renderer.

Every piece of user or staff markdown (week intros, questions, comments, previews, blog
posts) becomes HTML here and nowhere else: markdown-it-py (CommonMark, designed to run in
linear time, unlike Python-Markdown whose bracket and nesting patterns go super-linear)
with tables, strikethrough, footnotes and `$…$` / `$$…$$` math, then nh3 with an
allow-list. Only the output of `render_markdown` is ever marked safe.

Linear in the length of the text, every construct and the preview included: markdown-it's
own design is, but in Python its constant for bracket-heavy text and three spots of the
plugins were not (a 20,000-character comment took up to 29 s). Below, without changing the
HTML (tests/test_markdown_speed.py compares with the stock parser):

- task lists: mdit_py_plugins' rule found each item's list by walking back through every
  token before it (quadratic: 20 KB of `- [ ] x` lines, 1.2 s); ours keeps a stack.
- footnote references: `[^` scanned to the next space or `]` from every `[^` (quadratic
  once the text defines a footnote: 20 KB of `[^`, 29 s); ours remembers the stop.
- link labels: every `[`, `![` and `^[` rescanned the brackets after it, up to
  maxNesting deep (20 KB of `[` or 10 KB of `![`: 0.3-0.6 s); ours remembers each
  bracket's label end per paragraph and jumps over nested ones.
- each position ran all 15 inline rules; ours runs those that can start with its
  character, and a remembered skip is looked up before anything else.

What stays: markdown-it-py spends ~5-10 µs on each token, so text that is nothing but
tokens (5,000 one-letter list items, a table of 3,000 one-letter rows) renders ~20-30×
slower than prose of its length: linear, ~0.3 s at 20,000 characters. Math beyond
MAX_MATH spans in one text stays code (below).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import SimpleNamespace

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import _data_from_env

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
    "a": {"footnote-backref", "mention"},
    "hr": {"footnotes-sep"},
    "ol": {"footnotes-list"},
    "ul": {"contains-task-list"},
    "input": {"task-list-item-checkbox"},
}
# Task-list checkboxes only: rendered disabled, no other input survives.
TAG_ATTRIBUTE_VALUES = {
    "input": {"type": {"checkbox"}, "disabled": {"", "disabled"}, "checked": {"", "checked"}},
}

InlineRule = Callable[[StateInline, bool], bool]
_FOUND, _UNCLOSED, _NESTED = 0, 1, 2


def _parse_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:
    """markdown-it's parseLinkLabel (the end of the label opened at `start`, or -1), with
    each result remembered for the paragraph: a `[` met inside a label is jumped over to
    its own label's end instead of being scanned again (and again, for every `[` before).
    """
    memo: dict[tuple[int, bool], tuple[int, int]] = state.__dict__.setdefault("_labels", {})
    if (start, disableNested) in memo:
        return memo[start, disableNested][0]
    old_pos, level, result = state.pos, 1, (-1, _UNCLOSED)
    state.pos = start + 1
    while state.pos < state.posMax:
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                result = (state.pos, _FOUND)
                break
        before = state.pos
        state.md.inline.skipToken(state)
        if marker != "[":
            continue
        if before != state.pos - 1:  # the `[` opens a link: no label may contain one
            if disableNested:
                result = (-1, _NESTED)
                break
            continue
        inner = memo.get((before, True))  # the text `[`'s own label, if known
        if inner is not None and inner[1] == _NESTED and not disableNested:
            inner = memo.get((before, False))
        if inner is None:
            level += 1
        elif inner[1] == _FOUND:
            state.pos = inner[0] + 1
        else:  # unclosed, or holding a link where this label may not
            result = (-1, inner[1])
            break
    state.pos = old_pos
    memo[start, disableNested] = result
    return result[0]


class _LinearInline(ParserInline):
    def skipToken(self, state: StateInline) -> None:
        """A remembered skip first (the library computes rules and options before it)."""
        end = state.cache.get(state.pos)
        if end is None:
            super().skipToken(state)
        else:
            state.pos = end


def _footnote_inline(state: StateInline, silent: bool) -> bool:
    """mdit_py_plugins' footnote_inline (`^[…]`), with the remembering label parser."""
    start, maximum = state.pos, state.posMax
    if start + 2 >= maximum or state.src[start] != "^" or state.src[start + 1] != "[":
        return False
    label_end = _parse_link_label(state, start + 1)
    if label_end < 0:
        return False
    if not silent:
        refs = _data_from_env(state.env)["list"]
        footnote_id = len(refs)
        tokens: list[Token] = []
        content = state.src[start + 2 : label_end]
        refs[footnote_id] = {"content": content, "tokens": tokens}
        state.md.inline.parse(content, state.md, state.env, tokens)
        token = state.push("footnote_ref", "", 0)
        token.meta = {"id": footnote_id}
    state.pos = label_end + 1
    state.posMax = maximum
    return True


_FOOTNOTE_LABEL_STOP = re.compile(r"[ \n\]]")


def _footnote_ref(plugin_rule: InlineRule) -> InlineRule:
    """The plugin's `[^label]` rule, asked only when `[^…]` names a defined footnote: the
    label's end is remembered between the `[^` that share it, and too long a label is no
    defined one."""

    def rule(state: StateInline, silent: bool) -> bool:
        src, start = state.src, state.pos
        refs = state.env.get("footnotes", {}).get("refs")
        if not refs or start + 3 > state.posMax or src[start + 1] != "^":
            return False
        span = state.__dict__.get("_footnote_stop", (0, -1))
        if not span[0] <= start + 2 <= span[1]:
            found = _FOOTNOTE_LABEL_STOP.search(src, start + 2)
            span = (start + 2, found.start() if found else len(src))
            state.__dict__["_footnote_stop"] = span
        stop = span[1]
        if stop >= state.posMax or src[stop] != "]" or stop == start + 2:
            return False
        longest = state.__dict__.get("_footnote_longest")
        if longest is None:  # the definitions are all read before any inline text
            longest = state.__dict__["_footnote_longest"] = max(map(len, refs))
        if stop - start - 1 > longest:  # ":label" vs "[^label"
            return False
        return plugin_rule(state, silent)

    return rule


# The characters each inline rule can start at (`text` takes every other character).
_RULE_STARTS = {
    "linkify": ":", "newline": "\n", "math_inline": "$", "escape": "\\", "backticks": "`",
    "strikethrough": "~", "emphasis": "*_", "link": "[", "image": "!", "footnote_inline": "^",
    "footnote_ref": "[", "autolink": "<", "html_inline": "<", "entity": "&",
}  # fmt: skip


def _dispatch_inline_rules(md: MarkdownIt) -> None:
    """One inline rule that runs `text`, then only the rules that can start at this
    position's character, in markdown-it's order: the same first match as all 15 in turn."""
    ruler = md.inline.ruler
    names = ruler.get_active_rules()
    unknown = set(names) - set(_RULE_STARTS) - {"text"}
    if unknown or names[0] != "text":  # a markdown-it or plugin upgrade: say which
        raise RuntimeError(f"inline rules {names}: no known start for {unknown}")
    fns = {rule.name: rule.fn for rule in ruler.__rules__ if rule.enabled}
    fns["footnote_inline"] = _footnote_inline
    fns["footnote_ref"] = _footnote_ref(fns["footnote_ref"])
    by_char: dict[str, tuple[InlineRule, ...]] = {}
    for name in names:
        if name == "text" or (name == "linkify" and not md.options.get("linkify")):
            continue
        for char in _RULE_STARTS[name]:
            by_char[char] = (*by_char.get(char, ()), fns[name])
    text = fns["text"]

    def dispatch(state: StateInline, silent: bool) -> bool:
        if text(state, silent):
            return True
        for rule in by_char.get(state.src[state.pos], ()):  # noqa: SIM110 (any() is slower)
            if rule(state, silent):
                return True
        return False

    ruler.disable(names)
    ruler.push("dispatch", dispatch)


# `@handle` after a space or the start, not inside a word or an address (e@mail.org).
_MENTION = re.compile(r"(?<![\w@.])@(\w+)")


def _mention_tokens(token: Token, names: Mapping[str, str], found: set[str]) -> list[Token]:
    """A text token split around the mentions it holds (handles in `names`: lowercase ->
    href): each becomes a link of class "mention"; other `@words` stay text."""
    text, pos, parts = token.content, 0, []
    for match in _MENTION.finditer(text):
        href = names.get(match[1].lower())
        if href is None:
            continue
        before = Token("text", "", 0)
        before.content = text[pos : match.start()]
        link, label, close = (
            Token("link_open", "a", 1),
            Token("text", "", 0),
            Token("link_close", "a", -1),
        )
        link.attrSet("href", href)
        link.attrSet("class", "mention")
        label.content = match[0]
        parts += [before, link, label, close]
        found.add(match[1].lower())
        pos = match.end()
    if not parts:
        return [token]
    rest = Token("text", "", 0)
    rest.content = text[pos:]
    return [*parts, rest]


def _mentions(state: StateCore) -> None:
    """@mentions of the members in env["mentions"] become links (never inside a link or
    code); the handles found are left in env["mentioned"]."""
    names = state.env.get("mentions")
    if not names:
        return
    found: set[str] = state.env.setdefault("mentioned", set())
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out: list[Token] = []
        in_link = 0
        for token in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "text" and not in_link and "@" in token.content:
                out += _mention_tokens(token, names, found)
            else:
                out.append(token)
        block.children = out


_TASK = re.compile(r"\[[ xX]][ \t\n\v\f\r]+")
_CHECKBOX = '<input class="task-list-item-checkbox" {}disabled="disabled" type="checkbox">'


def _tasklists(state: StateCore) -> None:
    """mdit_py_plugins' tasklists (disabled boxes), finding each item's list on a stack."""
    tokens, lists = state.tokens, []
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(token)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif (
            token.type == "inline"
            and 2 <= i < len(tokens) - 1
            and tokens[i - 1].type == "paragraph_open"
            and tokens[i - 2].type == "list_item_open"
            and _TASK.match(token.content)
        ):
            checkbox = Token("html_inline", "", 0)
            if token.content.startswith("[ ] "):
                checkbox.content = _CHECKBOX.format("")
            elif token.content.startswith(("[x] ", "[X] ")):
                checkbox.content = _CHECKBOX.format('checked="checked" ')
            assert token.children is not None
            token.children.insert(0, checkbox)
            token.children[1].content = token.children[1].content[3:]
            token.content = token.content[3:]
            tokens[i - 2].attrSet("class", "task-list-item")
            lists[-1].attrSet("class", "contains-task-list")


# Math spans typeset in the browser, per rendered text (a comment, a preview, a post): KaTeX
# takes ~1-3 ms for each, and 800 in one comment froze every reader's page for ~2 s. The
# ones after these stay visible as code, with their dollars, and are not typeset.
MAX_MATH = 50
_MATH = {"math_inline": "code_inline", "math_block": "code_block", "math_block_label": "code_block"}


def _cap_math(state: StateCore) -> None:
    """Math beyond MAX_MATH becomes code: `$x$` inline, a `$$` block as a code block."""
    seen = 0
    for block in state.tokens:
        for token in [block, *(block.children or ())]:
            if token.type not in _MATH:
                continue
            seen += 1
            if seen <= MAX_MATH:
                continue
            if token.type == "math_inline":
                token.content = f"${token.content}$"
            else:
                label = f" ({token.info})" if token.type == "math_block_label" else ""
                token.content = f"$$\n{token.content.strip()}\n$${label}\n"
            token.type = _MATH[token.type]


def _stock_markdown_it() -> MarkdownIt:
    """The parser as configured, before the changes above (tests compare the two)."""
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(dollarmath_plugin, allow_space=True, double_inline=False)
    )


def _linear_markdown_it() -> MarkdownIt:
    md = _stock_markdown_it()
    md.core.ruler.after("inline", "github-tasklists", _tasklists)
    md.core.ruler.push("mentions", _mentions)
    md.core.ruler.push("cap-math", _cap_math)  # last: footnotes' math is in place by then
    md.inline.__class__ = _LinearInline
    helpers = md.helpers  # rules call md.helpers.parseLinkLabel: this instance's only
    md.helpers = SimpleNamespace(  # type: ignore[assignment]  # a module's stand-in
        parseLinkLabel=_parse_link_label,
        parseLinkDestination=helpers.parseLinkDestination,
        parseLinkTitle=helpers.parseLinkTitle,
    )
    _dispatch_inline_rules(md)
    return md


_md = _linear_markdown_it()

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


def render_markdown(text: str, mentions: Mapping[str, str] | None = None) -> SafeString:
    """Markdown → sanitised HTML, marked safe. The only place user text becomes markup.

    `mentions` (a member's lowercase handle -> the URL their mention links to) turns
    `@Handle` of those members into links; any other `@word` stays text. The links go
    through the same sanitiser as everything else."""
    if not text:
        return mark_safe("")
    return sanitize_html(_md.render(text, {"mentions": mentions} if mentions else None))


def mentioned_handles(text: str, mentions: Mapping[str, str]) -> set[str]:
    """The handles of `mentions` that `text` mentions (lowercase), as render_markdown
    links them (not in code, not inside a link)."""
    env: dict[str, object] = {"mentions": mentions}
    if text and mentions and "@" in text:
        _md.parse(text, env)
    found = env.get("mentioned", set())
    return found if isinstance(found, set) else set()
