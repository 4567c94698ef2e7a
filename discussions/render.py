"""A comment's markup, written in Python: the one place that says how a comment looks.

The week page shows hundreds of comments; rendering each through two template includes
cost most of the page's time (about 60 of 90 ms for 300 comments). Everything a comment
shows was computed once into a `discussions.comment_view.CommentView` (strings, badges,
what the viewer may do), so here it is only put together, escaped with the standard library.

Templates reach this through `{% comment_tree c %}` and `{% comment_main c %}`
(discussions/templatetags/discussion_tags.py): the week page's threads, the fragments
htmx swaps in, and the pages that quote a comment all use it.

`c.body_html` is the comment's HTML as the sanitising renderer (core/lib/markdown.py)
produced and stored it when the comment was saved; nothing else here is trusted.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django.template import Context
from django.template.loader import get_template

if TYPE_CHECKING:
    from discussions.comment_view import CommentView

CONTROLS = "discussions/moderation/_controls.html"
DELETE_CONFIRM = "Delete this comment? Its replies stay."


def article_classes(level: int, pinned: bool, deleted: bool) -> str:
    """The classes of a comment's <article> (the viewer's read marker class comes after)."""
    classes = f"comment depth-{level}"
    if pinned:
        classes += " pinned"
    if deleted:
        classes += " deleted"
    return classes


def comment_tree(c: CommentView, context: Context, *, after_main: str = "") -> str:
    """The comment with its replies (nested up to the selector's depth); `after_main` goes
    between the comment and its replies, where the page puts a thread's Follow button."""
    classes = article_classes(c.level, c.is_pinned, c.is_deleted)
    if c.read_status:
        classes += f" unread-{c.read_status}"
    replies = ""
    if c.nests:
        children = "".join(comment_tree(child, context) for child in c.children)
        replies = f'<div class="replies" id="replies-c{c.key}">{children}</div>'
    return (
        f'<article class="{classes}" id="c{c.key}">\n'
        f"{comment_main(c, context)}{after_main}\n{replies}\n</article>\n"
    )


def comment_main(c: CommentView, context: Context, *, marker: str | None = None) -> str:
    """The comment without its replies: author, badges, time, text, the viewer's actions.
    `marker` stands in for the viewer's read marker (discussions/page_cache.py's slot)."""
    key = c.key
    pronouns = (
        f' <span class="pronouns">({escape(c.author_pronouns)})</span>' if c.author_pronouns else ""
    )
    out = [
        f'<div class="comment-main" id="main-c{key}">\n'
        f'<header class="comment-meta"><span class="comment-author">{escape(c.author_name)}'
        f"</span>{pronouns} {c.badges}{read_marker(c) if marker is None else marker}\n"
        f'<a class="permalink" href="#c{key}" title="Link to this comment">'
        f'<time datetime="{escape(c.time_iso)}">{escape(c.time_text)}</time></a>'
    ]
    if c.in_reply_to:
        out.append(f' <span class="in-reply-to">in reply to {escape(c.in_reply_to)}</span>')
    out.append("</header>\n")
    if c.notice:
        out.append(f'<p class="comment-notice">{escape(c.notice)}</p>')
    out.append("\n")
    if c.show_body:
        out.append(f'<div class="comment-body" hx-disable>{c.body_html}</div>')
    out.append("\n")
    if c.has_actions:
        url = escape(c.url)
        out.append('<p class="comment-actions">\n')
        if c.viewer_can_reply:
            out.append(slot_link(url, "reply", key, "Reply"))
        out.append("\n")
        if c.viewer_can_edit:
            out.append(
                f'<a href="{url}edit/" hx-get="{url}edit/" hx-target="#main-c{key}" '
                f'hx-swap="outerHTML">Edit</a>\n'
                f'<a href="{url}delete/" hx-post="{url}delete/" hx-confirm="{DELETE_CONFIRM}" '
                f'hx-target="#main-c{key}" hx-swap="outerHTML">Delete</a>'
            )
        out.append("\n")
        if c.viewer_sees_history:
            out.append(f'<a href="{url}history/">History</a>')
        out.append("\n")
        if c.viewer_can_flag:
            out.append(slot_link(url, "flag", key, "Flag"))
        out.append("</p>\n")
        if c.viewer_can_moderate:
            out.append(moderation_controls(c, context))
        out.append(f'\n<div class="reply-slot" id="slot-c{key}"></div>')
    out.append("\n</div>\n")
    return "".join(out)


MARKERS = {
    "new": '<span class="badge badge-new">new</span>',
    "edited": '<span class="badge badge-new">edited since you read</span>',
}


def read_marker(c: CommentView) -> str:
    """The viewer's "new" or "edited since you read" marker (discussions/unread.py)."""
    return MARKERS.get(c.read_status, "")


def csrf_input(token: str) -> str:
    """What Django's {% csrf_token %} writes for `token` (nothing without one)."""
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker, not a secret
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def follow_form(comment_url: str, following: bool, token: str) -> str:
    """Follow or unfollow the thread a top-level comment starts (a POST; htmx swaps the
    form in place, without JavaScript the page comes back at the comment). Per viewer: the
    page assembler puts it after the thread's first comment (discussions/page_cache.py)."""
    url = escape(f"{comment_url}follow/")
    value, label = ("0", "Unfollow thread") if following else ("1", "Follow thread")
    return (
        f'<form class="follow-form" method="post" action="{url}" hx-post="{url}" '
        f'hx-swap="outerHTML">{csrf_input(token)}'
        f'<input type="hidden" name="follow" value="{value}">'
        f'<button type="submit" class="button button-quiet">{label}</button></form>\n'
    )


def slot_link(url: str, action: str, key: str, label: str) -> str:
    """A link whose form (reply, flag) htmx loads into the slot under the comment."""
    return f'<a href="{url}{action}/" hx-get="{url}{action}/" hx-target="#slot-c{key}">{label}</a>'


def moderation_controls(c: CommentView, context: Context) -> str:
    """The moderators' forms (a template: CSRF tokens, errors after an action); only this
    week's leads and staff get them, so the week page stays cheap for everyone else."""
    # The Django engine's own Template (rendered with the page's Context), which
    # django-stubs' backend-neutral template type does not name.
    template = get_template(CONTROLS).template  # type: ignore[attr-defined]
    with context.push(c=c):
        return template.render(context)
