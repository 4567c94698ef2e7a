"""Forms of the staff team pages: shape only; the services check the cross-object rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from core.lib.csv_rows import decode_upload
from core.models import Seminar, Week, WeekDuty
from teams.models import Team
from teams.selectors import seminar_students


class TeamNameForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=100)


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} <{obj.email}>"


class TeamMemberForm(forms.Form):
    """Pick one student of the seminar (the service refuses those in another team)."""

    user = StudentChoiceField(label="Student", queryset=User.objects.none())

    def __init__(self, *args: Any, seminar: Seminar, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = seminar_students(seminar)  # type: ignore[attr-defined]


class CsvForm(forms.Form):
    """A CSV as an uploaded file or as pasted text; the file wins when both are given."""

    file = forms.FileField(label="CSV file", required=False)
    text = forms.CharField(
        label="Or paste the CSV",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload:
            data["text"] = decode_upload(upload.read())
        if not (data.get("text") or "").strip():
            raise ValidationError("Choose a CSV file or paste its rows.")
        return data


class PreviewDigestForm(forms.Form):
    """The fingerprint of the CSV text a preview showed, sent back with Apply: the text
    sits in an editable box, and only the previewed text may be applied."""

    digest = forms.CharField(required=False, max_length=64)


class TeamGenerateForm(forms.Form):
    count = forms.IntegerField(label="Number of teams", min_value=1, max_value=100)
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        help_text="The same seed with the same roster gives the same teams.",
    )
    replace = forms.BooleanField(
        label="Replace the current teams (every student is dealt again)", required=False
    )


class RotationForm(forms.Form):
    blog_offset = forms.IntegerField(
        label="Blogging team offset",
        initial=3,
        min_value=1,
        max_value=99,
        help_text="The blogging team is the lead team plus this many, counting round the teams.",
    )


class WeekSwapForm(forms.Form):
    team_kind = forms.ChoiceField(label="Duty", choices=WeekDuty.Team.choices)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none())

    def __init__(self, *args: Any, seminar: Seminar, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "swap_%s")  # unique ids beside the add form
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(seminar=seminar)  # type: ignore[attr-defined]


class WeekPersonAddForm(TeamMemberForm):
    team_kind = forms.ChoiceField(label="Duty", choices=WeekDuty.Team.choices)
    field_order = ("team_kind", "user")

    def __init__(self, *args: Any, seminar: Seminar, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "add_%s")  # unique ids beside the swap form
        super().__init__(*args, seminar=seminar, **kwargs)


class WeekPersonRemoveForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, week: Week, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(week_duties__week=week)  # type: ignore[attr-defined]
