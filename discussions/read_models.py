"""What each viewer has read of a week's discussion ("what's new", discussions/unread.py).

One row per (viewer, week): the time of their last visit and a compact record of the
comments they have seen, `seen` = {"<comment id>": <when it was read, ms since the epoch>}.
A week of 1,000 comments is one row of about 20 kB, read in one query with the page,
rather than 1,000 rows per student and week. The time read says whether a comment was
edited after it was read ("edited since you read"). Marking is a monotonic merge under a
row lock (discussions.unread.mark_seen): two tabs marking at once never un-see anything.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from core.models import Week


class WeekRead(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="+")
    last_visit = models.DateTimeField()
    seen = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("user", "week"), name="weekread_unique_user_week"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read week {self.week_id} (last visit {self.last_visit:%Y-%m-%d})"
