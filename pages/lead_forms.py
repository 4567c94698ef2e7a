"""Forms of the lead team's editor (pages/lead_views.py): the week file with the button
pressed, and staff's review of it. Each says what is wrong in a sentence the editor page
shows beside the text, which comes back as typed."""

from __future__ import annotations

from typing import Any

from django import forms

NOTE_MAX = 5000
UNKNOWN_ACTION = "Unknown action: use one of the page's buttons."
NOTE_REQUIRED = "Write the comment or the changes you want the lead team to make."
REVIEW_ACTIONS = ("comment", "request_changes", "approve", "publish")


def lf(text: str) -> str:
    """Browsers send CRLF; the week file and the notes keep LF."""
    return text.replace("\r\n", "\n")


def form_messages(form: forms.Form) -> list[str]:
    """Every message on a bound form: those about the whole form, then each field's."""
    messages = [str(message) for message in form.non_field_errors()]
    for name in form.fields:
        messages.extend(str(message) for message in form.errors.get(name, ()))
    return messages


class WeekTextForm(forms.Form):
    """The week file and the button: Preview (also without one), Save, or Save and submit."""

    text = forms.CharField(required=False, strip=False)
    action = forms.ChoiceField(
        choices=[("preview", "Preview"), ("save", "Save draft"), ("submit", "Submit")],
        required=False,
        error_messages={"invalid_choice": UNKNOWN_ACTION},
    )

    def clean_text(self) -> str:
        return lf(self.cleaned_data["text"])

    def clean_action(self) -> str:
        return self.cleaned_data["action"] or "preview"

    @property
    def typed(self) -> str:
        """The text as typed (LF line ends), shown again after an error."""
        return lf(self["text"].value() or "")


class WeekReviewForm(forms.Form):
    """Staff's review step, with a note (required to comment or to request changes)."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in REVIEW_ACTIONS],
        error_messages={"required": UNKNOWN_ACTION, "invalid_choice": UNKNOWN_ACTION},
    )
    note = forms.CharField(required=False)
    # Where to go back to: the review queue, or (blank) the editor.
    next = forms.ChoiceField(choices=[("", "editor"), ("queue", "queue")], required=False)

    def clean_note(self) -> str:
        note = lf(self.cleaned_data["note"]).strip()
        if len(note) > NOTE_MAX:
            raise forms.ValidationError(f"Keep the note under {NOTE_MAX:,} characters.")
        return note

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        needs_note = data.get("action") in ("comment", "request_changes")
        if needs_note and not data.get("note") and "note" not in self.errors:
            self.add_error("note", NOTE_REQUIRED)
        return data

    @property
    def typed_note(self) -> str:
        return lf(self["note"].value() or "").strip()
