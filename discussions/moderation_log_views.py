"""The moderation log pages: a week's (its lead team and staff) and the seminar's
(staff), each filterable by action and moderator (the seminar's by week too), with a CSV
download of the same rows. Read-only: GET only."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.access import SeminarAccess, WeekAccess, seminar_view, week_view
from core.models import Seminar, Week
from discussions.moderation_log import (
    PAGE_SIZE,
    LogFilterForm,
    entry,
    filtered,
    log_csv,
    log_queryset,
    moderators,
)

NOT_WEEK = "Only this week's lead team and staff read its moderation log."
NOT_STAFF = "Only this seminar's staff read the moderation log of every week."


def _log(
    request: HttpRequest,
    seminar: Seminar,
    week: Week | None,
    *,
    tz: dt.tzinfo,
    as_csv: bool,
    csv_url: str,
) -> HttpResponse:
    rows = log_queryset(seminar, week)
    weeks = None if week is not None else list(seminar.weeks.order_by("number"))
    form = LogFilterForm(request.GET or None, weeks=weeks, moderators=moderators(rows))
    rows = filtered(rows, form)
    if as_csv:
        text = log_csv([entry(r) for r in rows], tz=tz, absolute=request.build_absolute_uri)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        scope = f"-week{week.number}" if week is not None else ""
        stamp = timezone.localtime(timezone.now(), seminar.tz).strftime("%Y-%m-%d")
        name = f"moderation-log-{seminar.slug}{scope}-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "seminar": seminar,
        "current_seminar": seminar,
        "week": week,
        "form": form,
        "page": page,
        "entries": [entry(r) for r in page.object_list],
        "csv_url": csv_url + (f"?{query.urlencode()}" if query else ""),
    }
    return render(request, "discussions/moderation/log.html", context)


@require_GET
@week_view("can_see_moderation_log", NOT_WEEK)
def week_log(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    week = access.week
    url = reverse("discussions:moderation_log_csv", args=[week.seminar.slug, week.slug])
    return _log(request, week.seminar, week, tz=access.tz, as_csv=False, csv_url=url)


@require_GET
@week_view("can_see_moderation_log", NOT_WEEK)
def week_log_csv(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    return _log(request, access.week.seminar, access.week, tz=access.tz, as_csv=True, csv_url="")


@require_GET
@seminar_view("can_see_moderation_log", NOT_STAFF)
def seminar_log(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    url = reverse("moderation:log_csv", args=[access.seminar.slug])
    return _log(request, access.seminar, None, tz=access.tz, as_csv=False, csv_url=url)


@require_GET
@seminar_view("can_see_moderation_log", NOT_STAFF)
def seminar_log_csv(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    return _log(request, access.seminar, None, tz=access.tz, as_csv=True, csv_url="")
