from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seminar.access import seminar_for_user, week_for_user, weeks_visible


@login_not_required
def seminar_home(request: HttpRequest, seminar_slug: str) -> HttpResponse:
    access = seminar_for_user(request.user, seminar_slug)
    weeks = weeks_visible(access)
    return render(request, "weeks/seminar_home.html", {"access": access, "weeks": weeks})


@login_not_required
def week_detail(request: HttpRequest, seminar_slug: str, week_slug: str) -> HttpResponse:
    access = week_for_user(request.user, seminar_slug, week_slug)
    return render(request, "weeks/week_detail.html", {"access": access, "week": access.week})
