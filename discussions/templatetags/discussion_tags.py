"""Template helpers for the discussion includes (lookups Django's template language lacks)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from core.lib import splice
from discussions import answer_forms, page_cache, render

register = template.Library()


@register.simple_tag(takes_context=True)
def question_thread(context: template.Context, question: Any) -> Any:
    """The Thread of `question` from the `discussion` context, or None."""
    discussion = context.get("discussion")
    if discussion is None or question is None:
        return None
    return discussion.thread_for(question)


@register.simple_tag(takes_context=True)
def comment_tree(context: template.Context, c: Any) -> str:
    """A comment with its replies, as discussions.render writes it."""
    # after_main: a new thread's Follow button (discussions/follow_button.py), built escaped
    after_main = context.get("after_main") or ""
    return mark_safe(render.comment_tree(c, context, after_main=after_main))  # noqa: S308 - escaped there


@register.simple_tag(takes_context=True)
def comment_main(context: template.Context, c: Any) -> str:
    """A comment without its replies, as discussions.render writes it."""
    return mark_safe(render.comment_main(c, context))  # noqa: S308 - escaped there


@register.simple_tag(takes_context=True)
def thread_comments(context: template.Context, thread: Any) -> str:
    """A thread's comments as discussions/page_cache.py assembled them for this viewer, with
    their CSRF token in the moderators' forms."""
    html = page_cache.fill_csrf(thread.html, str(context.get("csrf_token", "")))
    return splice.put(context, html)  # escaped by discussions.render, bodies sanitised


@register.simple_tag(takes_context=True)
def answer_form(context: template.Context, thread: Any) -> str:
    """The thread's compose form, filled in from markup rendered once (answer_forms.py)."""
    return mark_safe(answer_forms.thread_form(context, thread))  # noqa: S308 - values escaped there
