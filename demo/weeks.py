"""The demo seminar that `python manage.py seed_demo` builds, in small idempotent steps.

`build_demo(password)` creates or refreshes, in one transaction:

- the enrolled-only seminar `demo`;
- its people: `staff@example.edu` (staff of the seminar, which is what gives them its
  admin: core.access.admin), `lead@example.edu`, `blogger@example.edu` and
  `student1@` … `student12@example.edu`, all enrolled with verified email addresses;
- week 2, the open week: `data/week2-alignment.md` imported through the importer,
  with its dates moved so the deadline falls a few days from now;
- week 1, closed (deadline in the past), and week 3, a draft, from `data/weeks.toml`;
- the teams: `lead@` leads week 2 and `blogger@` blogs it.

Every step looks rows up by their natural keys and updates them, so running it again
refreshes the dates and passwords and duplicates nothing; re-importing week 2 updates
it in place, so comments posted in the demo survive a re-run.

The weeks are built by demo.week_builders, the teams by demo.teams.

Other apps add their own demo content by defining `seed_demo(summary: DemoSummary)` in
an `<app>/demo.py` module: `build_demo` calls each one after its own steps, in the order
of INSTALLED_APPS, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.models import Enrollment, Seminar, Week
from demo.teams import assign_demo_teams, assign_teams
from demo.week_builders import (
    SEMINAR_TIMEZONE,
    build_week,
    closed_dates,
    draft_dates,
    import_open_week,
    load_other_weeks,
)

SEMINAR_SLUG = "demo"
SEMINAR_TITLE = "Demo: Risks and Benefits of Large Language Models"
SEMINAR_DESCRIPTION = """\
A discussion seminar on what can go wrong with large language models and what we can do
about it: alignment, red teaming, deception and oversight. Each week has required
readings and numbered discussion questions; answer before the deadline, then come to
class ready to talk. A rotating lead team moderates the discussion and a blogging team
writes up the week.

*This is demo content built by `python manage.py seed_demo`.*
"""
DEFAULT_PASSWORD = "seminar-demo"  # noqa: S105 - documented demo password
# A group naming the demo's staff accounts. It grants no permission: Django permissions
# hold on every seminar, while the admin gives staff the seminars they are staff of.
STAFF_GROUP = "Seminar staff"

STAFF_EMAIL = "staff@example.edu"
LEAD_EMAIL = "lead@example.edu"
BLOGGER_EMAIL = "blogger@example.edu"
STUDENT_COUNT = 12
STUDENT_NAMES = (
    ("Avery", "Chen"), ("Blake", "Okafor"), ("Camila", "Reyes"), ("Dev", "Patel"),
    ("Elena", "Petrova"), ("Farah", "Haddad"), ("Gabriel", "Moreau"), ("Hana", "Sato"),
    ("Ibrahim", "Diallo"), ("Jonas", "Berg"), ("Kavya", "Rao"), ("Liam", "O'Brien"),
)  # fmt: skip
# Some people give pronouns on their profile (shown beside their name); most do not.
PRONOUNS = {
    STAFF_EMAIL: "she/her",
    LEAD_EMAIL: "she/her",
    "student1@example.edu": "they/them",
    "student3@example.edu": "she/her",
    "student4@example.edu": "he/him",
}


@dataclass
class DemoSummary:
    """What `build_demo` made: handed to each app's `seed_demo` and printed at the end."""

    seminar: Seminar
    password: str
    staff: User
    lead: User
    blogger: User
    students: list[User]
    weeks: dict[str, Week] = field(default_factory=dict)  # "closed", "open", "draft"
    notes: list[str] = field(default_factory=list)  # lines other steps want printed

    @property
    def open_week(self) -> Week:
        return self.weeks["open"]

    def logins(self) -> list[tuple[str, str]]:
        """(email, what the account shows) for every demo login."""
        open_title = self.weeks["open"].title if "open" in self.weeks else "the open week"
        rows = [
            (self.staff.email, "seminar staff; can use /admin/ and sees the draft week"),
            (self.lead.email, f"student on the lead team of {open_title}"),
            (self.blogger.email, f"student on the blogging team of {open_title}"),
        ]
        rows += [(student.email, "student") for student in self.students]
        return rows


def build_demo(password: str = DEFAULT_PASSWORD, *, now: dt.datetime | None = None) -> DemoSummary:
    """Create or refresh the whole demo seminar; see the module docstring."""
    now = now or timezone.now()
    with transaction.atomic():
        seminar = ensure_seminar(now)
        people = ensure_people(seminar, password)
        summary = DemoSummary(seminar=seminar, password=password, **people)
        summary.weeks["open"] = import_open_week(seminar, now)
        other_weeks = load_other_weeks()
        summary.weeks["closed"] = build_week(seminar, other_weeks["closed"], closed_dates(now), now)
        summary.weeks["draft"] = build_week(seminar, other_weeks["draft"], draft_dates(now), now)
        assign_teams(summary)
        assign_demo_teams(summary)  # the fixed named teams and their rotation
        run_app_steps(summary)
    return summary


# --- The seminar and its people ----------------------------------------------------------


def term_for(day: dt.date) -> str:
    """The academic term a date falls in, e.g. "Fall 2026"."""
    season = "Spring" if day.month <= 5 else "Summer" if day.month <= 7 else "Fall"
    return f"{season} {day.year}"


def ensure_seminar(now: dt.datetime) -> Seminar:
    seminar, _ = Seminar.objects.update_or_create(
        slug=SEMINAR_SLUG,
        defaults={
            "title": SEMINAR_TITLE,
            "term": term_for(now.date()),
            "timezone": SEMINAR_TIMEZONE,
            "visibility": Seminar.Visibility.ENROLLED,
            "description": SEMINAR_DESCRIPTION,
        },
    )
    return seminar


def ensure_people(seminar: Seminar, password: str) -> dict[str, Any]:
    """The demo accounts, enrolled, with verified addresses and the given password.

    The password is hashed once and the hash shared: fifteen separate hashes would make
    every run (and every test of it) seconds slower, for accounts whose password is public.
    """
    hashed = make_password(password)
    staff = ensure_user(STAFF_EMAIL, hashed, "Morgan", "Ellis", is_staff=True)
    ensure_staff_group().user_set.add(staff)
    lead = ensure_user(LEAD_EMAIL, hashed, "Lena", "Fischer")
    blogger = ensure_user(BLOGGER_EMAIL, hashed, "Ben", "Carter")
    students = [
        ensure_user(f"student{n}@example.edu", hashed, *STUDENT_NAMES[n - 1])
        for n in range(1, STUDENT_COUNT + 1)
    ]
    enroll(staff, seminar, Enrollment.Role.STAFF)
    for user in (lead, blogger, *students):
        enroll(user, seminar, Enrollment.Role.STUDENT)
    return {"staff": staff, "lead": lead, "blogger": blogger, "students": students}


def ensure_user(
    email: str, hashed_password: str, first_name: str, last_name: str, *, is_staff: bool = False
) -> User:
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "password": hashed_password,
            "first_name": first_name,
            "last_name": last_name,
            "is_active": True,
            "is_staff": is_staff,
            "pronouns": PRONOUNS.get(email, ""),
        },
    )
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def enroll(user: User, seminar: Seminar, role: str) -> Enrollment:
    enrollment, _ = Enrollment.objects.update_or_create(
        user=user, seminar=seminar, defaults={"role": role}
    )
    return enrollment


def ensure_staff_group() -> Group:
    """The "Seminar staff" group, holding no permission (an older demo gave it global
    ones: they are taken away). Admin rights come from the staff enrolment instead, so
    the demo's staff manage their seminar in the admin and no other."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.clear()
    return group


# --- The features' demo steps --------------------------------------------------------------


def run_app_steps(summary: DemoSummary) -> None:
    """Each feature's part of the demo, in an order where later steps see earlier ones."""
    # Imported here: those modules import this one for DemoSummary (one cycle inside demo/).
    # Those modules import this one for DemoSummary: import them when they run.
    from demo import blog, discussions, participation

    for module in (discussions, participation, blog):
        module.seed_demo(summary)
