"""Helpers for roster and sign-up tests: CSV text, cheap password hashing, a clean
rate-limit cache, and running on-commit callbacks (where invitations are queued)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

# The browser fixtures of the e2e harness, for test_browser.py.
from tests.e2e.conftest import browser, page  # noqa: F401


def roster_csv(rows: list[tuple[str, str, str]], header: bool = True) -> str:
    lines = ["email,name,role"] if header else []
    lines += [",".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def class_of(count: int, role: str = "student") -> list[tuple[str, str, str]]:
    return [(f"student{i:02d}@example.edu", f"Student {i:02d}", role) for i in range(count)]


@pytest.fixture(autouse=True)
def clean_cache():
    """allauth keeps rate-limit counters in the cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()
