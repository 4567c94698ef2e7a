"""The deadline-rush benchmark: students posting at once to a real gunicorn server."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from core.models import Seminar

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rush_of_students_posting_at_once_loses_nothing_and_answers_everyone() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn needs a database another process can open (CI runs PostgreSQL)")
    out = io.StringIO()
    call_command("bench_rush", students=40, concurrency=20, workers=2, threads=2, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    figures = dict(re.findall(r"(\w+)=([\d.]+)", last))
    assert figures["rush_students"] == "40"
    assert figures["accepted"] == "40"
    assert figures["lost"] == figures["extra"] == figures["errors"] == "0"
    assert float(figures["p95_ms"]) > 0
    # The throwaway seminar and its students are gone.
    assert not Seminar.objects.filter(slug__startswith="rush-").exists()
    assert not User.objects.filter(email__startswith="rush-").exists()
