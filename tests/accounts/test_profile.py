"""The profile page: name, pronouns and email preferences; the calendar address and its
reset; the header link; switching between seminars with different roles."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import Enrollment, Seminar
from tests.conftest import PASSWORD, enroll, make_user, make_week

PROFILE = "/profile/"


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_profile_shows_name_pronouns_email_and_calendar_address(student):
    student.pronouns = "they/them"
    student.save()

    response = client_for(student).get(PROFILE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sam Student" in page
    assert "(they/them)" in page
    assert "student@example.edu" in page
    assert f"http://testserver/calendar/{student.calendar_token}.ics" in page
    assert "LLM Risks" in page  # the seminar, with the role
    assert "Student" in page


def test_header_links_to_the_profile(student, seminar):
    page = client_for(student).get(seminar.get_absolute_url()).content.decode()

    assert f'href="{PROFILE}"' in page


def test_saving_name_pronouns_and_email_preferences(student):
    response = client_for(student).post(
        PROFILE,
        {
            "display_name": "  Sam   S. ",
            "pronouns": "she/her",
            "email_reply_notices": User.ReplyNotices.DAILY,
            "email_announcements": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    student.refresh_from_db()
    assert student.display_name == "Sam S."
    assert student.pronouns == "she/her"
    assert student.email_reply_notices == User.ReplyNotices.DAILY
    assert student.email_reminders is False
    assert student.email_announcements is True


def test_bad_input_is_refused_with_a_message_and_the_typed_text_kept(student):
    response = client_for(student).post(
        PROFILE,
        {"display_name": "Sam", "pronouns": "x" * 41, "email_reply_notices": "hourly"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value has at most 40 characters" in page
    assert "Select a valid choice" in page
    assert "x" * 41 in page
    student.refresh_from_db()
    assert student.pronouns == ""


def test_a_refused_name_does_not_show_in_the_header(student):
    response = client_for(student).post(
        PROFILE, {"display_name": "Z" * 151, "email_reply_notices": "off"}
    )

    assert response.status_code == 400
    header = response.content.decode().split("</header>")[0]
    assert "Sam Student" in header
    assert "Z" * 151 not in header


def test_admin_shows_the_profile_fields(student):
    admin = User.objects.create_superuser(email="admin@example.edu", password=PASSWORD)
    client = Client()
    client.force_login(admin)

    page = client.get(f"/admin/accounts/user/{student.pk}/change/").content.decode()

    for field in ("pronouns", "email_reply_notices", "email_reminders", "email_announcements"):
        assert f'name="{field}"' in page


def test_profile_needs_login(db):
    response = Client().get(PROFILE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("method", "url"),
    [("put", PROFILE), ("get", "/profile/calendar/reset/"), ("post", "/profile/export/")],
)
def test_profile_views_refuse_the_wrong_method(student, method, url):
    assert getattr(client_for(student), method)(url).status_code == 405


def test_calendar_reset_gives_a_new_address_and_revokes_the_old(student, week):
    client = client_for(student)
    old_token = student.calendar_token

    response = client.post("/profile/calendar/reset/", follow=True)

    student.refresh_from_db()
    assert student.calendar_token != old_token
    assert "no longer works" in response.content.decode()
    assert f"/calendar/{student.calendar_token}.ics" in response.content.decode()
    assert Client().get(f"/calendar/{old_token}.ics").status_code == 404
    assert Client().get(f"/calendar/{student.calendar_token}.ics").status_code == 200


def test_calendar_reset_needs_login(student):
    token = student.calendar_token

    response = Client().post("/profile/calendar/reset/")

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.calendar_token == token


def test_profile_page_query_count_does_not_grow_with_seminars(
    student, django_assert_max_num_queries
):
    client = client_for(student)
    for number in range(8):
        enroll(student, Seminar.objects.create(title=f"S{number}", slug=f"s{number}"))

    with django_assert_max_num_queries(6):
        assert client.get(PROFILE).status_code == 200


# --- Switching between seminars with different roles ----------------------------------


@pytest.fixture
def two_hats(seminar):
    """A student of `seminar` who is also staff of another seminar."""
    user = enroll(make_user("twohats@example.edu", display_name="Tess"), seminar)
    other = Seminar.objects.create(title="Robustness", slug="robustness", term="Spring 2024")
    enroll(user, other, Enrollment.Role.STAFF)
    make_week(seminar)
    make_week(other, number=1)
    return user, other


def test_switcher_lists_both_seminars_with_the_role_in_each(two_hats, seminar):
    user, other = two_hats

    page = client_for(user).get(PROFILE).content.decode()

    assert "Your seminars" in page
    assert f'href="{seminar.get_absolute_url()}"' in page
    assert f'href="{other.get_absolute_url()}"' in page
    assert "Staff (instructor or TA)" in page


def test_switcher_marks_the_current_seminar(two_hats, seminar):
    user, other = two_hats

    page = client_for(user).get(other.get_absolute_url()).content.decode()

    assert f'<a href="{other.get_absolute_url()}" aria-current="page">' in page
    assert f'<a href="{seminar.get_absolute_url()}" aria-current' not in page


def test_each_seminar_shows_the_view_of_the_users_role_there(two_hats, seminar):
    user, other = two_hats
    client = client_for(user)
    manage = "/s/{}/teams/manage/"

    # Staff where staff: the team pages and the draft week are there.
    assert client.get(manage.format(other.slug)).status_code == 200
    draft = make_week(other, number=2, status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 200
    # A student where a student: no staff pages, no drafts.
    assert client.get(manage.format(seminar.slug)).status_code == 403
    hidden = make_week(seminar, number=2, status="draft")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(seminar.get_absolute_url()).status_code == 200


def test_an_auditor_in_a_third_seminar_reads_but_may_not_post(two_hats, seminar):
    user, _ = two_hats
    audited = Seminar.objects.create(title="Interpretability", slug="interp")
    enroll(user, audited, Enrollment.Role.AUDITOR)
    week = make_week(audited)
    question = week.sections.first().questions.first()
    client = client_for(user)

    page = client.get(PROFILE).content.decode()
    assert "Auditor" in page
    assert client.get(week.get_absolute_url()).status_code == 200
    response = client.post(f"{week.get_absolute_url()}q/{question.pk}/answer/", {"body": "Hi"})
    assert response.status_code == 403
    # ...while in the seminar where they are a student, they may.
    own = seminar.weeks.first()
    own_question = own.sections.first().questions.first()
    response = client.post(f"{own.get_absolute_url()}q/{own_question.pk}/answer/", {"body": "Hi"})
    assert response.status_code in (200, 302)
    assert own_question.comments.filter(author=user).exists()
