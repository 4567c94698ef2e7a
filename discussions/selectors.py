"""Reads for the discussion on a week page (filled in by the discussion work)."""

from __future__ import annotations

from typing import Any

from seminar.access import WeekAccess


def week_discussion_context(access: WeekAccess) -> dict[str, Any]:
    """Extra template context the week page needs to show its discussion."""
    return {}
