"""The week page's answer forms, rendered once and filled in per thread.

A week page shows one compose form per question plus the general thread's, and they
differ only in a few values: the thread's key (element ids), where it posts and saves
drafts, the question's id and label, the viewer's CSRF token, the form's one-time
submission key and the viewer's draft. So discussions/_form.html is rendered once per
*shape* (answer or general comment, with or without a draft, the seminar's mentions URL,
the button's label) with a random slot in place of each of those values, kept in this
process, and each thread's form is that markup with the slots replaced by the thread's
values, escaped as the template would escape them. The result is the same markup, byte
for byte, as rendering the template for the thread (tests/discussions/test_answer_forms.py).

Only an unbound form (no errors) goes this way; a form that comes back with errors is
rendered by the template as before.
"""

from __future__ import annotations

import re
import secrets
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.template import Context, Engine
from django.utils.html import escape

from core.lib.lru import LRU
from discussions.forms import CommentForm

if TYPE_CHECKING:
    from discussions.selectors import Discussion, Thread

_TOKEN = "s" + secrets.token_hex(12)  # random per process: no text can contain it
NAMES = ("key", "action", "draft", "csrf", "subkey", "label", "text", "qid", "base")
SLOTS = {name: f"{_TOKEN}{name}x" for name in NAMES}
SLOT_RE = re.compile(re.escape(_TOKEN) + "(" + "|".join(NAMES) + ")x")
FAST = True  # tests turn it off to compare with the template
SHAPES = LRU(64)  # the stand-in markup by shape (see `blank`)


def blank(has_question: bool, has_draft: bool, seminar_slug: str, submit_label: str) -> str:
    """discussions/_form.html rendered with a slot in place of every per-thread value."""
    shape = (has_question, has_draft, seminar_slug, submit_label)
    html = SHAPES.get(shape)
    if html is not None:
        return html
    form = CommentForm(
        key=SLOTS["key"],
        label=SLOTS["label"],
        initial={"body": SLOTS["text"] if has_draft else ""},
        draft_url=SLOTS["draft"],
    )
    form._fresh_key = SLOTS["subkey"]
    week = SimpleNamespace(seminar=SimpleNamespace(slug=seminar_slug))
    discussion = SimpleNamespace(base=SLOTS["base"], access=SimpleNamespace(week=week))
    question = SimpleNamespace(pk=SLOTS["qid"]) if has_question else None
    context = {
        "form": form,
        "key": SLOTS["key"],
        "action": SLOTS["action"],
        "draft_url": SLOTS["draft"],
        "submit_label": submit_label,
        "discussion": discussion,
        "thread": SimpleNamespace(question=question),
        "csrf_token": SLOTS["csrf"],
    }
    template = Engine.get_default().get_template("discussions/_form.html")
    return SHAPES.put(shape, template.render(Context(context, autoescape=True)))


def answer_form(thread: Thread, discussion: Discussion, csrf_token: str) -> str:
    """The thread's compose form (its `form` unbound) as discussions/_form.html writes it."""
    form = thread.form
    assert form is not None and not form.is_bound
    question = thread.question
    text = form.initial.get("body", "")
    submit_label = "Post answer" if question is not None else "Post comment"
    slug = discussion.access.week.seminar.slug
    html = blank(question is not None, bool(text), slug, submit_label)
    base = discussion.base
    values: dict[str, str] = {
        "key": escape(thread.key),
        "action": escape(base + thread.action),
        "draft": escape(base + thread.draft),
        "csrf": escape(csrf_token),
        "subkey": escape(form.submission_key_value),
        "label": escape(form.fields["body"].label),
        "text": escape(text),
        "qid": escape(question.pk if question is not None else ""),
        "base": escape(base),
    }
    return SLOT_RE.sub(lambda m: values[m.group(1)], html)


def thread_form(context: Any, thread: Thread) -> str:
    """The thread's form for the template tag: filled in from the stored markup, or (a form
    with errors, no CSRF token, or FAST off) rendered by the template in `context`."""
    discussion = context["discussion"]
    form = thread.form
    csrf_token = str(context.get("csrf_token") or "")
    if FAST and form is not None and not form.is_bound and csrf_token:
        return answer_form(thread, discussion, csrf_token)
    template = context.template.engine.get_template("discussions/_form.html")
    values = {
        "form": form,
        "key": thread.key,
        "action": discussion.base + thread.action,
        "draft_url": discussion.base + thread.draft,
        "submit_label": "Post answer" if thread.question is not None else "Post comment",
    }
    with context.push(**values):
        return str(template.render(context))
