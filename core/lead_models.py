"""The lead team's preparation of its draft week, and staff's review of it.

One `WeekReview` per week (made on first use) holds where the week stands — draft,
submitted, changes requested, approved — and the staff's latest note to the leads;
`WeekReviewEvent` is its history: every save, submission, comment, request for changes,
approval and publication, with who and when.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class WeekReview(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        SUBMITTED = "submitted", "Submitted for review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    # The lead team edits in these states; in the others the week waits for staff.
    LEAD_EDITABLE: ClassVar = (State.DRAFT, State.CHANGES_REQUESTED)

    week = models.OneToOneField("weeks.Week", on_delete=models.CASCADE, related_name="review")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    note = models.TextField(blank=True, help_text="Staff's latest note to the lead team.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("week",)

    def __str__(self) -> str:
        return f"{self.week}: {self.get_state_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def lead_editable(self) -> bool:
        return self.state in self.LEAD_EDITABLE


class WeekReviewEvent(models.Model):
    """One step in a week's review history (plain text, escaped when shown)."""

    class Kind(models.TextChoices):
        SAVED = "saved", "saved the week"
        SUBMITTED = "submitted", "submitted it for review"
        WITHDRAWN = "withdrawn", "withdrew it from review"
        COMMENT = "comment", "commented"
        CHANGES_REQUESTED = "changes_requested", "requested changes"
        APPROVED = "approved", "approved it"
        PUBLISHED = "published", "published it"

    review = models.ForeignKey(WeekReview, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("review", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.author or 'someone'} {self.get_kind_display()}"
