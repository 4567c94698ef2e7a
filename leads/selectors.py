"""What the seminar home shows about team duties, week preparation and review.

`seminar_home_context(access)` costs one query for the viewer's duties, plus one count of
the review queue for staff: constant whatever the number of weeks.
"""

from __future__ import annotations

from typing import Any

from core.access import SeminarAccess, WeekAccess
from leads.services import review_queue_count
from teams.selectors import duties_for


def seminar_home_context(access: SeminarAccess) -> dict[str, Any]:
    duties = duties_for(access.user, access.seminar) if access.is_member else []
    return {
        "duties": duties,
        # The weeks the viewer leads whose brief they may open (leads.brief), no query.
        "brief_weeks": [
            duty.week
            for duty in duties
            if WeekAccess(week=duty.week, seminar_access=access, team=duty.kind).can_see_lead_brief
        ],
        "review_queue_count": (
            review_queue_count(access.seminar) if access.can_review_weeks else None
        ),
    }
