"""@mentions: who of a seminar can be mentioned, by which handle, and who a text mentions.

A member's handle is their shown name without spaces or punctuation (`@SamStudent`); when
two members' names give the same handle, the later account's handle ends with its number
(`@SamStudent42`). Only members of the comment's own seminar are mentionable: any other
`@word` stays plain text and notifies nobody. The sanitising renderer (core/lib/markdown.py)
turns the mentions into links when a comment is saved; notifications tell the people
mentioned, once per comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from accounts.models import User
from core.lib.markdown import mentioned_handles

_NOT_HANDLE = re.compile(r"\W+")


@dataclass(frozen=True)
class Member:
    pk: int
    name: str
    handle: str


def members(seminar_id: int) -> list[Member]:
    """The seminar's active members with their handles, by name (one query)."""
    users = (
        User.objects.filter(enrollments__seminar_id=seminar_id, is_active=True)
        .distinct()
        .order_by("pk")
        .only("pk", "email", "first_name", "last_name", "display_name")
    )
    found, taken = [], set()
    for user in users:
        base = _NOT_HANDLE.sub("", user.name) or f"member{user.pk}"
        handle = base if base.lower() not in taken else f"{base}{user.pk}"
        taken.add(handle.lower())
        found.append(Member(pk=user.pk, name=user.name, handle=handle))
    return sorted(found, key=lambda m: m.name.lower())


def mention_links(seminar_id: int, seminar_slug: str) -> dict[str, str]:
    """Each member's lowercase handle -> where its mention links (the seminar's schedule,
    which names every member's team)."""
    href = reverse("teams:schedule", args=[seminar_slug])
    return {m.handle.lower(): href for m in members(seminar_id)}


def mentioned_ids(body: str, seminar_id: int) -> set[int]:
    """The members of the seminar that `body` mentions (no query without an `@`)."""
    if "@" not in body:
        return set()
    by_handle = {m.handle.lower(): m.pk for m in members(seminar_id)}
    found = mentioned_handles(body, dict.fromkeys(by_handle, ""))
    return {by_handle[h] for h in found}
