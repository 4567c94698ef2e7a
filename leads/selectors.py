"""What the seminar home shows about team duties, week preparation and review.

`seminar_home_context(access)` costs one query for the viewer's duties, plus one count of
the review queue for staff: constant whatever the number of weeks.
"""

from __future__ import annotations

from typing import Any

from core.access import SeminarAccess
from leads.services import review_queue_count
from teams.selectors import duties_for


def seminar_home_context(access: SeminarAccess) -> dict[str, Any]:
    return {
        "duties": duties_for(access.user, access.seminar) if access.is_member else [],
        "review_queue_count": (
            review_queue_count(access.seminar) if access.can_review_weeks else None
        ),
    }
