"""The profile page: name, pronouns, email preferences, the calendar feed URL, the data
download and closing the account. Every page is the logged-in user's own; nothing here
takes another user's id.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.lib.ratelimit import Rate, hit
from pages import profile_services
from pages.profile_export import export_zip
from pages.profile_forms import DeleteAccountForm, ProfileForm

DELETE_RATE = Rate.parse("5/15m")


def calendar_url(request: AuthenticatedHttpRequest) -> str:
    return request.build_absolute_uri(
        reverse("profile:calendar", args=[request.user.calendar_token])
    )


@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A copy: a refused form must not leak its typed values into the header's user.name.
    form = ProfileForm(request.POST or None, instance=copy.copy(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile:page")
    context = {"form": form, "calendar_url": calendar_url(request)}
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@require_POST
def calendar_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile_services.calendar_token_reset(user=request.user)
    messages.success(
        request,
        "Your calendar has a new address: the old one no longer works. "
        "Subscribe again with the new one (your private blog feed addresses changed too).",
    )
    return redirect(f"{reverse('profile:page')}#calendar")


@require_safe
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    body = export_zip(request.user, request.build_absolute_uri)
    filename = f"seminar-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    # The form checks the password: a borrowed session must not be able to guess it.
    if request.method == "POST" and not hit("profile.delete", str(request.user.pk), DELETE_RATE):
        form.full_clean()
        form.errors.clear()
        form.add_error(None, "Too many attempts. Wait a quarter of an hour and try again.")
        return render(request, "accounts/profile_delete.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        profile_services.account_delete(user=request.user)
        logout(request)
        return render(request, "accounts/profile_deleted.html")
    status = 400 if form.errors else 200
    return render(request, "accounts/profile_delete.html", {"form": form}, status=status)
