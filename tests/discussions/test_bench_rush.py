"""The deadline-rush benchmark: students posting through the no-JS forms to a real gunicorn
server (2 sync workers), retrying with the same bytes after a timeout."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from bench.rush import Tally
from core.models import Seminar

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_small_rush_of_answers_and_replies_loses_doubles_and_fails_nothing() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn needs a database another process can open (CI runs PostgreSQL)")
    out = io.StringIO()
    call_command("bench_rush", students=5, window=5, seed=1, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    figures = dict(re.findall(r"(\w+)=([\d.]+)", last))
    assert figures["rush_students"] == "5"
    assert figures["posts"] == figures["accepted"] == "15"  # 2 answers + 1 reply each
    assert figures["lost"] == figures["doubled"] == figures["errors"] == "0"
    for kind in ("answer_post", "reply_post", "redirected_get"):
        assert float(figures[f"{kind}_p99_ms"]) >= float(figures[f"{kind}_p50_ms"]) > 0
    # The throwaway seminar and its students are gone.
    assert not Seminar.objects.filter(slug__startswith="rush-").exists()
    assert not User.objects.filter(email__startswith="rush-").exists()


def test_the_rush_percentiles_are_nearest_rank() -> None:
    tally = Tally()
    for ms in range(1, 101):
        tally.add("answer POST", float(ms), 303)
    assert tally.percentile("answer POST", 0.50) == 50.0
    assert tally.percentile("answer POST", 0.99) == 99.0
    assert tally.percentile("reply POST", 0.99) == 0.0
    assert tally.errors == 0
    tally.add("redirected GET", 5.0, 0)
    tally.add("redirected GET", 5.0, 502)
    assert tally.errors == 2
