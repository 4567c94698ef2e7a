"""The ceiling benchmark runs at small sizes, prints its ratios last and leaves nothing."""

from __future__ import annotations

import io
import re

from django.core.management import call_command

from core.models import Seminar

LAST_LINE = re.compile(
    r"^ceiling_ratio_repeat_5=(\d+\.\d+) ceiling_ratio_first_5=(\d+\.\d+) "
    r"first_ms_5=(\d+\.\d+) repeat_ms_5=(\d+\.\d+) "
    r"growth_12_vs_5=(\d+\.\d+) queries_repeat=(\d+)$"
)


def test_bench_ceiling_prints_ratios_for_every_viewer_and_rolls_back(db):
    out = io.StringIO()

    call_command("bench_ceiling", sizes="5,12", runs=1, stdout=out)

    lines = out.getvalue().strip().splitlines()
    match = LAST_LINE.match(lines[-1])
    assert match, lines[-1]
    assert float(match[1]) > 0
    assert float(match[2]) > 0
    assert int(match[6]) > 0
    table = "\n".join(lines)
    for role in ("student", "lead", "staff"):
        assert re.search(rf"\b12\s+{role}\s+repeat\b", table)
        assert re.search(rf"\b5\s+{role}\s+first\b", table)
        # Each viewer's own ceiling: their page's bytes, prebuilt, measured alongside.
        assert re.search(rf"\b5\s+{role}\s+ceiling\b.*100\.0%", table)
    assert not Seminar.objects.filter(slug__startswith="ceiling-").exists()
