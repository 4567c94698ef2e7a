from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.access import seminars_for_user
from core.models import Enrollment
from pages.health import OK, health_report
from teams.selectors import attach_duties


@require_safe
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Visitors: a welcome and the public seminars. Members: their seminars, or straight
    into the only one they have."""
    seminars = list(seminars_for_user(request.user))
    if request.user.is_authenticated and len(seminars) == 1:
        return redirect(seminars[0])
    roles = {}
    if request.user.is_authenticated:
        roles = dict(
            Enrollment.objects.filter(user_id=request.user.pk).values_list("seminar_id", "role")
        )
    attach_duties(request.user, seminars)
    labels = dict(Enrollment.Role.choices)
    rows = [(seminar, labels.get(roles.get(seminar.pk, ""), "")) for seminar in seminars]
    return render(request, "home.html", {"rows": rows})


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches neither the database nor Redis."""
    return JsonResponse({"status": OK})


@login_not_required
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness (pages/health.py): 200 when the database answers, else 503; Redis and
    the rest are reported. A load balancer sends traffic only to a ready replica."""
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] == OK else 503)
