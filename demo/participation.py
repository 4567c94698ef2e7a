"""Participation's part of `seed_demo` (called by demo.weeks.build_demo).

- the demo seminar's participation rule (the seed's: credited replies and comments on the
  readings may stand in for an answer), which the demo's staff edit in the admin as
  staff of the seminar;
- an extension for the last demo student in the open week, and a staff override (with a
  note) for the second-to-last in the closed week, so the matrix shows both.

- a roster entry with a student ID (DEMO0001, …) for every demo student, so the
  gradebook's Canvas and Moodle files carry the SIS user ID / ID number a real roster
  would.

student1@ is left alone: they owe both sections of the open week, so posting shows the
status going "not yet" → "1 of 2" → "met".
"""

from __future__ import annotations

import datetime as dt

from accounts.models import RosterEntry, RosterRole
from core.models import Extension
from participation.models import SeminarRule, State, StatusOverride

OVERRIDE_NOTE = "Excused: presented the week's reading in class instead (demo)."


def seed_demo(summary) -> None:  # summary: demo.weeks.DemoSummary
    SeminarRule.objects.get_or_create(seminar=summary.seminar)
    roster_ids(summary)
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


def roster_ids(summary) -> None:  # summary: demo.weeks.DemoSummary
    """Every demo student on the roster with a student ID (the gradebook matches by it)."""
    people = [summary.lead, summary.blogger, *summary.students]
    for number, user in enumerate(people, start=1):
        RosterEntry.objects.update_or_create(
            seminar=summary.seminar,
            email=user.email.lower(),
            defaults={
                "name": user.name,
                "role": RosterRole.STUDENT,
                "user": user,
                "student_id": f"DEMO{number:04d}",
            },
        )
    summary.notes.append(
        f"Gradebook: {len(people)} students on the roster with student IDs DEMO0001…"
    )
