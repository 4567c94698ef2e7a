"""Two seminars side by side, A ("alpha") and B ("beta"), each with a row of every model
the admin shows, and the people the admin scoping is tried with:

- `root`: a superuser;
- `staff_a` / `staff_b`: admin staff (is_staff, not superusers) enrolled as staff of A
  only / B only, members of a group with the permissions the demo's "Seminar staff" group
  used to grant on every seminar (so global Django permissions are shown not to leak);
- `student_b`: a student of B, not admin staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.db.models import Model, Q
from django.test import Client
from django.utils import timezone

from accounts.models import RosterEntry, User
from blog.models import BlogFeedback, BlogPost, BlogRevision
from core.models import Enrollment, Extension, Question, Seminar, Week
from discussions.models import Comment, CommentRevision, Flag, ModerationAction, ThreadLock
from notifications.models import NotificationSettings, OutboxEmail
from participation.models import CreditDismissal, SeminarRule, State, StatusOverride, WeekRule
from teams.models import Team, TeamMembership
from tests.conftest import enroll, make_user, make_week

# What the demo's "Seminar staff" group granted before rights came from the seminar role:
# every permission of these apps, on every seminar, plus a few on users and addresses.
GLOBAL_STAFF_APPS = ("weeks", "teams", "discussions", "blog", "participation", "notifications")
GLOBAL_STAFF_EXTRA = (
    ("accounts", "view_user"),
    ("accounts", "add_user"),
    ("accounts", "change_user"),
    ("account", "view_emailaddress"),
)


def global_staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Seminar staff")
    extra = Q()
    for app_label, codename in GLOBAL_STAFF_EXTRA:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(
        Permission.objects.filter(Q(content_type__app_label__in=GLOBAL_STAFF_APPS) | extra)
    )
    return group


@dataclass
class SeminarRows:
    """One seminar and a row of every admin-registered model belonging to it."""

    seminar: Seminar
    week: Week
    staff: User
    student: User
    rows: dict[str, Model] = field(default_factory=dict)  # model label -> row


def build_seminar(slug: str, title: str, letter: str) -> SeminarRows:
    seminar = Seminar.objects.create(title=title, slug=slug, timezone="America/New_York")
    week = make_week(seminar)
    Week.objects.filter(pk=week.pk).update(title=f"{title} week one")
    week.refresh_from_db()
    staff = enroll(make_user(f"staff-{letter}@example.edu", is_staff=True), seminar, "staff")
    staff.groups.add(global_staff_group())
    student = enroll(
        make_user(f"student-{letter}@example.edu", first_name=f"Student{letter.upper()}"),
        seminar,
    )
    question = Question.objects.filter(section__week=week).order_by("pk").first()
    comment = Comment.objects.create(
        week=week, question=question, author=student, body=f"Answer in {title}"
    )
    CommentRevision.objects.create(comment=comment, body="older", edited_by=student)
    flag = Flag.objects.create(comment=comment, user=staff, reason=f"flag in {title}")
    action = ModerationAction.objects.create(
        week=week, comment=comment, actor=staff, action="pin", reason=f"pinned in {title}"
    )
    lock = ThreadLock.objects.create(week=week, question=question, locked_by=staff)
    team = Team.objects.create(seminar=seminar, name=f"Team {title}")
    TeamMembership.objects.create(team=team, user=student)
    override = StatusOverride.objects.create(
        week=week, user=student, state=State.MET, note=f"excused in {title}", set_by=staff
    )
    extension = Extension.objects.create(
        week=week, user=student, deadline=timezone.now() + dt.timedelta(days=9), granted_by=staff
    )
    dismissal = CreditDismissal.objects.create(comment=comment, dismissed_by=staff)
    post = BlogPost.objects.create(week=week, title=f"Summary of {title}", body="Text")
    BlogRevision.objects.create(post=post, version=1, title=post.title, body="Text")
    BlogFeedback.objects.create(post=post, author=staff, body="Looks good")
    outbox = OutboxEmail.objects.create(
        kind=OutboxEmail.Kind.REMINDER,
        recipient=student,
        to_email=student.email,
        subject_key=f"week:{week.pk}",
        subject=f"Reminder for {title}",
        text="Due soon",
        status=OutboxEmail.Status.FAILED,
    )
    roster = RosterEntry.objects.create(
        seminar=seminar, email=f"invitee-{letter}@example.edu", name=f"Invitee {letter}"
    )
    NotificationSettings.objects.create(seminar=seminar)
    SeminarRule.objects.create(seminar=seminar)
    WeekRule.objects.create(week=week)
    address = EmailAddress.objects.get(user=student)
    social_app = SocialApp.objects.create(
        provider="openid_connect", provider_id=f"idp-{letter}", name=f"IdP {letter}"
    )
    social_account = SocialAccount.objects.create(
        user=student, provider=f"idp-{letter}", uid=f"uid-{letter}"
    )
    social_token = SocialToken.objects.create(
        app=social_app, account=social_account, token=f"token-{letter}"
    )
    rows: dict[str, Any] = {
        "weeks.Seminar": seminar,
        "weeks.Week": week,
        "weeks.QuestionSection": week.sections.order_by("position").first(),
        "weeks.Extension": extension,
        "accounts.User": student,
        "accounts.RosterEntry": roster,
        "discussions.Comment": comment,
        "discussions.Flag": flag,
        "discussions.ModerationAction": action,
        "discussions.ThreadLock": lock,
        "teams.Team": team,
        "participation.StatusOverride": override,
        "participation.CreditDismissal": dismissal,
        "blog.BlogPost": post,
        "notifications.OutboxEmail": outbox,
        # Global rows (no seminar): for superusers only, whoever's they look like.
        "auth.Group": Group.objects.create(name=f"Group {letter}"),
        "sites.Site": Site.objects.get_current(),
        "account.EmailAddress": address,
        "socialaccount.SocialApp": social_app,
        "socialaccount.SocialAccount": social_account,
        "socialaccount.SocialToken": social_token,
    }
    return SeminarRows(seminar=seminar, week=week, staff=staff, student=student, rows=rows)


@dataclass
class World:
    a: SeminarRows
    b: SeminarRows
    root: User

    def user(self, role: str) -> User:
        return {
            "superuser": self.root,
            "staff_of_a": self.a.staff,
            "staff_of_b": self.b.staff,
            "student_of_b": self.b.student,
        }[role]


@pytest.fixture
def world(db) -> World:
    a = build_seminar("alpha", "Alpha Seminar", "a")
    b = build_seminar("beta", "Beta Seminar", "b")
    root = make_user("root@example.edu", is_staff=True, is_superuser=True)
    return World(a=a, b=b, root=root)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_staff_of_a(world) -> Client:
    return client_for(world.a.staff)


def enrolled_ids(seminar: Seminar) -> set[int]:
    return set(Enrollment.objects.filter(seminar=seminar).values_list("user_id", flat=True))
