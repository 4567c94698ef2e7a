"""The admin's login page is the site's login page.

Django's admin has its own login form, which no rate limit guards. seminar/urls.py routes
/admin/login/ (reverse("admin:login"), where the admin sends anyone it does not let in)
here instead: anonymous visitors go to allauth's login page with next=<the admin page>,
so the admin's staff sign in through the same throttled login as everyone else
(ACCOUNT_RATE_LIMITS["login_failed"] in seminar/settings.py, counted in the cache).
A POST here signs nobody in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.lib.http import safe_next

NOT_ADMIN_STAFF = (
    "You are signed in as {email}, who may not use the admin. "
    "Log out first to sign in with another account."
)


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """Send the visitor to allauth's login page and back to the admin page they asked for
    (a `next` off this site is replaced by the admin's index)."""
    target = safe_next(request, reverse("admin:index"), target=request.GET.get("next", ""))
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(target)
        # Signed in but not admin staff: the login page would send them straight back
        # here (allauth redirects signed-in visitors to next), so say why instead.
        raise PermissionDenied(NOT_ADMIN_STAFF.format(email=request.user.get_username()))
    login = reverse("account_login")
    return HttpResponseRedirect(f"{login}?{urlencode({'next': target})}")
