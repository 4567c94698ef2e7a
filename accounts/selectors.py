"""Read-only queries about a user's seminars, for the site header and home."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Subquery

from accounts.models import User
from core.models import Enrollment, Seminar


def user_seminars(user: User | AnonymousUser) -> list[tuple[Seminar, str | None]]:
    """The seminars the user belongs to with their role there (an Enrollment.Role value),
    newest first, in one query — the data of the header's seminar switcher.

    Superusers get every seminar (role None where they are not enrolled); anonymous
    users get none. Public seminars the user merely visits are not included.
    """
    if not user.is_authenticated:
        return []
    role = Enrollment.objects.filter(user_id=user.pk, seminar_id=OuterRef("pk")).values("role")[:1]
    seminars = Seminar.objects.annotate(member_role=Subquery(role))
    if not user.is_superuser:
        seminars = seminars.filter(member_role__isnull=False)
    return [(seminar, seminar.member_role) for seminar in seminars]
