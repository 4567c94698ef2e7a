"""The moderation log page: a week's for its leads and staff, the seminar's for staff;
names instead of ids, reasons, links, filters, the CSV of the same rows, constant
queries, and readable rows in the admin."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Seminar
from discussions import moderation
from tests.conftest import enroll, make_user, make_week
from tests.discussions.helpers import add_comment, client_for, first_question

pytestmark = pytest.mark.django_db


def week_log(week, suffix: str = "log/") -> str:
    return f"{week.get_absolute_url()}moderation/{suffix}"


def seminar_log(seminar, suffix: str = "log/") -> str:
    return f"/s/{seminar.slug}/moderation/{suffix}"


@pytest.fixture
def logged(seminar, week, lead, staff, student, other_week_lead):
    """Week 1: the lead hides Sam's answer (with a reason) and pins it, staff lock the
    whole week; week 2: its lead pins a comment there."""
    answer = add_comment(
        week, student, "My answer about reward hacking", question=first_question(week)
    )
    moderation.hide(answer, actor=lead, reason="Off topic, please rewrite")
    moderation.pin(answer, actor=lead)
    moderation.lock_week(week, actor=staff, reason="Exam week")
    week2 = seminar.weeks.get(number=2)
    other = add_comment(week2, student, "A week-two thought")
    moderation.pin(other, actor=other_week_lead)
    return {"answer": answer, "week2": week2, "other": other}


def test_lead_reads_their_weeks_log_with_names_reasons_and_links(week, lead, student, logged):
    response = client_for(lead).get(week_log(week))
    page = response.content.decode()
    assert response.status_code == 200
    assert "lead" in page and "Sam Student&#x27;s answer to question 1" in page
    assert "Off topic, please rewrite" in page
    assert f'href="{week.get_absolute_url()}#c{logged["answer"].pk}"' in page
    assert "the whole week" in page and "Exam week" in page and "[whole week]" not in page
    assert "A week-two thought" not in page  # another week's row
    assert "My answer about reward hacking" in page  # the comment's first words


def test_staff_read_every_week_and_filter_by_week_action_and_moderator(
    seminar, week, staff, lead, logged
):
    client = client_for(staff)
    page = client.get(seminar_log(seminar)).content.decode()
    assert page.count('class="mod-log-entry"') == 4
    page = client.get(seminar_log(seminar), {"week": "week2"}).content.decode()
    assert page.count('class="mod-log-entry"') == 1 and "A week-two thought" in page
    page = client.get(seminar_log(seminar), {"action": "pin"}).content.decode()
    assert page.count('class="mod-log-entry"') == 2
    page = client.get(seminar_log(seminar), {"moderator": lead.pk}).content.decode()
    assert page.count('class="mod-log-entry"') == 2


def test_a_filter_value_that_is_no_choice_is_refused_next_to_its_field(seminar, staff, logged):
    response = client_for(staff).get(seminar_log(seminar), {"action": "explode", "week": "week1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert page.count('class="mod-log-entry"') == 3  # the week filter still applies


def test_csv_has_the_same_filtered_rows_with_names_and_full_links(
    seminar, week, staff, lead, logged
):
    response = client_for(staff).get(seminar_log(seminar, "log.csv"), {"week": "week1"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["time", "week", "moderator", "moderator email", "action"]
    assert len(rows) == 4
    hide = next(r for r in rows if r[4] == "Hide")
    assert hide[2] == "lead" and hide[3] == lead.email and hide[7] == "Off topic, please rewrite"
    assert hide[8] == f"http://testserver{week.get_absolute_url()}#c{logged['answer'].pk}"
    lead_rows = client_for(lead).get(week_log(week, "log.csv")).content.decode()
    assert len(list(csv.reader(io.StringIO(lead_rows)))) == 4


def test_a_deleted_comment_is_named_but_its_text_is_not_shown(week, lead, logged):
    answer = logged["answer"]
    answer.deleted_at = timezone.now()
    answer.save()
    page = client_for(lead).get(week_log(week)).content.decode()
    assert "(deleted by its author)" in page and "reward hacking" not in page


@pytest.mark.parametrize("suffix", ["log/", "log.csv"])
def test_week_log_is_for_its_leads_and_staff_only(
    seminar, week, suffix, staff, lead, other_week_lead, student, blogger, auditor, outsider
):
    other = Seminar.objects.create(title="Other", slug="other")
    elsewhere = enroll(make_user("elsewhere@example.edu", is_staff=True), other, "staff")
    expected = {
        staff: 200,
        lead: 200,
        other_week_lead: 403,
        student: 403,
        blogger: 403,
        auditor: 403,
        outsider: 404,
        elsewhere: 404,
    }
    for user, status in expected.items():
        assert client_for(user).get(week_log(week, suffix)).status_code == status, user.email
    assert client_for(None).get(week_log(week, suffix)).status_code == 302
    assert client_for(staff).post(week_log(week, suffix)).status_code == 405


@pytest.mark.parametrize("suffix", ["log/", "log.csv"])
def test_seminar_log_is_for_staff_only(seminar, week, suffix, staff, lead, student, outsider):
    other = Seminar.objects.create(title="Other", slug="other")
    elsewhere = enroll(make_user("elsewhere@example.edu", is_staff=True), other, "staff")
    expected = {staff: 200, lead: 403, student: 403, outsider: 404, elsewhere: 404}
    for user, status in expected.items():
        assert client_for(user).get(seminar_log(seminar, suffix)).status_code == status
    assert client_for(staff).post(seminar_log(seminar, suffix)).status_code == 405


def test_a_week_of_another_seminar_does_not_show_in_the_log(seminar, week, staff, logged):
    other = Seminar.objects.create(title="Other", slug="other")
    foreign = make_week(other)
    foreign_staff = enroll(make_user("elsewhere@example.edu"), other, "staff")
    moderation.lock_week(foreign, actor=foreign_staff, reason="Their own reason")
    page = client_for(staff).get(seminar_log(seminar)).content.decode()
    assert "Their own reason" not in page


@pytest.mark.parametrize("count", [5, 60])
def test_log_queries_do_not_grow_with_its_rows(
    seminar, week, staff, lead, student, count, django_assert_max_num_queries
):
    question = first_question(week)
    for n in range(count):
        comment = add_comment(week, student, f"answer {n}", question=question)
        moderation.hide(comment, actor=lead if n % 2 else staff, reason=f"reason {n}")
    client = client_for(staff)
    for url in (seminar_log(seminar), week_log(week), seminar_log(seminar, "log.csv")):
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_admin_rows_show_names_and_words_not_ids(client, week, staff, lead, logged):
    page = client_for(staff).get(reverse("admin:discussions_moderationaction_changelist"))
    text = page.content.decode()
    assert "Sam Student&#x27;s answer to question 1" in text
    assert "My answer about reward hacking" in text
    assert f"Comment {logged['answer'].pk} by" not in text


def test_moderators_find_the_log_from_the_week_page_and_staff_from_the_seminar_home(
    seminar, week, staff, lead, student
):
    assert "moderation/log/" in client_for(lead).get(week.get_absolute_url()).content.decode()
    assert (
        "moderation/log/" not in client_for(student).get(week.get_absolute_url()).content.decode()
    )
    assert "/moderation/log/" in client_for(staff).get(f"/s/{seminar.slug}/").content.decode()
    assert "/moderation/log/" not in client_for(lead).get(f"/s/{seminar.slug}/").content.decode()
