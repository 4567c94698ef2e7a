"""A thread's markup around its comments, written in Python: heading, read and reveal
notes, the comments, the compose form and the moderators' lock control.

The week page shows nine threads (eight questions and the general thread). Written by
template includes, their few dozen tags each cost about as much as the rest of the page's
template (Django's engine spends microseconds per tag, and an include is a new context and
template each time); written here, as the comments are (discussions/render.py), the whole
thread is a few string operations. Everything escaped with the standard library; the
comments and the form come from their own renderers (page_cache, answer_forms), already
escaped or sanitised.

Templates reach this through `{% thread_section thread %}` (the question's page, the lock's
htmx answer) and `{% question_thread_section question %}` (each question of the week page)
in discussions/templatetags/discussion_tags.py.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from core.lib import splice
from core.models import PostingState
from discussions import answer_forms, page_cache, render

if TYPE_CHECKING:
    from discussions.selectors import Thread

LATE_NOTE = '<p class="posting-late">The deadline has passed: a post now is marked late.</p>'
LOCKED_NOTE = '<p class="thread-closed">This thread is locked: no new posts.</p>\n'
CLOSED_NOTE = '<p class="thread-closed">Posting is closed for this thread.</p>'


def thread_section(context: Any, thread: Thread) -> str:
    """The thread's <section>: `context` holds `discussion`, `csrf_token` and, on the
    page being joined, its splice (the comments go in once, core/lib/splice.py)."""
    discussion = context["discussion"]
    token = str(context.get("csrf_token") or "")
    key = escape(thread.key)
    question = thread.question
    number = escape(str(question.number)) if question is not None else ""
    if question is not None:
        label, title = f"Answers to question {number}", f"Answers to Q{number}"
    else:
        label, title = "General discussion", "General discussion of the readings"
    new = (
        f' <span class="badge badge-new thread-new">{thread.new_count} new</span>'
        if thread.new_count
        else ""
    )
    out = [
        f'<section class="thread" id="thread-{key}" aria-label="{label}" '
        f'hx-headers=\'{{"X-CSRFToken": "{escape(token)}"}}\'>\n'
        f'<h3 class="thread-title">{title} <span class="thread-count">({thread.count})</span>'
        f"{new}</h3>\n"
    ]
    if thread.first_new:
        out.append(
            f'<p class="thread-jump"><a href="#c{escape(thread.first_new)}">'
            "Jump to the first new in this thread</a></p>"
        )
    out.append("\n")
    if thread.reveal_notice:
        withheld = f" ({thread.withheld} hidden for now)" if thread.withheld else ""
        out.append(f'<p class="reveal-notice">{escape(thread.reveal_notice)}{withheld}</p>')
    comments = splice.put(context, page_cache.fill_csrf(thread.html, token))
    out.append(f'\n<div class="comments" id="comments-{key}">{comments}</div>\n')
    out.append(posting(context, thread))
    out.append("\n")
    if discussion.access.can_moderate:
        out.append(lock_control(thread, discussion.base, token, context.get("mod_thread_status")))
    out.append("\n</section>\n")
    return "".join(out)


def posting(context: Any, thread: Thread) -> str:
    """The compose form, or why there is none."""
    form = thread.form
    if form:
        html = answer_forms.thread_form(context, thread)
        if thread.question is not None:
            opened = " open" if form.initial.get("body") or form.errors else ""
            html = (
                f'<details class="compose-details" id="compose-{escape(thread.key)}"{opened}>'
                f"<summary>Answer this question</summary>{html}</details>"
            )
        late = LATE_NOTE if thread.state == PostingState.LATE else ""
        return f"{html}{late}\n"
    if thread.locked:
        return LOCKED_NOTE
    if thread.state == PostingState.CLOSED:
        return CLOSED_NOTE
    return ""


def lock_control(thread: Thread, base: str, token: str, status: Any) -> str:
    """Lock or unlock the thread, for the week's moderators. With htmx the thread is
    written again in place; without JavaScript, a redirect back."""
    key = escape(thread.key)
    url = escape(f"{base}lock/")
    question = escape(str(thread.question.pk)) if thread.question is not None else ""
    if thread.thread_locked:
        action = (
            '<input type="hidden" name="action" value="unlock">'
            f'<button type="submit" id="unlock-{key}">Unlock this thread</button>\n'
        )
    else:
        action = (
            '<input type="hidden" name="action" value="lock">'
            f'<label for="lock-reason-{key}">Reason for locking (optional)</label> '
            f'<input type="text" id="lock-reason-{key}" name="reason" maxlength="1000"> '
            f'<button type="submit" id="lock-{key}">Lock this thread</button>'
        )
    shown = f'<span class="mod-status" role="status">{escape(str(status))}</span>' if status else ""
    return (
        f'<form class="mod-form mod-thread" method="post" action="{url}" hx-post="{url}" '
        f'hx-target="#thread-{key}" hx-swap="outerHTML">{render.csrf_input(token)}'
        f'<input type="hidden" name="question" value="{question}">\n'
        f"{action}\n{shown}</form>\n"
    )


def thread_of(context: Any, question: Any) -> Thread | None:
    """The Thread of `question` from the page's `discussion`, or None."""
    discussion = context.get("discussion")
    if discussion is None or question is None:
        return None
    thread: Thread | None = discussion.thread_for(question)
    return thread


def question_thread_section(context: Any, question: Any) -> str:
    """A question's thread on the week page, folding away (<details>, open at first; no
    JavaScript). Its summary is only the toggle (the thread's own heading names it): open,
    it offers to fold; folded, it gives the count. Nothing for a question the page's
    discussion does not know."""
    thread = thread_of(context, question)
    if not thread:
        return "\n"
    number = escape(str(question.number))
    new = f", {thread.new_count} new" if thread.new_count else ""
    return (
        '<details class="thread-details" open><summary>'
        f'<span class="when-open">Fold away the answers to question {number}</span>'
        f'<span class="when-closed">Show the answers to question {number} '
        f"({thread.count}{new})</span></summary>\n"
        f"{thread_section(context, thread)}</details>\n"
    )
