"""The week page's throughput benchmark: a real gunicorn server and a keep-alive client."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from core.models import Seminar

pytestmark = pytest.mark.django_db(transaction=True)


def figures(out: io.StringIO) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=([\d.]+)", out.getvalue().strip().splitlines()[-1]))


def test_the_week_page_serves_every_request_and_the_throwaway_seminar_is_removed() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn needs a database another process can open (CI runs PostgreSQL)")
    out = io.StringIO()
    call_command(
        "bench_page", comments=30, seconds=1.5, concurrency=2, workers=1, threads=2, warmup=0,
        stdout=out,
    )  # fmt: skip
    result = figures(out)
    assert result["errors"] == "0"
    assert int(result["ok"]) > 0 and float(result["page_rps"]) > 0
    assert int(result["kb"]) > 10  # the page with its 30 comments, not an error page
    assert "Week page with 30 comments" in out.getvalue()
    assert not Seminar.objects.filter(slug__startswith="page-").exists()
    assert not User.objects.filter(email__startswith="page-").exists()


@pytest.mark.parametrize("url", ["http://example.org/", "http://127.0.0.1/no-port/"])
def test_it_measures_only_a_local_server_with_a_port(url: str) -> None:
    with pytest.raises(CommandError, match="127.0.0.1:PORT"):
        call_command("bench_page", url=url, stdout=io.StringIO())
