"""What forming teams and writing the rotation share: the seminar's enrolled students by
email, why an email cannot be used, the per-seminar lock, and an invalid CSV row."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from core.models import Enrollment, Seminar


@dataclass(frozen=True)
class InvalidRow:
    line: int
    raw: str
    reason: str


def students_by_email(seminar: Seminar) -> dict[str, User]:
    enrollments = Enrollment.objects.filter(seminar=seminar, role=Enrollment.Role.STUDENT)
    return {e.user.email.lower(): e.user for e in enrollments.select_related("user")}


def email_problems(emails: list[str], students: dict[str, User]) -> dict[str, str]:
    """Why each email that is not an enrolled student of the seminar cannot be used."""
    missing = [email for email in emails if email not in students]
    if not missing:
        return {}
    known = {
        e.lower() for e in User.objects.filter(email__in=missing).values_list("email", flat=True)
    }
    return {
        email: "not enrolled as a student in this seminar" if email in known else "no account"
        for email in missing
    }


def lock_seminar(seminar: Seminar) -> None:
    # Two staff applying at once would race on the unique constraints; serialise per seminar.
    Seminar.objects.select_for_update().filter(pk=seminar.pk).first()
