"""What the lead tools tell the layers above them (connected in their ready())."""

from __future__ import annotations

from django.dispatch import Signal

# One step of a week's review was recorded (submitted, comment, changes requested,
# approved, ...), inside the step's transaction. Sent with `event` (a WeekReviewEvent).
review_step = Signal()
