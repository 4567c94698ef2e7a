"""One-time submission keys: what makes a double click, a retry after a timeout or a
resubmit after a 500 store one post, not two.

Every post form carries a hidden `submission_key` (uuid4 hex, made when the form is
rendered). The service stores it with what it creates, under a unique constraint per
author; a repeat of a stored key answers with the stored object (the view gives the same
redirect or fragment as the first success). A form posted without a key still works, with
no idempotency (old clients, scripts).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms

FIELD = "submission_key"
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
BAD_KEY = (
    "This form's submission key was not understood, so it was not posted: press the "
    "button again (your text is kept here)."
)


def new_key() -> str:
    return uuid.uuid4().hex


def valid_key(value: object) -> str | None:
    """The key if it is 32 lowercase hex characters, else None."""
    if isinstance(value, str) and KEY_PATTERN.fullmatch(value):
        return value
    return None


class SubmissionKeyMixin(forms.Form):
    """Adds the hidden one-time key: optional, but refused when malformed."""

    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fresh_key = new_key()

    def clean_submission_key(self) -> str | None:
        value = self.cleaned_data.get(FIELD) or ""
        if not value:
            return None
        if valid_key(value) is None:
            # About the whole form: the field is hidden, its message shows with the form's.
            self.add_error(None, forms.ValidationError(BAD_KEY, code="bad_key"))
            return None
        return value

    @property
    def posted_key(self) -> str | None:
        """The well-formed key this bound form was posted with (without validating the
        rest of the form), else None."""
        if not self.is_bound:
            return None
        return valid_key(self.data.get(FIELD))

    @property
    def submission_key_value(self) -> str:
        """What the rendered form carries: the key it was posted with (a refused post sent
        again is still one submission), else a fresh one."""
        return self.posted_key or self._fresh_key
