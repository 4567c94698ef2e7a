"""A class of students for team tests: `students(n)` enrolls n more students."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import User
from core.models import Seminar
from tests.conftest import enroll, make_user


@pytest.fixture
def students(seminar: Seminar) -> Callable[[int], list[User]]:
    made: list[User] = []

    def make(count: int) -> list[User]:
        start = len(made)
        new = [enroll(make_user(f"s{start + i:02d}@example.edu"), seminar) for i in range(count)]
        made.extend(new)
        return new

    return make
