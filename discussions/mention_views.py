"""The members a comment may @mention, for the editor's autocomplete (static/js/mentions.js).

JSON, for members of this seminar only: a visitor of a public seminar, another seminar's
staff or an outsider learns nobody's name here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.access import SeminarAccess, seminar_view
from discussions.mentions import members


@login_not_required
@require_GET
@seminar_view("is_member", "Only members of this seminar see who is in it.")
def mentionable(request: HttpRequest, access: SeminarAccess) -> JsonResponse:
    found = [{"handle": m.handle, "name": m.name} for m in members(access.seminar.pk)]
    response = JsonResponse({"members": found})
    response["Cache-Control"] = "private, max-age=300"
    return response
