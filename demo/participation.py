"""Participation's part of `seed_demo` (called by demo.weeks.build_demo).

- the demo seminar's participation rule (the seed's: credited replies and comments on the
  readings may stand in for an answer), which the demo's staff edit in the admin as
  staff of the seminar;
- an extension for the last demo student in the open week, and a staff override (with a
  note) for the second-to-last in the closed week, so the matrix shows both.

student1@ is left alone: they owe both sections of the open week, so posting shows the
status going "not yet" → "1 of 2" → "met".
"""

from __future__ import annotations

import datetime as dt

from core.models import Extension
from participation.models import SeminarRule, State, StatusOverride

OVERRIDE_NOTE = "Excused: presented the week's reading in class instead (demo)."


def seed_demo(summary) -> None:  # summary: demo.weeks.DemoSummary
    SeminarRule.objects.get_or_create(seminar=summary.seminar)
    students = summary.students
    open_week = summary.weeks.get("open")
    if open_week is not None and open_week.deadline and len(students) >= 3:
        Extension.objects.update_or_create(
            week=open_week,
            user=students[-1],
            defaults={
                "deadline": open_week.deadline + dt.timedelta(days=2),
                "cutoff": None,
                "note": "Demo: conference travel.",
                "granted_by": summary.staff,
            },
        )
        summary.notes.append(f"Participation: {students[-1].email} has a 2-day extension.")
    closed = summary.weeks.get("closed")
    if closed is not None and len(students) >= 3:
        StatusOverride.objects.get_or_create(
            week=closed,
            user=students[-2],
            note=OVERRIDE_NOTE,
            defaults={"state": State.MET, "set_by": summary.staff},
        )
