"""The discussion's forms: every POST the discussion accepts is read through one of them.

The comment form is a markdownx editor whose preview goes to our guarded endpoint. It
refuses empty and too-long text with the messages of discussions.services (which checks
again for callers other than views), never with a `maxlength` attribute: the browser would
silently cut a pasted text the writer then loses. Rules about other objects (deadline,
lock, the thread's week) stay in the services; views put their ValidationError on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString
from markdownx.widgets import MarkdownxWidget

from core.lib.submission import SubmissionKeyMixin
from discussions.moderation import FLAG_REASON_REQUIRED, REASON_MAX, REASON_REQUIRED


def error_messages(form: forms.Form) -> list[str]:
    """Every message on a bound form, those about the whole form first, then each field's."""
    if not form.is_bound:
        return []
    messages = [str(message) for message in form.non_field_errors()]
    for name in form.fields:
        messages.extend(str(message) for message in form.errors.get(name, ()))
    return messages


class EditorWidget(MarkdownxWidget):
    """markdownx's editor, written in Python instead of through two widget templates: a
    textarea whose data attributes markdownx.js and our editor.js read for preview and
    upload, at a fraction of the cost (the week page shows one for every question).
    discussions/_form.html lays out its `.markdownx` container, the labelled preview and
    the "Add image" button around it."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final.update(self.add_markdownx_attrs(final))
        text = self.format_value(value) or ""
        return format_html('<textarea name="{}"{}>\n{}</textarea>', name, flatatt(final), text)


class CommentForm(SubmissionKeyMixin):
    body = forms.CharField(
        label="Your comment",
        required=False,
        strip=False,
        widget=EditorWidget(attrs={"rows": 6}),
        help_text=(
            "Markdown: **bold**, `code`, [links](https://…), $math$. "
            "A preview shows below; add images with the button or by dropping them here."
        ),
    )
    # The "Post anyway" button of the near-duplicate warning (discussions/duplicates.py).
    post_anyway = forms.BooleanField(required=False)

    class Media:
        js = ("js/mentions.js",)  # @mention autocomplete, from the form's data-mentions

    def __init__(
        self, *args: Any, key: str = "new", draft_url: str = "", label: str = "", **kwargs: Any
    ) -> None:
        """`key` makes element ids unique when a page holds many forms (e.g. "q12", "r40");
        `label` names the field for screen readers ("Your answer to question 3")."""
        kwargs.setdefault("auto_id", f"id_%s_{key}")
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label
        attrs = self.fields["body"].widget.attrs
        attrs["aria-describedby"] = f"errors-{key} id_body_{key}_helptext"
        if draft_url:
            # Saved while typing (htmx, debounced) and on leaving the page (discussion.js).
            attrs.update(
                {
                    "hx-post": draft_url,
                    "hx-trigger": "input changed delay:1500ms",
                    "hx-include": "closest form",
                    "hx-target": f"#draft-{key}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "closest form:drop",
                }
            )

    @property
    def text(self) -> str:
        """The text as typed (bound) or as given (initial): never lost on an error."""
        if self.is_bound:
            return self.data.get("body", "")
        return self.initial.get("body", "")

    @property
    def messages(self) -> list[str]:
        """What the form's message region shows: why the text was not posted."""
        return error_messages(self)

    def clean_body(self) -> str:
        """The text as typed: not empty, not over the limit (the messages the services give,
        so every path refuses the same way)."""
        from discussions.services import clean_body  # services import selectors, which import us

        return clean_body(self.cleaned_data["body"])


class DraftForm(forms.Form):
    """The text being written, kept as a draft: any text a database can store (the services
    bound its size)."""

    body = forms.CharField(required=False, strip=False)


class SimilarForm(forms.Form):
    """The text being written, compared with the answers already posted: nothing is stored,
    so any text at all (the check bounds it and drops what a database could not hold)."""

    body = forms.CharField(required=False, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].validators = []  # not even Django's refusal of NUL characters


class FollowForm(forms.Form):
    """Follow (1) or unfollow (0) a thread."""

    follow = forms.TypedChoiceField(choices=[("1", "follow"), ("0", "unfollow")], coerce=int)


class DraftPlaceForm(forms.Form):
    """Where a draft belongs: ?question=<id> (an answer), ?parent=<id> (a reply) or
    neither (a general comment)."""

    question = forms.IntegerField(required=False, min_value=1)
    parent = forms.IntegerField(required=False, min_value=1)


# --- Moderation (discussions/moderation_views.py) ------------------------------------------

UNKNOWN_ACTION = "Unknown moderation action."
REASON_TOO_LONG = f"Keep the reason under {REASON_MAX:,} characters."
MODERATION_ACTIONS = (
    "hide",
    "unhide",
    "pin",
    "unpin",
    "endorse",
    "unendorse",
    "credit",
    "uncredit",
    "resolve_flags",
)


def reason_field(*, required: bool = False, message: str = "") -> forms.CharField:
    errors = {"max_length": REASON_TOO_LONG}
    if message:
        errors["required"] = message
    return forms.CharField(required=required, max_length=REASON_MAX, error_messages=errors)


class ModerateForm(forms.Form):
    """One action on one comment; hiding needs a reason (its author reads it)."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in MODERATION_ACTIONS],
        error_messages={"required": UNKNOWN_ACTION, "invalid_choice": UNKNOWN_ACTION},
    )
    reason = reason_field()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "hide" and not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", REASON_REQUIRED)
        return data


class FlagForm(SubmissionKeyMixin):
    reason = reason_field(required=True, message=FLAG_REASON_REQUIRED)


class LockForm(forms.Form):
    """Lock or unlock one thread (question=<id>, or blank: the general thread) or, with
    scope=week, the whole week."""

    action = forms.ChoiceField(
        choices=[("lock", "lock"), ("unlock", "unlock")],
        error_messages={"required": UNKNOWN_ACTION, "invalid_choice": UNKNOWN_ACTION},
    )
    scope = forms.ChoiceField(choices=[("", "thread"), ("week", "week")], required=False)
    question = forms.IntegerField(required=False, min_value=1)
    reason = reason_field()


class NextForm(forms.Form):
    """Where to go back to after an action (checked against the site by the view)."""

    next = forms.CharField(required=False, max_length=2000)
