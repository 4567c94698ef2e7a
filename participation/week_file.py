"""The week's participation rule as week files carry it (`[rule] alternatives = "…"`):
lent to core's exporter and importer through core.hooks in `ready()`."""

from __future__ import annotations

from core.models import Week
from participation.models import WeekRule


class WeekRuleFile:
    def alternatives(self, week: Week) -> str:
        value = WeekRule.objects.filter(week=week).values_list("alternatives", flat=True).first()
        return value or ""

    def set_alternatives(self, week: Week, value: str) -> None:
        """A blank value keeps an existing row blank (the seminar's rule) and makes none."""
        if value:
            WeekRule.objects.update_or_create(week=week, defaults={"alternatives": value})
        else:
            WeekRule.objects.filter(week=week).update(alternatives="")
