"""Deadline reminders: who gets one, when, once — and never after the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core.models import Extension, QuestionSection, Week, WeekDuty
from discussions.models import Comment
from notifications.models import NotificationSettings, OutboxEmail
from notifications.outbox import sweep
from notifications.reminders import reminders_send_due, send_manual_reminders
from tests.conftest import enroll, make_user, make_week
from tests.notifications.conftest import make_class

pytestmark = pytest.mark.django_db


def answer(week: Week, user, section_position: int) -> Comment:
    section = week.sections.get(position=section_position)
    return Comment.objects.create(
        week=week, question=section.questions.first(), author=user, body="My answer."
    )


def reminded() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_moving_the_deadline_to_47_hours_reminds_exactly_the_students_who_owe_once(
    seminar, week, staff, lead, blogger, auditor
):
    week.deadline = timezone.now() + dt.timedelta(days=5)
    week.save()
    done, half, *owing = make_class(seminar, 4)
    answer(week, done, 0)
    answer(week, done, 1)
    answer(week, half, 0)

    assert reminders_send_due() == 0  # five days out: nothing due yet
    week.deadline = timezone.now() + dt.timedelta(hours=47)
    week.save()

    assert reminders_send_due() == 3
    sweep()
    assert reminded() == sorted([half.email, *(u.email for u in owing)])
    # Running the job again (and the sweep) sends nothing more.
    assert reminders_send_due() == 0
    assert sweep() == 0
    assert len(mail.outbox) == 3
    assert set(OutboxEmail.objects.values_list("offset", flat=True)) == {"48h"}


def test_reminder_names_what_is_still_owed_and_the_deadline_in_the_seminars_zone(
    seminar, make_due_week, student
):
    week = make_due_week(hours=30)
    answer(week, student, 0)
    reminders_send_due()
    sweep()
    (message,) = mail.outbox
    assert message.subject.startswith("[LLM Risks] Reminder: your post for Week 1 is due")
    assert "Questions about section 2" in message.body
    assert "Questions about section 1" not in message.body
    local = week.deadline.astimezone(seminar.tz)
    assert f"{local:%a} {local.day} {local:%b}" in message.body
    assert local.strftime("%Z") in message.body
    html = message.alternatives[0].content
    assert "Questions about section 2" in html and "LLM Risks" in html
    assert "https://seminar.example.edu/s/llm-risks/w/week1/" in message.body


def test_the_3_hour_reminder_follows_the_48_hour_one(seminar, make_due_week, student):
    deadline = timezone.now() + dt.timedelta(hours=60)
    make_due_week(hours=60)
    with time_machine.travel(deadline - dt.timedelta(hours=47), tick=False):
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0
    with time_machine.travel(deadline - dt.timedelta(hours=2, minutes=59), tick=False):
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0
    assert sorted(OutboxEmail.objects.values_list("offset", flat=True)) == ["3h", "48h"]


def test_a_reminder_missed_while_down_is_sent_once_and_only_the_latest(
    seminar, make_due_week, student
):
    deadline = timezone.now() + dt.timedelta(hours=60)
    make_due_week(hours=60)
    # Nothing ran for two days: at 2 hours before the deadline both offsets have passed.
    with time_machine.travel(deadline - dt.timedelta(hours=2), tick=False):
        assert reminders_send_due() == 1
        assert sweep() == 1
        assert reminders_send_due() == 0
    assert list(OutboxEmail.objects.values_list("offset", flat=True)) == ["3h"]


def test_never_after_the_deadline(seminar, make_due_week, student):
    deadline = timezone.now() + dt.timedelta(hours=60)
    make_due_week(hours=60)
    with time_machine.travel(deadline + dt.timedelta(minutes=1), tick=False):
        assert reminders_send_due() == 0
    # A reminder written just before the deadline but not sent in time expires unsent.
    with time_machine.travel(deadline - dt.timedelta(minutes=1), tick=False):
        assert reminders_send_due() == 1
    with time_machine.travel(deadline + dt.timedelta(minutes=5), tick=False):
        assert sweep() == 0
    row = OutboxEmail.objects.get()
    assert row.status == OutboxEmail.Status.EXPIRED
    assert mail.outbox == []


def test_exempt_people_and_those_who_opted_out_get_no_reminder(
    seminar, make_due_week, staff, auditor
):
    week = make_due_week(hours=10)
    leader = enroll(make_user("l@example.edu"), seminar)
    WeekDuty.objects.create(week=week, user=leader, team=WeekDuty.Team.LEAD)
    enroll(make_user("quiet@example.edu", email_reminders=False), seminar)
    owing = enroll(make_user("owing@example.edu"), seminar)
    assert reminders_send_due() == 1
    assert OutboxEmail.objects.get().recipient == owing


def test_drafts_get_no_reminders(seminar, make_due_week, student):
    make_due_week(hours=10, status=Week.Status.DRAFT)
    assert reminders_send_due() == 0


def test_sections_with_their_own_deadlines_are_reminded_apart(seminar, make_due_week, student):
    week = make_due_week(hours=24 * 4)
    monday = QuestionSection.objects.get(week=week, position=0)
    monday.deadline = timezone.now() + dt.timedelta(hours=20)
    monday.save()
    assert reminders_send_due() == 1
    row = OutboxEmail.objects.get()
    assert row.subject_key == f"section:{monday.pk}"
    assert "Questions about section 1" in row.text
    assert "Questions about section 2" not in row.text
    # The week's own deadline (section 2) comes into its 48 h window later.
    with time_machine.travel(week.deadline - dt.timedelta(hours=40), tick=False):
        assert reminders_send_due() == 1
    row = OutboxEmail.objects.get(subject_key=f"week:{week.pk}")
    assert "Questions about section 2" in row.text


def test_an_extension_moves_the_reminder(seminar, make_due_week, student, other_student):
    week = make_due_week(hours=10)
    Extension.objects.create(week=week, user=student, deadline=week.deadline + dt.timedelta(days=3))
    assert reminders_send_due() == 1
    assert OutboxEmail.objects.get().recipient == other_student
    with time_machine.travel(week.deadline + dt.timedelta(days=2), tick=False):
        assert reminders_send_due() == 1
    assert OutboxEmail.objects.filter(recipient=student).count() == 1


def test_the_seminar_sets_its_own_offsets(seminar, make_due_week, student):
    NotificationSettings.objects.create(seminar=seminar, reminder_hours="72, 24")
    make_due_week(hours=60)
    assert reminders_send_due() == 1
    assert OutboxEmail.objects.get().offset == "72h"
    NotificationSettings.objects.filter(seminar=seminar).update(reminder_hours="")
    OutboxEmail.objects.all().delete()
    assert reminders_send_due() == 0


def test_manual_nudge_emails_everyone_owing_once_a_day(seminar, make_due_week, staff, student):
    week = make_due_week(hours=24 * 6)
    done = enroll(make_user("done@example.edu"), seminar)
    answer(week, done, 0)
    answer(week, done, 1)
    assert send_manual_reminders(week, staff) == 1
    assert send_manual_reminders(week, staff) == 0  # the second click the same day
    row = OutboxEmail.objects.get()
    assert row.recipient == student
    assert row.offset.startswith("manual-")
    assert staff.name in row.text
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        assert send_manual_reminders(week, staff) == 1


def test_manual_nudge_after_the_cutoff_sends_nothing(seminar, make_due_week, staff, student):
    week = make_due_week(hours=1, late_policy="close")
    with time_machine.travel(week.deadline + dt.timedelta(hours=1), tick=False):
        assert send_manual_reminders(week, staff) == 0


def test_manual_nudge_for_a_week_without_a_deadline_says_the_post_is_owed(seminar, staff, student):
    week = make_week(seminar, deadline=None)
    assert send_manual_reminders(week, staff) == 1
    row = OutboxEmail.objects.get()
    assert (
        row.subject == f"[LLM Risks] Reminder from {staff.name}: your post for Week 1 is still owed"
    )
    assert "is still owed." in row.text and "was" not in row.text.split("Still owed")[0]
