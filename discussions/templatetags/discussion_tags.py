"""Template helpers for the discussion includes (lookups Django's template language lacks)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from discussions import render, thread_markup

register = template.Library()


@register.simple_tag(takes_context=True)
def question_thread(context: template.Context, question: Any) -> Any:
    """The Thread of `question` from the `discussion` context, or None."""
    return thread_markup.thread_of(context, question)


@register.simple_tag(takes_context=True)
def thread_section(context: template.Context, thread: Any) -> str:
    """A thread: heading, comments, form and lock control (discussions/thread_markup.py)."""
    return mark_safe(thread_markup.thread_section(context, thread))  # noqa: S308 - escaped there


@register.simple_tag(takes_context=True)
def question_thread_section(context: template.Context, question: Any) -> str:
    """A question's thread on the week page, folding away (discussions/thread_markup.py)."""
    html = thread_markup.question_thread_section(context, question)
    return mark_safe(html)  # noqa: S308 - escaped there


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
