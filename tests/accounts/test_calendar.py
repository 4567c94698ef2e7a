"""The personal calendar feed: valid iCalendar, only the user's seminars and published
weeks, the user's own duties, no login needed, a reset token revokes the old URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from core.models import Extension, QuestionSection, Seminar, Week, WeekDuty
from pages.profile_services import calendar_token_reset
from tests.conftest import enroll, make_user, make_week


def feed_url(user) -> str:
    return reverse("profile:calendar", args=[user.calendar_token])


def fetch(user) -> Calendar:
    response = Client().get(feed_url(user))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_feed_is_valid_icalendar_with_required_properties(student, week):
    response = Client().get(feed_url(student))

    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert uids and len(uids) == len(set(uids))
    for event in calendar.walk("VEVENT"):
        assert event["DTSTAMP"]
        assert event["DTSTART"]
        assert str(event["URL"]).startswith("http://testserver/")


def test_titles_with_commas_semicolons_and_accents_survive_escaping_and_folding(student, week):
    title = "Risks; misuse, \\backslashes — and a very long title " + "ÿ" * 60
    Week.objects.filter(pk=week.pk).update(title=title)

    response = Client().get(feed_url(student))

    lines = response.content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"Risks\\; misuse\\, \\\\backslashes" in response.content
    summaries = events(Calendar.from_ical(response.content))
    assert f"Posts due: LLM Risks, Week 1: {title}" in summaries


def test_feed_has_the_week_deadline_at_its_instant_and_links_the_week(student, week):
    event = events(fetch(student))["Posts due: LLM Risks, Week 1"]

    assert event.decoded("DTSTART") == week.deadline.replace(microsecond=0)
    assert str(event["URL"]) == f"http://testserver{week.get_absolute_url()}"


def test_feed_has_section_deadlines_and_the_late_cutoff(student, seminar):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    week = make_week(seminar, deadline=now + dt.timedelta(days=3))
    week.cutoff = now + dt.timedelta(days=5)
    week.save()
    monday = QuestionSection.objects.get(week=week, position=0)
    monday.day_label = "Monday"
    monday.deadline = now + dt.timedelta(days=1)
    monday.save()

    found = events(fetch(student))

    assert found["Posts due (Monday): LLM Risks, Week 1"].decoded("DTSTART") == (monday.deadline)
    assert found["Late posts close: LLM Risks, Week 1"].decoded("DTSTART") == week.cutoff


def test_a_students_extension_moves_their_deadline_and_cutoff(student, other_student, seminar):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    week = make_week(seminar, deadline=now + dt.timedelta(days=1))
    week.cutoff = now + dt.timedelta(days=2)
    week.save()
    Extension.objects.create(
        week=week,
        user=student,
        deadline=now + dt.timedelta(days=4),
        cutoff=now + dt.timedelta(days=6),
    )

    mine = events(fetch(student))
    theirs = events(fetch(other_student))

    due = "Posts due: LLM Risks, Week 1"
    closes = "Late posts close: LLM Risks, Week 1"
    assert mine[due].decoded("DTSTART") == now + dt.timedelta(days=4)
    assert "extension" in str(mine[due]["DESCRIPTION"])
    assert mine[closes].decoded("DTSTART") == now + dt.timedelta(days=6)
    assert theirs[due].decoded("DTSTART") == now + dt.timedelta(days=1)
    assert theirs[closes].decoded("DTSTART") == now + dt.timedelta(days=2)


def test_feed_leaves_out_draft_and_scheduled_weeks(student, seminar):
    make_week(seminar, number=1)
    make_week(seminar, number=2, status=Week.Status.DRAFT)
    make_week(
        seminar,
        number=3,
        status=Week.Status.SCHEDULED,
        publish_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
    )

    summaries = " ".join(events(fetch(student)))

    assert "Week 1" in summaries
    assert "Week 2" not in summaries
    assert "Week 3" not in summaries


def test_feed_shows_lead_duty_as_a_whole_day_on_class_date(lead, week):
    week.class_date = dt.date(2026, 9, 14)
    week.save()

    found = events(fetch(lead))

    duty = found["You lead LLM Risks, Week 1"]
    assert duty.decoded("DTSTART") == dt.date(2026, 9, 14)
    assert duty.decoded("DTEND") == dt.date(2026, 9, 15)
    deadline = found["Posts due: LLM Risks, Week 1"]
    assert "exempt from posting" in str(deadline["DESCRIPTION"])


def test_feed_shows_blog_duty_and_draft_and_final_due_dates(blogger, week, seminar):
    seminar.blog_draft_due_days = 3
    seminar.blog_final_due_days = 7
    seminar.save()
    week.class_date = dt.date(2026, 9, 14)
    week.save()

    found = events(fetch(blogger))

    assert found["You blog LLM Risks, Week 1"].decoded("DTSTART") == dt.date(2026, 9, 14)
    assert found["Blog draft due: LLM Risks, Week 1"].decoded("DTSTART") == dt.date(2026, 9, 17)
    assert found["Blog final due: LLM Risks, Week 1"].decoded("DTSTART") == dt.date(2026, 9, 21)


def test_duty_on_a_draft_week_links_the_seminar_not_the_hidden_week(student, seminar):
    draft = make_week(seminar, number=4, status=Week.Status.DRAFT, class_date=dt.date(2026, 10, 1))
    WeekDuty.objects.create(week=draft, user=student, team=WeekDuty.Team.LEAD)

    duty = events(fetch(student))["You lead LLM Risks, Week 4"]

    assert str(duty["URL"]) == f"http://testserver{seminar.get_absolute_url()}"


def test_feed_shows_only_the_users_own_seminars_and_duties(student, other_student, week):
    other = Seminar.objects.create(title="Other course", slug="other")
    make_week(other, number=1)
    WeekDuty.objects.create(week=week, user=other_student, team=WeekDuty.Team.LEAD)

    summaries = " ".join(events(fetch(student)))

    assert "Other course" not in summaries
    assert "You lead" not in summaries


def test_feed_needs_no_login_but_an_unknown_token_is_404(student, week):
    assert Client().get(reverse("profile:calendar", args=["not-a-token"])).status_code == 404


def test_resetting_the_token_makes_the_old_url_404(student, week):
    old_url = feed_url(student)

    calendar_token_reset(user=student)

    assert Client().get(old_url).status_code == 404
    assert Client().get(feed_url(student)).status_code == 200


def test_resetting_the_calendar_also_revokes_private_blog_feed_urls(student, seminar, week):
    feeds = pytest.importorskip("blog.feeds")
    client = Client()
    client.force_login(student)
    old_feed = reverse("blog:private_feed", args=[seminar.slug, feeds.feed_token(student, seminar)])
    assert Client().get(old_feed).status_code == 200

    client.post(reverse("profile:calendar_reset"))

    student.refresh_from_db()
    assert Client().get(old_feed).status_code == 404
    new_feed = reverse("blog:private_feed", args=[seminar.slug, feeds.feed_token(student, seminar)])
    assert Client().get(new_feed).status_code == 200


def test_inactive_users_feed_is_404(student, week):
    student.is_active = False
    student.save()

    assert Client().get(feed_url(student)).status_code == 404


def test_feed_refuses_post(student):
    assert Client().post(feed_url(student)).status_code == 405


@pytest.mark.parametrize("weeks", [1, 6])
def test_feed_query_count_does_not_grow_with_weeks(
    weeks, student, seminar, django_assert_max_num_queries
):
    second = Seminar.objects.create(title="Second", slug="second")
    enroll(student, second)
    for number in range(1, weeks + 1):
        for place in (seminar, second):
            week = make_week(place, number=number, class_date=dt.date(2026, 9, number))
            WeekDuty.objects.create(
                week=week,
                user=make_user(f"s{number}-{place.slug}@example.edu"),
                team=WeekDuty.Team.BLOG,
            )
    WeekDuty.objects.create(week=week, user=student, team=WeekDuty.Team.LEAD)

    with django_assert_max_num_queries(6):  # the token, then the five of calendar_entries
        response = Client().get(feed_url(student))

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) >= 2 * weeks
