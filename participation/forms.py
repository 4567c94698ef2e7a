from __future__ import annotations

from django import forms

from participation.models import State

LOCAL = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=LOCAL)


class OverrideForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("", "Clear the override (use the computed status)"), *State.choices],
        required=False,
        label="Status",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Note (why; kept with your name and the time)",
    )


class ExtensionForm(forms.Form):
    """Typed in the seminar's time zone (the view activates it)."""

    deadline = forms.DateTimeField(
        widget=LocalDateTimeInput(), input_formats=[LOCAL, "%Y-%m-%d %H:%M"]
    )
    cutoff = forms.DateTimeField(
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL, "%Y-%m-%d %H:%M"],
        required=False,
        label="Cut-off (optional: late posts accepted until then)",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        deadline, cutoff = data.get("deadline"), data.get("cutoff")
        if deadline and cutoff and cutoff <= deadline:
            self.add_error("cutoff", "The cut-off must come after the student's deadline.")
        return data


class NextForm(forms.Form):
    """Where to go back to after an action (the view keeps it on this site)."""

    next = forms.CharField(required=False, max_length=2000)


class StudentActionForm(forms.Form):
    """Which form of a student's page was sent: each has its own (prefixed) fields."""

    action = forms.ChoiceField(
        choices=[
            ("override", "override"),
            ("extension", "extension"),
            ("remove_extension", "remove_extension"),
        ],
        error_messages={
            "required": "Unknown action: nothing was changed.",
            "invalid_choice": "Unknown action: nothing was changed.",
        },
    )
