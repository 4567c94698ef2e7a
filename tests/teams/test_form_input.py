"""Applying a previewed CSV reads the preview's fingerprint through a form: a missing or
malformed one never applies the text, it shows the preview again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Team


def url(name: str, seminar) -> str:
    return reverse(f"teams:{name}", kwargs={"seminar_slug": seminar.slug})


@pytest.mark.parametrize("digest", [None, "", "f" * 65], ids=["missing", "blank", "oversized"])
def test_applying_without_the_previews_fingerprint_previews_again(
    client, staff, seminar, students, digest
):
    (a,) = students(1)
    client.force_login(staff)
    data = {"text": f"Red,{a.email}\n"}
    if digest is not None:
        data["digest"] = digest
    response = client.post(url("import_apply", seminar), data)
    assert response.status_code == 200
    assert "The CSV changed since the preview" in response.content.decode()
    assert not Team.objects.exists()
