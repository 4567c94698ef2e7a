from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from seminar.access import seminars_for_user
from seminar.health import health_report


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    seminars = list(seminars_for_user(request.user))
    if len(seminars) == 1:
        return redirect(seminars[0])
    return render(request, "home.html", {"seminars": seminars})


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)
