"""The escalations reported against the admin, each tried by the staff of seminar A on
seminar B (and on themselves): passwords, privilege fields, foreign-key choices,
autocompletes, actions, inlines, the week import and the roster import."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.urls import reverse

from accounts.models import User
from core.models import Enrollment, Extension, Question, Reading, Week
from notifications.models import OutboxEmail
from teams.models import TeamMembership
from tests.conftest import PASSWORD
from tests.forms import admin_form_data
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions", "password")


def refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def b_only_rows(world: World) -> set[tuple[str, int]]:
    """(model label, pk) of every row that belongs to seminar B and not to A."""
    b = world.b
    rows = {(obj._meta.label, obj.pk) for obj in b.rows.values()}
    rows |= {("accounts.User", b.staff.pk), ("accounts.User", b.student.pk)}
    rows |= {("weeks.Question", pk) for pk in Question.objects.filter(section__week=b.week)
             .values_list("pk", flat=True)}  # fmt: skip
    rows |= {("weeks.Reading", pk) for pk in Reading.objects.filter(week=b.week)
             .values_list("pk", flat=True)}  # fmt: skip
    rows |= {("weeks.QuestionSection", pk) for pk in b.week.sections.values_list("pk", flat=True)}
    return rows


def offered_b_rows(form, b_rows: set[tuple[str, int]]) -> list[str]:
    """Form fields whose choices include one of seminar B's rows."""
    leaks = []
    # An inline row's hidden id: Django looks it up among the parent's rows only.
    own_pk = form._meta.model._meta.pk.name
    for name, field in form.fields.items():
        if name == own_pk or not isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
            continue
        label = field.queryset.model._meta.label
        offered = set(field.queryset.values_list("pk", flat=True))
        leaked = {pk for (other, pk) in b_rows if other == label} & offered
        if leaked:
            leaks.append(f"{name} offers {label} {sorted(leaked)}")
    return leaks


def all_forms(response):
    context = response.context
    yield context["adminform"].form
    for inline in context.get("inline_admin_formsets", []):
        yield from inline.formset.forms
        yield inline.formset.empty_form


# --- users: passwords and privileges --------------------------------------------------------


def test_staff_cannot_set_the_password_of_a_student_of_another_seminar(world, as_staff_of_a):
    victim = world.b.student
    address = reverse("admin:auth_user_password_change", args=[victim.pk])
    assert refused(as_staff_of_a.get(address))
    response = as_staff_of_a.post(
        address,
        {"password1": "taken-over-123!", "password2": "taken-over-123!", "usable_password": "true"},
    )
    assert refused(response)
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)
    assert not client_for_login(victim.email, "taken-over-123!")


def client_for_login(email: str, password: str) -> bool:
    from django.test import Client

    return Client().login(email=email, password=password)


@pytest.mark.parametrize("whose", ["own_student", "themselves"])
def test_staff_cannot_set_any_password_in_the_admin_not_even_their_students_or_their_own(
    world, as_staff_of_a, whose
):
    user = world.a.student if whose == "own_student" else world.a.staff
    address = reverse("admin:auth_user_password_change", args=[user.pk])
    assert refused(as_staff_of_a.get(address))
    as_staff_of_a.post(address, {"password1": "new-pass-123!", "password2": "new-pass-123!"})
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("whose", ["own_student", "themselves"])
def test_staff_never_see_privilege_fields_or_the_password_link_on_a_user_page(
    world, as_staff_of_a, whose
):
    user = world.a.student if whose == "own_student" else world.a.staff
    response = as_staff_of_a.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert not set(PRIVILEGE_FIELDS) & set(form.fields)
    page = response.content.decode()
    for name in PRIVILEGE_FIELDS:
        assert f'name="{name}"' not in page
    assert "password/" not in page and "Superuser status" not in page


def test_staff_cannot_make_themselves_superuser_by_posting_the_fields(world, as_staff_of_a):
    me = world.a.staff
    address = reverse("admin:accounts_user_change", args=[me.pk])
    data = admin_form_data(as_staff_of_a, address)
    everything = Permission.objects.values_list("pk", flat=True)
    data.update(
        {
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [str(Group.objects.create(name="Root-ish").pk)],
            "user_permissions": [str(pk) for pk in everything],
            "display_name": "Still me",
        }
    )
    as_staff_of_a.post(address, data)
    me.refresh_from_db()
    assert not me.is_superuser
    assert not me.user_permissions.exists()
    assert list(me.groups.values_list("name", flat=True)) == ["Seminar staff"]


def test_staff_cannot_change_a_students_email_to_take_over_the_account(world, as_staff_of_a):
    """Changing the address and asking for a reset would be a password change by another
    road: the address is read-only to staff."""
    student = world.a.student
    address = reverse("admin:accounts_user_change", args=[student.pk])
    data = admin_form_data(as_staff_of_a, address)
    data.update({"email": "staff-a-owns-this@example.edu", "first_name": "Renamed"})
    as_staff_of_a.post(address, data)
    student.refresh_from_db()
    assert student.email == "student-a@example.edu"
    assert student.first_name == "Renamed"  # names are theirs to correct


def test_staff_see_only_users_enrolled_in_their_seminars(world, as_staff_of_a):
    response = as_staff_of_a.get(reverse("admin:accounts_user_changelist"))
    shown = {user.pk for user in response.context["cl"].queryset}
    enrolled_in_a = set(
        Enrollment.objects.filter(seminar=world.a.seminar).values_list("user_id", flat=True)
    )
    assert shown == enrolled_in_a
    assert world.root.pk not in shown
    page = response.content.decode()
    assert "Superuser status" not in page and "is_staff" not in page


def test_staff_add_people_through_the_roster_not_the_user_admin(world, as_staff_of_a):
    """A new account belongs to no seminar yet, so it is not staff's to create: the
    roster import invites people into a seminar."""
    assert as_staff_of_a.get(reverse("admin:accounts_user_add")).status_code == 403
    roster_import = as_staff_of_a.get(reverse("admin:accounts_roster_import_choose"))
    assert roster_import["Location"] == reverse(
        "admin:accounts_roster_import", args=[world.a.seminar.pk]
    )
    other = reverse("admin:accounts_roster_import", args=[world.b.seminar.pk])
    assert as_staff_of_a.get(other).status_code == 403


def test_a_user_enrolled_in_both_seminars_is_visible_but_keeps_their_privileges(
    world, as_staff_of_a
):
    shared = world.b.staff
    Enrollment.objects.create(user=shared, seminar=world.a.seminar, role="student")
    address = reverse("admin:accounts_user_change", args=[shared.pk])
    data = admin_form_data(as_staff_of_a, address)
    data["is_staff"] = ""
    as_staff_of_a.post(address, data)
    shared.refresh_from_db()
    assert shared.is_staff
    assert refused(as_staff_of_a.post(reverse("admin:accounts_user_delete", args=[shared.pk]),
                                      {"post": "yes"}))  # fmt: skip
    assert User.objects.filter(pk=shared.pk).exists()


# --- choices: foreign keys and autocompletes ----------------------------------------------


def scoped_models() -> list[type[models.Model]]:
    return sorted(
        (m for m in admin.site._registry if m._meta.app_label not in GLOBAL_APPS),
        key=lambda m: m._meta.label,
    )


GLOBAL_APPS = {"auth", "sites", "account", "socialaccount"}


@pytest.mark.parametrize("label", [m._meta.label for m in scoped_models()])
def test_add_and_change_forms_offer_only_the_staffs_seminars_rows(world, as_staff_of_a, label):
    model = apps.get_model(label)
    b_rows = b_only_rows(world)
    pages = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"),
        reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[world.a.rows[label].pk],
        ),
    ]
    for address in pages:
        response = as_staff_of_a.get(address)
        if response.status_code == 403:  # no additions here, for anyone or for staff
            continue
        assert response.status_code == 200, address
        for form in all_forms(response):
            assert offered_b_rows(form, b_rows) == [], address


def autocomplete_sources() -> list[tuple[str, str, str]]:
    """Every relation whose target the admin could autocomplete (registered, searchable)."""
    sources = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete) or field.auto_created:
                continue
            remote = field.remote_field.model
            model_admin = admin.site._registry.get(remote)
            if model_admin is not None and model_admin.search_fields:
                sources.append((model._meta.app_label, model._meta.model_name, field.name))
    return sorted(set(sources))


@pytest.mark.parametrize(("app_label", "model_name", "field_name"), autocomplete_sources())
def test_autocompletes_suggest_only_the_staffs_seminars_rows(
    world, as_staff_of_a, app_label, model_name, field_name
):
    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    remote = field.remote_field.model._meta.label
    response = as_staff_of_a.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    if response.status_code == 403:
        return
    assert response.status_code == 200
    offered = {int(r["id"]) for r in response.json()["results"]}
    leaked = {pk for (label, pk) in b_only_rows(world) if label == remote} & offered
    assert leaked == set()


def test_user_autocomplete_of_a_team_row_names_only_students_of_the_staffs_seminars(
    world, as_staff_of_a
):
    response = as_staff_of_a.get(
        reverse("admin:autocomplete"),
        {"term": "student", "app_label": "weeks", "model_name": "weekduty", "field_name": "user"},
    )
    assert {int(r["id"]) for r in response.json()["results"]} == {world.a.student.pk}


# --- posting rows of another seminar through one's own pages --------------------------------


def test_a_week_cannot_be_added_to_or_moved_into_another_seminar(world, as_staff_of_a):
    week = world.a.week
    address = reverse("admin:weeks_week_change", args=[week.pk])
    data = admin_form_data(as_staff_of_a, address)
    data["seminar"] = str(world.b.seminar.pk)
    response = as_staff_of_a.post(address, data)
    assert response.status_code == 200
    assert "seminar" in response.context["adminform"].form.errors
    week.refresh_from_db()
    assert week.seminar_id == world.a.seminar.pk


def test_a_week_file_cannot_be_imported_into_another_seminar(world, as_staff_of_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = '+++\ntitle = "Smuggled"\nslug = "smuggled"\ndate = "03 Sep 2023"\n+++\n'
    response = as_staff_of_a.post(
        reverse("admin:weeks_week_import"),
        {
            "seminar": str(world.b.seminar.pk),
            "file": SimpleUploadedFile("w.md", text.encode(), "text/markdown"),
        },
    )
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "seminar" in response.context["form"].errors
        choices = response.context["form"].fields["seminar"].queryset
        assert list(choices) == [world.a.seminar]
    assert not Week.objects.filter(slug="smuggled").exists()


def test_a_student_of_another_seminar_cannot_be_enrolled_through_the_seminar_page(
    world, as_staff_of_a
):
    seminar = world.a.seminar
    address = reverse("admin:weeks_seminar_change", args=[seminar.pk])
    data = admin_form_data(as_staff_of_a, address)
    total = int(data["enrollments-TOTAL_FORMS"])
    data["enrollments-TOTAL_FORMS"] = str(total + 1)
    data[f"enrollments-{total}-user"] = str(world.b.student.pk)
    data[f"enrollments-{total}-role"] = "staff"
    data[f"enrollments-{total}-seminar"] = str(seminar.pk)
    as_staff_of_a.post(address, data)
    assert not Enrollment.objects.filter(user=world.b.student, seminar=seminar).exists()


def test_an_extension_or_team_seat_cannot_go_to_a_student_of_another_seminar(world, as_staff_of_a):
    week_page = reverse("admin:weeks_week_change", args=[world.a.week.pk])
    data = admin_form_data(as_staff_of_a, week_page)
    total = int(data["extensions-TOTAL_FORMS"])
    data["extensions-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"extensions-{total}-user": str(world.b.student.pk),
            f"extensions-{total}-deadline_0": "2031-01-01",
            f"extensions-{total}-deadline_1": "12:00:00",
        }
    )
    as_staff_of_a.post(week_page, data)
    assert not Extension.objects.filter(week=world.a.week, user=world.b.student).exists()

    team = world.a.rows["teams.Team"]
    team_page = reverse("admin:teams_team_change", args=[team.pk])
    data = admin_form_data(as_staff_of_a, team_page)
    total = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(total + 1)
    data[f"memberships-{total}-user"] = str(world.b.student.pk)
    as_staff_of_a.post(team_page, data)
    assert not TeamMembership.objects.filter(team=team, user=world.b.student).exists()


# --- actions --------------------------------------------------------------------------------


def action_cases() -> list[tuple[str, str]]:
    cases = []
    for model, model_admin in admin.site._registry.items():
        for _func, name, _description in model_admin._get_base_actions():
            cases.append((model._meta.label, name))
    return sorted(cases)


@pytest.mark.parametrize(("label", "action"), action_cases())
def test_actions_of_staff_never_touch_another_seminars_rows(world, as_staff_of_a, label, action):
    model = apps.get_model(label)
    row = world.b.rows[label]
    before = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
    counts = {m._meta.label: m._default_manager.count() for m in admin.site._registry}
    outbox = OutboxEmail.objects.count()
    response = as_staff_of_a.post(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        {"action": action, "_selected_action": [row.pk], "post": "yes"},
    )
    assert "Content-Disposition" not in response, "exported another seminar"
    again = model._default_manager.filter(pk=row.pk).first()
    assert again is not None
    assert {f.attname: getattr(again, f.attname) for f in model._meta.concrete_fields} == before
    assert {m._meta.label: m._default_manager.count() for m in admin.site._registry} == counts
    assert OutboxEmail.objects.count() == outbox


def test_staff_run_actions_on_their_own_seminars_rows(world, as_staff_of_a):
    draft = world.a.week
    Week.objects.filter(pk=draft.pk).update(status=Week.Status.DRAFT)
    as_staff_of_a.post(
        reverse("admin:weeks_week_changelist"),
        {"action": "publish_action", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Week.Status.PUBLISHED
    export = as_staff_of_a.post(
        reverse("admin:weeks_seminar_changelist"),
        {"action": "export_archive_action", "_selected_action": [world.a.seminar.pk]},
    )
    assert export["Content-Type"] == "application/zip"


# --- the index --------------------------------------------------------------------------------


def test_the_admin_index_shows_staff_no_global_models(world, as_staff_of_a):
    response = as_staff_of_a.get(reverse("admin:index"))
    shown = {
        f"{app['app_label']}.{model['object_name']}"
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert "weeks.Week" in shown and "accounts.User" in shown
    assert not shown & {
        "auth.Group",
        "sites.Site",
        "account.EmailAddress",
        "socialaccount.SocialApp",
        "socialaccount.SocialAccount",
        "socialaccount.SocialToken",
        "notifications.OutboxEmail",
    }
