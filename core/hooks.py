"""Services a higher layer lends to the lower ones: a small registry filled in `ready()`.

Signals (`<app>/events.py`) tell the upper layers that something happened; this is for
the few places where a lower layer needs an answer back from the mail layer (how many
invitations or reminders were queued, when a week was last nudged), or, for week files,
the week's participation rule. The notifications app provides the mailer in
`NotificationsConfig.ready()`, participation the week rule in its `ready()`; asking before
that is a configuration error, never something to skip quietly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser
    from django.db.models import QuerySet

    from core.models import Week


class Mailer(Protocol):
    def write_invitations(self, entries: QuerySet[Any], *, resend: bool = False) -> int:
        """Queue an invitation per roster entry without an account; how many are new."""
        ...

    def cancel_invitations(self, entry_ids: list[int]) -> int:
        """Mark the invitations of these roster entries not sent yet as expired (in the
        caller's transaction), so no worker or sweep sends them; how many."""
        ...

    def nudge(self, week: Week, actor: AbstractUser) -> int:
        """Remind every student who still owes a post for `week`; how many are new."""
        ...

    def nudge_history(self, week_ids: list[int]) -> dict[int, dict[str, Any]]:
        """For each week nudged by hand: {"last": datetime, "count": emails}."""
        ...


class WeekRuleStore(Protocol):
    """The week's participation rule, which week files carry (the participation app owns it)."""

    def alternatives(self, week: Week) -> str:
        """What may stand in for a missing answer this week ("" the seminar's rule)."""
        ...

    def set_alternatives(self, week: Week, value: str) -> None:
        """Set it ("" goes back to the seminar's rule)."""
        ...


_mailer: Mailer | None = None
_week_rule: WeekRuleStore | None = None


def provide_mailer(mailer: Mailer) -> None:
    global _mailer  # noqa: PLW0603 — the registry is this one module-level slot
    _mailer = mailer


def mailer() -> Mailer:
    """The mailer the notifications app provided; ImproperlyConfigured without it."""
    if _mailer is None:
        raise ImproperlyConfigured("No app provides the mailer (is notifications installed?)")
    return _mailer


def provide_week_rule(store: WeekRuleStore) -> None:
    global _week_rule  # noqa: PLW0603 — the registry is this one module-level slot
    _week_rule = store


def week_rule() -> WeekRuleStore:
    """The week-rule store the participation app provided; ImproperlyConfigured without it."""
    if _week_rule is None:
        raise ImproperlyConfigured("No app provides the week rule (is participation installed?)")
    return _week_rule
