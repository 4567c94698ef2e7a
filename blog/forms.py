"""Forms of the blog: the post editor, feedback and the staff's review note.

Lengths and emptiness are checked by blog.services so that every path (page, htmx,
autosave) refuses the same way, and no `maxlength` cuts a pasted post short. The forms
check what they can alone (a version number, NUL characters, which button was pressed);
views never call a service with the fields of a form that is not valid.
"""

from __future__ import annotations

from typing import Any

from django import forms
from markdownx.widgets import MarkdownxWidget

from core.lib.submission import SubmissionKeyMixin

MARKDOWN_HELP = (
    "Markdown: ## headings, nested lists, [links](https://…), ![images](…), $math$, "
    "footnotes[^1]. A live preview shows below the editor."
)
VERSION_UNKNOWN = (
    "The editor's version number was not understood, so this save could overwrite a "
    "teammate's: check your text below against the post, then press Save again."
)
UNKNOWN_ACTION = "Unknown action: press Save or Preview."


class PostForm(forms.Form):
    title = forms.CharField(required=False, strip=True)
    body = forms.CharField(
        label="Post",
        required=False,
        strip=False,
        widget=MarkdownxWidget(attrs={"rows": 24}),
        help_text=MARKDOWN_HELP,
    )
    version = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"invalid": VERSION_UNKNOWN, "min_value": VERSION_UNKNOWN},
    )

    def __init__(self, *args: Any, autosave_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attrs = self.fields["body"].widget.attrs
        attrs["aria-describedby"] = "id_body_helptext post-errors"
        if autosave_url:
            # Saved while typing (htmx, debounced) and on leaving the page (blog.js).
            trigger = {
                "hx-post": autosave_url,
                "hx-trigger": "input changed delay:2s",
                "hx-include": "closest form",
                "hx-target": "#autosave-status",
                "hx-swap": "outerHTML",
                "hx-sync": "closest form:queue last",
            }
            attrs.update(trigger)
            self.fields["title"].widget.attrs.update(trigger)

    @property
    def text(self) -> str:
        if self.is_bound:
            return self.data.get("body", "")
        return self.initial.get("body", "")


class EditorActionForm(forms.Form):
    """Which button of the editor was pressed (Enter in the title presses the first: Save)."""

    action = forms.ChoiceField(
        choices=[("save", "Save"), ("preview", "Preview")],
        required=False,
        error_messages={"invalid_choice": UNKNOWN_ACTION},
    )

    @property
    def previewing(self) -> bool:
        return self.is_valid() and self.cleaned_data["action"] == "preview"


def form_messages(form: forms.Form) -> list[str]:
    """Every message on a bound form: those about the whole form, then each field's."""
    messages = [str(message) for message in form.non_field_errors()]
    for name in form.fields:
        messages.extend(str(message) for message in form.errors.get(name, ()))
    return messages


class FeedbackForm(SubmissionKeyMixin):
    body = forms.CharField(
        label="Your feedback on this draft",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown. The blogging team and staff read it; classmates see it too.",
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="What should the team change?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
