"""What the core layer tells the layers above it (they connect in their `apps.py` ready()).

Signals are sent inside the writing transaction, so a receiver that writes rows (an email
in the outbox) commits or rolls back with the change it reacts to.
"""

from __future__ import annotations

from django.dispatch import Signal

# A week just became published (by staff, the admin, the lead review or the schedule).
# Sent with `week_id`. Receivers must be idempotent: a rerun may send it again.
week_published = Signal()
