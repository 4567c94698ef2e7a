"""The one comment form: a markdownx editor whose preview goes to our guarded endpoint.

The form does not limit or require the text itself: the rules (empty, too long) live in
discussions.services so that every path refuses the same way, and a `maxlength` attribute
would make the browser silently cut a pasted text the writer then loses.
"""

from __future__ import annotations

from typing import Any

from django import forms
from markdownx.widgets import MarkdownxWidget


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        required=False,
        strip=False,
        widget=MarkdownxWidget(attrs={"rows": 6}),
        help_text="Markdown: **bold**, `code`, [links](https://…), $math$. A preview shows below.",
    )
    # The "Post anyway" button of the near-duplicate warning (discussions/duplicates.py).
    post_anyway = forms.BooleanField(required=False)

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
    def posting_anyway(self) -> bool:
        """The writer chose "Post anyway" on a near-duplicate warning."""
        if not self.is_bound:
            return False
        return bool(self.fields["post_anyway"].to_python(self.data.get("post_anyway")))
