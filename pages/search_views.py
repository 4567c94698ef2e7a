"""Search within a week's discussion (discussions/search.py): a GET form and its results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.access import WeekAccess, week_view
from discussions.search import SearchForm, search_week


@require_safe
@login_not_required  # public seminars are readable logged out; the decorator checks
@week_view()
def search(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    hits = search_week(access, form.cleaned_data["q"]) if form.is_valid() else []
    context = {
        "access": access,
        "week": access.week,
        "seminar": access.week.seminar,
        "current_seminar": access.week.seminar,
        "form": form,
        "hits": hits,
        "searched": form.is_bound and form.is_valid(),
    }
    return render(request, "weeks/search.html", context)
