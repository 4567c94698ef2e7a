"""Marking what the viewer read (discussions/unread.py): a POST, never a GET.

The week page and a question's page carry one form with the ids of the comments they
showed and the time they were drawn. htmx posts it once the page has loaded
(`hx-trigger="load"`) and swaps in a short status; without JavaScript the same form is
the "Mark all as read" button, which comes back to the page it was on.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.access import WeekAccess, week_view
from core.lib.http import HtmxHttpRequest, safe_next
from discussions import unread

MAX_IDS = 20_000
BAD_LIST = "This page's list of comments could not be read: reload the page and try again."


class MarkSeenForm(forms.Form):
    ids = forms.RegexField(regex=r"^[0-9]+(,[0-9]+)*$", required=False, max_length=MAX_IDS * 12)
    at = forms.IntegerField(min_value=0)
    next = forms.CharField(required=False, max_length=2000)

    def clean_ids(self) -> list[int]:
        value = self.cleaned_data.get("ids") or ""
        ids = [int(part) for part in value.split(",") if part]
        if len(ids) > MAX_IDS:
            raise forms.ValidationError("Too many comments at once.")
        return ids


@login_not_required  # a logged-out POST goes to log in (week_view), not a 404
@require_POST
@week_view("can_track_reading", "Log in to keep track of what you read.")
def mark_seen(request: HtmxHttpRequest, access: WeekAccess) -> HttpResponse:
    form = MarkSeenForm(request.POST)
    if not form.is_valid():
        return HttpResponse(BAD_LIST, status=400, content_type="text/plain")
    at = dt.datetime.fromtimestamp(form.cleaned_data["at"] / 1000, tz=dt.UTC)
    unread.mark_seen(access, form.cleaned_data["ids"], at)
    if request.htmx:
        return render(request, "discussions/_seen_status.html", {})
    return HttpResponseRedirect(safe_next(request, access.week.get_absolute_url()))
