"""Invite-only sign-up through allauth's own views: who may register, what they see,
and where they land."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.forms import NOT_ON_ROSTER
from accounts.models import RosterEntry, User
from core.models import Enrollment
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase-42"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def signup(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


@pytest.fixture
def invited(seminar) -> RosterEntry:
    return RosterEntry.objects.create(
        seminar=seminar, email="new@example.edu", name="New", role="student"
    )


def test_invited_email_registers_verifies_and_lands_on_its_seminar(
    client, seminar, week, invited
) -> None:
    response = signup(client, "New@Example.edu")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.edu")
    # Not enrolled before the address is proven: whoever typed it may not own it.
    assert not Enrollment.objects.filter(user=user).exists()

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.edu"]
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    confirmed = client.post(link)
    assert confirmed["Location"] == reverse("account_login")
    assert EmailAddress.objects.get(user=user).verified
    assert Enrollment.objects.get(user=user, seminar=seminar).role == "student"
    invited.refresh_from_db()
    assert invited.user == user

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new@example.edu", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    landing = client.get(response["Location"], follow=True)
    assert landing.redirect_chain[-1][0] == seminar.get_absolute_url()
    assert landing.status_code == 200


def test_unverified_account_cannot_log_in(client, invited) -> None:
    signup(client, "new@example.edu")
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new@example.edu", "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not Enrollment.objects.exists()


def _normalised(html: str, email: str) -> str:
    html = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF-TOKEN", html)  # masked per response
    return html.replace(email, "EMAIL")


def test_email_off_every_roster_cannot_register_whether_or_not_it_has_an_account(
    client, seminar, invited, outsider
) -> None:
    stranger = signup(client, "stranger@example.edu")
    existing = signup(client, "outsider@example.edu")  # has an account, on no roster

    for response in (stranger, existing):
        assert response.status_code == 200
        assert NOT_ON_ROSTER in response.content.decode()
    assert _normalised(stranger.content.decode(), "stranger@example.edu") == _normalised(
        existing.content.decode(), "outsider@example.edu"
    )
    assert not User.objects.filter(email="stranger@example.edu").exists()
    assert mail.outbox == []


def test_rostered_email_with_an_account_looks_like_a_new_signup(client, seminar) -> None:
    make_user("taken@example.edu")
    RosterEntry.objects.create(seminar=seminar, email="taken@example.edu")
    RosterEntry.objects.create(seminar=seminar, email="fresh@example.edu")

    taken = signup(client, "taken@example.edu")
    client.logout()
    fresh = signup(client, "fresh@example.edu")
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(email="taken@example.edu").count() == 1
    # The owner of the existing account is told, by email only.
    assert [m.to for m in mail.outbox] == [["taken@example.edu"], ["fresh@example.edu"]]


def test_a_new_account_takes_its_name_from_the_roster(client, invited) -> None:
    signup(client, "new@example.edu")
    assert User.objects.get(email="new@example.edu").name == "New"


def test_single_sign_on_is_open_only_to_rostered_addresses(rf, invited) -> None:
    from allauth.account.models import EmailAddress as Address
    from allauth.socialaccount.models import SocialLogin

    from accounts.adapter import SocialAccountAdapter

    def login_for(email: str) -> SocialLogin:
        return SocialLogin(user=User(email=email), email_addresses=[Address(email=email)])

    adapter = SocialAccountAdapter()
    assert adapter.is_open_for_signup(rf.get("/"), login_for("NEW@example.edu"))
    assert not adapter.is_open_for_signup(rf.get("/"), login_for("nobody@example.edu"))


def test_login_is_by_email(client, student) -> None:
    response = client.post(
        reverse("account_login"), {"login": "student@example.edu", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_password_reset_is_by_email(client, student) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "student@example.edu"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["student@example.edu"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_repeated_failed_logins_are_rate_limited(client, student) -> None:
    """allauth's default: five failures per address in five minutes, then refused."""

    def attempt(password: str) -> str:
        return client.post(
            reverse("account_login"), {"login": "student@example.edu", "password": password}
        ).content.decode()

    limited = "Too many failed login attempts"
    failures = [attempt("wrong") for _ in range(5)]
    assert all(limited not in page for page in failures)
    assert limited in attempt("wrong")
    # Even the right password is refused while the limit lasts.
    assert limited in attempt(PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_failed_login_is_announced_and_keeps_the_email(client, student) -> None:
    page = client.post(
        reverse("account_login"), {"login": "student@example.edu", "password": "wrong"}
    ).content.decode()
    assert 'role="alert"' in page and "The form was not sent" in page
    assert 'value="student@example.edu"' in page
    fresh = client.get(reverse("account_login")).content.decode()
    assert "The form was not sent" not in fresh
