"""The rule in the admin: inlines on the seminar and week pages; optional in a POST."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import Extension
from participation.models import Alternatives, SeminarRule, WeekRule
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(db) -> Client:
    client = Client()
    client.force_login(make_user("root@example.edu", is_staff=True, is_superuser=True))
    return client


def test_week_and_seminar_pages_show_the_participation_inlines(admin_client_, week):
    week_page = admin_client_.get(f"/admin/weeks/week/{week.pk}/change/").content.decode()
    assert "Participation rule for this week" in week_page
    assert "Extensions (a student" in week_page
    seminar_page = admin_client_.get(
        f"/admin/weeks/seminar/{week.seminar.pk}/change/"
    ).content.decode()
    assert "Participation rule" in seminar_page


def test_staff_set_a_weeks_rule_in_the_admin(admin_client_, week):
    page = admin_client_.get(f"/admin/weeks/week/{week.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not hasattr(v, "pk")}
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for index, sub in enumerate(fs.forms):
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is not None:
                    data[f"{fs.prefix}-{index}-{name}"] = getattr(value, "pk", value)
    data["seminar"] = week.seminar.pk
    data["deadline_0"] = week.deadline.astimezone(week.seminar.tz).strftime("%Y-%m-%d")
    data["deadline_1"] = week.deadline.astimezone(week.seminar.tz).strftime("%H:%M:%S")
    data["participation_rule-TOTAL_FORMS"] = "1"
    data["participation_rule-0-alternatives"] = Alternatives.REPLIES
    response = admin_client_.post(f"/admin/weeks/week/{week.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert WeekRule.objects.get(week=week).alternatives == Alternatives.REPLIES
    assert not Extension.objects.exists() and not SeminarRule.objects.exists()
