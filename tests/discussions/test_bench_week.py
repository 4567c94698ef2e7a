"""The week-page benchmark command runs, reports in its fixed format and leaves nothing behind."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from core.models import Seminar
from discussions.models import Comment

LAST_LINE = re.compile(r"^render_ms_median=(\d+\.\d+) queries=(\d+) comments=(\d+)$")


def test_bench_week_prints_its_figures_last_and_rolls_everything_back(db):
    out = io.StringIO()

    call_command("bench_week", comments=20, runs=2, stdout=out)

    lines = out.getvalue().strip().splitlines()
    match = LAST_LINE.match(lines[-1])
    assert match, lines[-1]
    assert float(match[1]) > 0
    assert int(match[2]) > 0
    assert int(match[3]) == 20
    assert "HTTP 200" in out.getvalue()
    assert not Seminar.objects.filter(slug__startswith="bench-").exists()
    assert not User.objects.filter(email__endswith="@example.invalid").exists()
    assert not Comment.objects.exists()


def test_bench_week_refuses_nonsense_arguments(db):
    with pytest.raises(CommandError, match="--runs at least 1"):
        call_command("bench_week", comments=5, runs=0, stdout=io.StringIO())
