"""Who may see an image just uploaded: the session that uploaded it.

An image is shown in the editor's preview before any post refers to it, so the upload view
records its name in the writer's session (sessions live in the database: every web replica
sees them). Once a post shows it, members of that post's seminar see it too (pages/media.py).
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "seminar_uploads"
# The most recent names kept per session; older ones are visible once a post shows them.
KEEP = 200


def remember_upload(request: HttpRequest, name: str) -> None:
    names = [n for n in request.session.get(SESSION_KEY, []) if n != name]
    request.session[SESSION_KEY] = [*names[-(KEEP - 1) :], name]


def uploaded_in_session(request: HttpRequest, name: str) -> bool:
    return name in request.session.get(SESSION_KEY, [])
