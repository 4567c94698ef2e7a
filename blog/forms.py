"""Forms of the blog: the post editor, feedback and the staff's review note.

Lengths and emptiness are checked by blog.services so that every path (page, htmx,
autosave) refuses the same way, and no `maxlength` cuts a pasted post short.
"""

from __future__ import annotations

from typing import Any

from django import forms
from markdownx.widgets import MarkdownxWidget

MARKDOWN_HELP = (
    "Markdown: ## headings, nested lists, [links](https://…), ![images](…), $math$, "
    "footnotes[^1]. A live preview shows below the editor."
)


class PostForm(forms.Form):
    title = forms.CharField(required=False, strip=True)
    body = forms.CharField(
        label="Post",
        required=False,
        strip=False,
        widget=MarkdownxWidget(attrs={"rows": 24}),
        help_text=MARKDOWN_HELP,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

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


class FeedbackForm(forms.Form):
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
