"""The one-click unsubscribe page: a signed link from an email, no login needed.

GET shows what the link turns off and a confirm button (mail scanners follow links, so
GET never changes anything); POST turns it off — the button, or a mail client's RFC 8058
one-click POST (`List-Unsubscribe=One-Click`), which carries no CSRF token: the signed
token is the proof, so the view is CSRF-exempt.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User
from notifications.emails import CATEGORIES, preference_turn_off, read_unsubscribe_token, wants


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404("This unsubscribe link is not valid.")
    user = User.objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    category = found[1]
    context = {
        "email": user.email,
        "category": category,
        "label": CATEGORIES[category],
        "subscribed": wants(user, category),
    }
    if request.method == "POST":
        preference_turn_off(user, category)
        return render(request, "notifications/unsubscribed.html", context)
    return render(request, "notifications/unsubscribe.html", context)
