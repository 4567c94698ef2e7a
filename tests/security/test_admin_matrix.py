"""Every page of every model in the admin, tried by four roles on seminar B's rows.

The pages (changelist, add, change, delete, history) come from `admin.site._registry`,
so a model registered later is tried too (and fails here until `conftest.build_seminar`
gives it a row). Expected:

- superuser: everything opens, B's row is listed;
- staff of B (the seminar's own staff): the same on seminar-scoped models; global models
  (sites, groups, allauth's, the outbox) are refused;
- staff of A (the staff of another seminar): B's row is never listed, its change, delete
  and history pages are refused (Django's "does not exist" redirect, 403 or 404), posting
  a change or a deletion to it changes nothing; global models are refused;
- a student of B (not admin staff): every page sends them to the admin's login.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.security.conftest import client_for

ROLES = ("superuser", "staff_of_b", "staff_of_a", "student_of_b")
# Rows that belong to no seminar (or, for the outbox, not to one seminar alone): the
# site's settings, groups and permissions, allauth's addresses and social logins.
GLOBAL = {
    "auth.Group",
    "sites.Site",
    "account.EmailAddress",
    "socialaccount.SocialApp",
    "socialaccount.SocialAccount",
    "socialaccount.SocialToken",
    "notifications.OutboxEmail",
}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
LABELS = [model._meta.label for model in REGISTERED]


def url(model, page: str, obj=None) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    return reverse(name, args=[obj.pk] if obj is not None else [])


def is_refused(response) -> bool:
    """Django's admin answers an object it does not show with a redirect to the index
    ("... doesn't exist. Perhaps it was deleted?"); a permission check with 403."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def listed(response, obj) -> bool:
    return obj.pk in {row.pk for row in response.context["cl"].queryset}


def test_every_registered_admin_is_scoped_by_seminar_or_for_superusers_only():
    from core.access.admin import SeminarScopedAdmin, SuperuserOnlyAdmin

    kinds = {
        model._meta.label: (
            "global"
            if isinstance(model_admin, SuperuserOnlyAdmin)
            else "seminar"
            if isinstance(model_admin, SeminarScopedAdmin)
            else "unscoped"
        )
        for model, model_admin in admin.site._registry.items()
    }
    assert kinds == {label: "global" if label in GLOBAL else "seminar" for label in LABELS}


def test_every_registered_admin_has_a_row_of_seminar_b_to_try(world):
    missing = sorted(set(LABELS) - set(world.b.rows))
    assert missing == [], "add a row of these models to tests/security/conftest.py"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", LABELS)
def test_admin_pages_of_seminar_b_rows_by_role(world, label, role):
    model = next(m for m in REGISTERED if m._meta.label == label)
    obj = world.b.rows[label]
    client = client_for(world.user(role))
    pages = {
        "changelist": url(model, "changelist"),
        "add": url(model, "add"),
        "change": url(model, "change", obj),
        "delete": url(model, "delete", obj),
        "history": url(model, "history", obj),
    }
    responses = {page: client.get(address) for page, address in pages.items()}
    global_model = label in GLOBAL

    if role == "student_of_b":
        for page, response in responses.items():
            assert is_sent_to_login(response), (page, response.status_code)
        return

    owner = role == "superuser" or (role == "staff_of_b" and not global_model)
    if owner:
        assert responses["changelist"].status_code == 200
        assert listed(responses["changelist"], obj)
        assert responses["change"].status_code == 200
        assert responses["history"].status_code == 200
        # Some admins take no additions or deletions at all (comments are posted on the
        # site, the moderation log is append-only): refused then, for everyone.
        assert responses["add"].status_code in (200, 403)
        assert responses["delete"].status_code in (200, 403)
        return

    # Staff of another seminar, or seminar staff on a global model.
    changelist = responses["changelist"]
    if global_model:
        assert changelist.status_code == 403
        assert responses["add"].status_code == 403
    else:
        assert changelist.status_code == 200
        assert not listed(changelist, obj)
        page = changelist.content.decode()
        # Not in a row, nor in a filter's choices.
        assert "Beta Seminar" not in page and world.b.student.email not in page
        assert responses["add"].status_code in (200, 403)
    for page in ("change", "delete", "history"):
        assert is_refused(responses[page]), (page, responses[page].status_code)

    # Posting to B's row changes nothing: no deletion, no change.
    before = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
    assert is_refused(client.post(pages["delete"], {"post": "yes"}))
    assert is_refused(client.post(pages["change"], {}))
    again = model._default_manager.filter(pk=obj.pk).first()
    assert again is not None, "deleted by someone who may not see it"
    after = {f.attname: getattr(again, f.attname) for f in model._meta.concrete_fields}
    assert after == before


@pytest.mark.parametrize("label", sorted(set(LABELS) - GLOBAL))
def test_staff_see_their_own_seminars_rows_in_each_changelist(world, label):
    """The other side of the matrix: A's staff see A's row where B's is hidden from them."""
    model = next(m for m in REGISTERED if m._meta.label == label)
    client = client_for(world.a.staff)
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert listed(response, world.a.rows[label])
    assert not listed(response, world.b.rows[label])
    assert client.get(url(model, "change", world.a.rows[label])).status_code == 200
