"""`Extension`: a student's own deadline (and optional cut-off) for one week.

It lives in core, beside the weeks it moves, because the posting window (core.posting)
reads it and both posting (discussions) and participation ask that window. It was
participation's model: its table keeps the name `participation_extension`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Extension(models.Model):
    """A student's own deadline (and optional cut-off) for one week."""

    week = models.ForeignKey("weeks.Week", on_delete=models.CASCADE, related_name="extensions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    deadline = models.DateTimeField(help_text="The student's own posting deadline.")
    cutoff = models.DateTimeField(
        null=True, blank=True, help_text="Optional: late posts accepted until then."
    )
    note = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "participation_extension"
        ordering = ("week", "user")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("week", "user"), name="extension_unique"),
            models.CheckConstraint(
                condition=Q(cutoff__isnull=True) | Q(cutoff__gt=models.F("deadline")),
                name="extension_cutoff_after_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"Extension for {self.user} in {self.week}"

    def clean(self) -> None:
        if self.cutoff and self.deadline and self.cutoff <= self.deadline:
            raise ValidationError({"cutoff": "The cut-off must come after the deadline."})
