"""The admin page that uploads a week file and imports it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from core.models import Question, Reading, Seminar, Week
from tests.conftest import make_user, make_week

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:weeks_week_import")

WEEK_FILE = """+++
date = "03 Sep 2023"
draft = false
title = "Week 2: Alignment"
slug = "week2"
+++

# Readings

1. [What is the alignment problem?](https://aligned.substack.com/p/what-is-alignment) - Jan Leike
2. [The Alignment Problem from a Deep Learning Perspective](https://arxiv.org/abs/2209.00626)
   Richard Ngo, Lawrence Chan, and Sören Mindermann (2022).

# Discussion Questions

Before 5:29pm on Sunday, September 3, everyone should post an answer to at least one
question in each section.

----

Questions about `The Alignment Problem from a Deep Learning Perspective`

1. What is reward hacking?
2. Should we worry about power-seeking now?
"""


@pytest.fixture
def boss(db) -> User:
    return make_user("boss@example.edu", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, boss):
    client.force_login(boss)
    return client


def upload(text: str | bytes, name: str = "week2.md") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/markdown")


def post(client, seminar: Seminar, text: str | bytes, *, replace: bool = False, follow=False):
    data = {"seminar": seminar.pk, "file": upload(text)}
    if replace:
        data["replace"] = "on"
    return client.post(IMPORT_URL, data, follow=follow)


def test_import_page_has_the_form_and_preselects_the_seminar(admin_client, seminar):
    response = admin_client.get(IMPORT_URL, {"seminar": seminar.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {"seminar", "file", "replace"}
    assert str(form["seminar"].value()) == str(seminar.pk)
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_week_list_and_seminar_page_link_to_the_import_page(admin_client, seminar):
    changelist = admin_client.get(reverse("admin:weeks_week_changelist"))
    assert IMPORT_URL in changelist.content.decode()
    assert "Import week file" in changelist.content.decode()
    change = admin_client.get(reverse("admin:weeks_seminar_change", args=[seminar.pk]))
    assert f"{IMPORT_URL}?seminar={seminar.pk}" in change.content.decode()


def test_importing_a_file_creates_a_draft_week_and_shows_the_report(admin_client, seminar):
    response = post(admin_client, seminar, WEEK_FILE)
    week = Week.objects.get(seminar=seminar, slug="week2")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:weeks_week_change", args=[week.pk])
    assert week.status == Week.Status.DRAFT
    assert week.title == "Week 2: Alignment"
    assert week.readings.count() == 2
    assert Question.objects.filter(section__week=week).count() == 2
    assert week.deadline == dt.datetime(
        2023, 9, 3, 17, 29, tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "week2.md" in message
    assert "2 required readings" in message
    assert "<br>" in message  # the report's lines are kept


def test_report_is_shown_on_the_week_page(admin_client, seminar):
    response = post(admin_client, seminar, WEEK_FILE, follow=True)
    assert response.status_code == 200
    assert "2 required readings" in response.content.decode()


def test_a_bad_file_keeps_the_form_with_the_error_and_writes_nothing(admin_client, seminar):
    response = post(admin_client, seminar, "no front matter here\n# Readings\n")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"]
    assert "week2.md" in form.errors["file"][0]
    assert str(form["seminar"].value()) == str(seminar.pk)  # the choice is kept
    assert not Week.objects.exists()
    assert not Reading.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_clearly(admin_client, seminar):
    response = post(admin_client, seminar, "titre = 'Été'".encode("latin-1"))
    assert response.status_code == 200
    assert "not UTF-8 text" in response.context["form"].errors["file"][0]
    assert not Week.objects.exists()


def test_an_existing_slug_is_refused_unless_replace_is_ticked(admin_client, seminar):
    existing = make_week(seminar, 2)
    Week.objects.filter(pk=existing.pk).update(slug="week2", title="Old title")

    response = post(admin_client, seminar, WEEK_FILE)
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["replace"][0]
    assert Week.objects.get(pk=existing.pk).title == "Old title"

    response = post(admin_client, seminar, WEEK_FILE, replace=True)
    assert response.status_code == 302
    replaced = Week.objects.get(pk=existing.pk)
    assert replaced.title == "Week 2: Alignment"
    # Re-importing a live week does not take it away from students.
    assert replaced.status == Week.Status.PUBLISHED


def test_the_same_file_goes_into_another_seminar(admin_client, seminar):
    other = Seminar.objects.create(title="Other", slug="other", timezone="Europe/Berlin")
    assert post(admin_client, seminar, WEEK_FILE).status_code == 302
    assert post(admin_client, other, WEEK_FILE).status_code == 302
    week = Week.objects.get(seminar=other)
    assert week.deadline == dt.datetime(
        2023, 9, 3, 17, 29, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )


def test_missing_seminar_or_file_are_form_errors(admin_client, seminar):
    response = admin_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"seminar", "file"}


def test_import_page_is_for_staff_only(client, student, seminar):
    client.force_login(student)
    response = post(client, seminar, WEEK_FILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Week.objects.exists()


def test_admin_staff_who_are_staff_of_no_seminar_cannot_open_the_import(client, seminar):
    """Django permissions to add weeks do not make one staff of a seminar."""
    from django.contrib.auth.models import Permission

    helper = make_user("helper@example.edu", is_staff=True)
    helper.user_permissions.set(Permission.objects.filter(content_type__app_label="weeks"))
    client.force_login(helper)
    assert post(client, seminar, WEEK_FILE).status_code == 403
    assert not Week.objects.exists()


def test_seminar_staff_import_into_their_seminar_without_any_django_permission(
    client, staff, seminar
):
    """Rights in the admin come from the seminar role (staff of the seminar)."""
    assert not staff.user_permissions.exists() and not staff.groups.exists()
    client.force_login(staff)
    assert post(client, seminar, WEEK_FILE).status_code == 302
    assert Week.objects.filter(seminar=seminar, slug="week2").exists()


def test_staff_of_another_seminar_cannot_import_into_this_one(client, seminar):
    from tests.conftest import enroll

    other = Seminar.objects.create(title="Other", slug="other")
    teacher = enroll(make_user("teacher@example.edu", is_staff=True), other, "staff")
    client.force_login(teacher)
    response = post(client, seminar, WEEK_FILE)
    assert response.status_code == 200
    assert "seminar" in response.context["form"].errors
    assert list(response.context["form"].fields["seminar"].queryset) == [other]
    assert not Week.objects.exists()
