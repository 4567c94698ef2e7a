"""The request type of views that answer htmx.

django-htmx's HtmxMiddleware (seminar.settings) sets `request.htmx` on every request:
truthy for an htmx request (HX-Request: true), with the other HX-* headers as attributes
(`request.htmx.target`, ...). Views annotate their request as HtmxHttpRequest so that the
type checker knows the attribute; at run time it is the ordinary HttpRequest.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
