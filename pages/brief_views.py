"""The lead's brief of a week (leads/brief.py), for its lead team and staff.

/s/<seminar>/w/<week>/brief/ — one page, read-only, that works without JavaScript: the
figures per question, then each list of what needs attention, every item linking straight
to its thread or comment on the week page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.access import WeekAccess, week_view
from leads.brief import QUIET_AFTER, week_brief

ONLY_LEADS = "Only this week's lead team and staff see its brief."


@require_safe
@week_view("can_see_lead_brief", ONLY_LEADS)
def brief(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    week = access.week
    context = {
        "access": access,
        "week": week,
        "seminar": week.seminar,
        "current_seminar": week.seminar,
        "brief": week_brief(week),
        "quiet_hours": int(QUIET_AFTER.total_seconds() // 3600),
        "tz": week.seminar.tz,
    }
    return render(request, "weeks/lead/brief.html", context)
