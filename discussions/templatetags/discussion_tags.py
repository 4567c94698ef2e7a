"""Template helpers for the discussion includes (lookups Django's template language lacks)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def question_thread(context: template.Context, question: Any) -> Any:
    """The Thread of `question` from the `discussion` context, or None."""
    discussion = context.get("discussion")
    if discussion is None or question is None:
        return None
    return discussion.thread_for(question)
