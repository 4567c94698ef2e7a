from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from core.models import validate_timezone


def new_calendar_token() -> str:
    """A fresh secret for the personal calendar feed URL."""
    return secrets.token_urlsafe(24)


class RosterRole(models.TextChoices):
    """The same values as `weeks.Enrollment.Role` (kept here so accounts need not import weeks)."""

    STUDENT = "student", "Student"
    STAFF = "staff", "Staff (instructor or TA)"
    AUDITOR = "auditor", "Auditor"


class EmailUserManager(UserManager["User"]):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)

    class ReplyNotices(models.TextChoices):
        BATCHED = "batched", "At most one email per thread every 15 minutes"
        DAILY = "daily", "A daily digest"
        OFF = "off", "Never"

    # Email preferences, honoured by every email of that kind (and its unsubscribe link).
    email_reply_notices = models.CharField(
        "replies to my comments",
        max_length=8,
        choices=ReplyNotices.choices,
        default=ReplyNotices.BATCHED,
    )
    email_reminders = models.BooleanField("deadline and duty reminders", default=True)
    email_announcements = models.BooleanField("announcements of new weeks", default=True)
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="The zone times are shown in; blank: each seminar's own zone.",
    )
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text="The secret in the personal calendar feed's URL; reset it to revoke the old URL.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ("email",)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Display name, else full name, else the local part of the email."""
        return self.display_name or self.get_full_name() or self.email.split("@")[0]


class RosterEntry(models.Model):
    """One person staff listed for a seminar, by email: who may join it, and as what.

    The roster exists before accounts do (staff import it, then people register), so it
    is kept apart from `weeks.Enrollment`: an entry gets its Enrollment — and `user` — as
    soon as an account with a verified address for `email` exists.
    """

    seminar = models.ForeignKey("weeks.Seminar", on_delete=models.CASCADE, related_name="roster")
    email = models.EmailField("email address")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=10, choices=RosterRole, default=RosterRole.STUDENT)
    student_id = models.CharField(
        "student ID",
        max_length=64,
        blank=True,
        help_text=(
            "The university's student number (the SIS user ID of Canvas, the ID number of "
            "Moodle): the gradebook exports match students by it."
        ),
    )
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roster_entries",
        help_text="The account this entry is attached to, once the person has one.",
    )
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invitation email was last sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("seminar", "email")
        verbose_name = "roster entry"
        verbose_name_plural = "roster entries"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("seminar", "email"), name="roster_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
