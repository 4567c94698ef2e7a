"""Deleting one's account: confirmed by email and password, then the account is closed
and anonymised while its comments stay as "Former member" (staff can still remove them)."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import RosterEntry, User
from core.models import Enrollment, WeekDuty
from discussions.models import Comment, Draft
from pages.profile_services import FORMER_MEMBER, account_delete
from teams.models import Team, TeamMembership
from tests.conftest import PASSWORD, make_user
from tests.discussions.helpers import add_comment, first_question

DELETE = "/profile/delete/"


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def confirm(client: Client, email: str = "student@example.edu", password: str = PASSWORD):
    return client.post(DELETE, {"email": email, "password": password})


def test_confirmation_page_explains_what_happens(student):
    response = client_for(student).get(DELETE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This cannot be undone" in page
    assert "Former member" in page
    assert 'name="email"' in page
    assert 'name="password"' in page


def test_deleting_anonymises_the_account_and_keeps_its_comments(student, seminar, week):
    answer = add_comment(week, student, "My answer", question=first_question(week))
    client = client_for(student)

    response = confirm(client)

    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()
    student.refresh_from_db()
    assert student.email == f"former-member-{student.pk}@deleted.invalid"
    assert student.name == FORMER_MEMBER
    assert (student.first_name, student.last_name, student.pronouns) == ("", "", "")
    assert not student.is_active
    assert not student.has_usable_password()
    assert not Enrollment.objects.filter(user=student).exists()
    assert not EmailAddress.objects.filter(user=student).exists()
    assert Comment.objects.get(pk=answer.pk).body == "My answer"


def test_deleted_members_comments_show_as_former_member(student, staff, week):
    add_comment(week, student, "Still worth reading", question=first_question(week))
    account_delete(user=student)

    page = client_for(staff).get(week.get_absolute_url()).content.decode()

    assert "Still worth reading" in page
    assert FORMER_MEMBER in page
    assert "Sam Student" not in page


def test_every_session_ends_and_login_is_refused(student):
    phone, laptop = client_for(student), client_for(student)

    confirm(laptop)

    for client in (phone, laptop):
        response = client.get("/profile/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Client().login(email="student@example.edu", password=PASSWORD)


def test_the_calendar_address_stops_working(student, week):
    old = f"/calendar/{student.calendar_token}.ics"

    confirm(client_for(student))

    assert Client().get(old).status_code == 404


def test_roster_teams_drafts_and_single_sign_on_are_removed(student, seminar, week):
    RosterEntry.objects.create(seminar=seminar, email=student.email, user=student)
    team = Team.objects.create(seminar=seminar, name="Ada")
    TeamMembership.objects.create(team=team, user=student)
    week.class_date = timezone.localdate() + dt.timedelta(days=7)
    week.save()
    WeekDuty.objects.create(week=week, user=student, team=WeekDuty.Team.LEAD)
    Draft.objects.create(user=student, week=week, body="half a thought")
    SocialAccount.objects.create(user=student, provider="google", uid="123")

    account_delete(user=student)

    assert not RosterEntry.objects.filter(seminar=seminar).exists()
    assert not TeamMembership.objects.filter(user=student).exists()
    assert not WeekDuty.objects.filter(user=student).exists()
    assert not Draft.objects.filter(user=student).exists()
    assert not SocialAccount.objects.filter(user=student).exists()


def test_past_team_duties_stay_credited(student, week):
    week.class_date = timezone.localdate() - dt.timedelta(days=7)
    week.save()
    WeekDuty.objects.create(week=week, user=student, team=WeekDuty.Team.BLOG)

    account_delete(user=student)

    assert WeekDuty.objects.filter(user=student, week=week).exists()


def test_staff_and_email_preferences_are_switched_off(student):
    student.is_staff = True
    student.save()

    account_delete(user=student)

    student.refresh_from_db()
    assert not student.is_staff
    assert student.email_reply_notices == User.ReplyNotices.OFF
    assert not student.email_reminders
    assert not student.email_announcements


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("someone@example.edu", PASSWORD, "This is not the email address of your account."),
        ("student@example.edu", "wrong-password", "This is not your password."),
    ],
)
def test_wrong_email_or_password_refuses_and_keeps_the_typed_email(
    student, email, password, message
):
    response = confirm(client_for(student), email, password)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{email}"' in page
    student.refresh_from_db()
    assert student.is_active
    assert student.email == "student@example.edu"


def test_email_confirmation_ignores_case(student):
    response = confirm(client_for(student), "Student@Example.EDU")

    assert response.status_code == 200
    student.refresh_from_db()
    assert not student.is_active


def test_account_without_a_password_confirms_with_email_only(db):
    user = make_user("sso@example.edu")
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)

    assert 'name="password"' not in client.get(DELETE).content.decode()
    response = client.post(DELETE, {"email": "sso@example.edu"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_active


def test_deletion_needs_login(student):
    response = Client().post(DELETE, {"email": "student@example.edu", "password": PASSWORD})

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.is_active


def test_deletion_refuses_other_methods(student):
    assert client_for(student).put(DELETE).status_code == 405


def test_staff_can_still_remove_a_former_members_comment_in_the_admin(student, week):
    comment = add_comment(week, student, "To be removed", question=first_question(week))
    account_delete(user=student)
    admin = User.objects.create_superuser(email="admin@example.edu", password=PASSWORD)
    client = Client()
    client.force_login(admin)

    listing = client.get("/admin/discussions/comment/", {"q": "To be removed"})
    assert FORMER_MEMBER in listing.content.decode()
    response = client.post(
        f"/admin/discussions/comment/{comment.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_password_guessing_through_the_form_is_rate_limited(student):
    client = client_for(student)
    for _ in range(5):
        assert confirm(client, password="guess").status_code == 400

    response = confirm(client)  # even the right password waits now

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts" in page
    assert 'value="student@example.edu"' in page
    student.refresh_from_db()
    assert student.is_active
