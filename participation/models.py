"""The weekly participation rule, and staff's corrections to what it computes.

- `SeminarRule` (one per seminar) is the default rule: which credited alternatives may
  stand in for a missing answer, and the hints shown to whoever judges "substantive".
- `WeekRule` (optional, one per week) overrides the alternatives for one week.
- How many answers each question section needs is `QuestionSection.required_answers`.
- (A student's own deadline and cut-off for one week, `Extension`, is core's: the posting
  window in core.posting reads it. Its table is still `participation_extension`.)
- `StatusOverride`: staff set a student's status for a week by hand, with a note. Rows are
  never edited: the newest one for a (week, student) is in force, the older ones are the
  history; a row with a blank state clears the override.
- `CreditDismissal`: a lead or staff decided a candidate is not substantive (it leaves the
  credit queue; crediting it later is still possible).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import Seminar, Week


class Alternatives(models.TextChoices):
    BOTH = "both", "Credited replies and credited general comments"
    REPLIES = "replies", "Credited replies only"
    GENERAL = "general", "Credited general comments only"
    NONE = "none", "None: only answers count"


class State(models.TextChoices):
    EXEMPT = "exempt", "Exempt"
    MET = "met", "Met"
    MET_LATE = "met_late", "Met late"
    NOT_YET = "not_yet", "Not yet"
    MISSED = "missed", "Missed"


class SeminarRule(models.Model):
    seminar = models.OneToOneField(
        Seminar, on_delete=models.CASCADE, related_name="participation_rule"
    )
    alternatives = models.CharField(
        max_length=8,
        choices=Alternatives,
        default=Alternatives.BOTH,
        help_text=(
            "What may stand in for a missing answer, one post per answer: a reply or a "
            "comment on the readings that a lead or staff credited as substantive."
        ),
    )
    hint_min_words = models.PositiveSmallIntegerField(
        default=80,
        help_text="Hint shown to leads and staff: the post has at least this many words (0: off).",
    )
    hint_cites_reading = models.BooleanField(
        default=True, help_text="Hint: the post names or links one of the week's readings."
    )
    hint_quotes_parent = models.BooleanField(
        default=True, help_text="Hint: a reply quotes the comment it answers."
    )
    # The gradebook's score of a week (participation.gradebook): met = week_points, met
    # late = week_points x late_fraction, missed = 0, exempt = excused (not counted).
    week_points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Gradebook: the points a week is worth when the rule is met on time.",
    )
    late_fraction = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=(
            "Gradebook: the share of a week's points for meeting the rule late "
            "(0 to 1; 0.5 gives half). Missed weeks score 0; exempt weeks are excused."
        ),
    )

    class Meta:
        verbose_name = "participation rule"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(late_fraction__gte=0) & Q(late_fraction__lte=1),
                name="rule_late_fraction_0_to_1",
            ),
            models.CheckConstraint(condition=Q(week_points__gt=0), name="rule_week_points_pos"),
        ]

    def __str__(self) -> str:
        return f"Participation rule for {self.seminar}"


class WeekRule(models.Model):
    week = models.OneToOneField(Week, on_delete=models.CASCADE, related_name="participation_rule")
    alternatives = models.CharField(
        max_length=8,
        choices=Alternatives,
        blank=True,
        help_text="Blank: the seminar's participation rule.",
    )

    class Meta:
        verbose_name = "participation rule for this week"

    def __str__(self) -> str:
        return f"Participation rule for {self.week}"


class StatusOverride(models.Model):
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="status_overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="status_overrides"
    )
    state = models.CharField(
        max_length=10, choices=State, blank=True, help_text="Blank: clear the override."
    )
    note = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("week", "user", "set_at", "id")
        indexes: ClassVar = [
            models.Index(fields=("week", "user", "set_at"), name="override_week_user_idx"),
        ]

    def __str__(self) -> str:
        what = self.get_state_display() if self.state else "cleared"
        return f"{self.user} in {self.week}: {what}"


class CreditDismissal(models.Model):
    comment = models.OneToOneField(
        "discussions.Comment", on_delete=models.CASCADE, related_name="credit_dismissal"
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Not substantive: comment {self.comment_id}"
