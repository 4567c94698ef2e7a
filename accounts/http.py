"""Request types for views whose visitor is signed in.

LoginRequiredMiddleware (seminar.settings) sends anonymous visitors to the login page
before any view not marked @login_not_required runs, and the admin site lets in only
active staff: there `request.user` is always an accounts.User, never AnonymousUser.
Annotating the request with these classes tells the type checker so (django-stubs'
documented pattern); at run time the request is the ordinary HttpRequest.

Where a method's signature is Django's (ModelAdmin.save_model) or a view lets anonymous
visitors in and refuses them in its own access check, `signed_in_user(request)` gives
the user, checked; `account(user)` does the same for the user of a core.access object,
which the core layer (below accounts) can only call an AbstractUser.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User
from core.lib.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedHtmxHttpRequest(HtmxHttpRequest):
    """A signed-in visitor's request, with django-htmx's `request.htmx`."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a request only a signed-in user gets this far with;
    PermissionDenied (403) for an anonymous visitor, who never should."""
    return account(request.user)


def account(user: AbstractBaseUser | AnonymousUser) -> User:
    """`user` as the accounts.User it is once an access check has let it through;
    PermissionDenied (403) for an anonymous visitor, who never should get this far."""
    if not isinstance(user, User):
        raise PermissionDenied
    return user
