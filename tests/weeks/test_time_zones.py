"""Times in the viewer's zone: the profile's zone, else the seminar's; one wording
("Sun 3 Sep, 5:29 pm EDT") on pages, in emails (the recipient's zone) and in the calendar
feed; deadlines also say how far away they are."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from core import timefmt
from core.access import week_for_user
from core.models import Seminar, Week
from discussions.models import Comment
from notifications.outbox import sweep
from notifications.reminders import reminders_send_due
from tests.conftest import PASSWORD, enroll, make_user, make_week

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
# 21:30 UTC on 3 Sep 2023: 5:30 pm in New York (EDT), 11:30 pm in Berlin (CEST).
INSTANT = dt.datetime(2023, 9, 3, 21, 30, tzinfo=dt.UTC)


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


# --- The rule -------------------------------------------------------------------------------


def test_the_viewers_own_zone_wins_over_the_seminars():
    traveller = User(email="t@example.edu", time_zone="Europe/Berlin")
    assert timefmt.viewer_zone(traveller, NY) == BERLIN


def test_without_a_zone_of_their_own_the_viewer_reads_the_seminars_zone():
    assert timefmt.viewer_zone(User(email="h@example.edu"), NY) == NY
    assert timefmt.viewer_zone(None, "Asia/Tokyo") == ZoneInfo("Asia/Tokyo")


def test_an_unknown_stored_zone_falls_back_to_the_seminars():
    assert timefmt.viewer_zone(User(email="x@example.edu", time_zone="Mars/Olympus"), NY) == NY


def test_one_wording_names_the_zone_in_each_viewers_zone():
    assert timefmt.format_time(INSTANT, NY) == "Sun 3 Sep, 5:30 pm EDT"
    assert timefmt.format_time(INSTANT, BERLIN) == "Sun 3 Sep, 11:30 pm CEST"
    assert timefmt.format_time(INSTANT, ZoneInfo("Asia/Kolkata")) == "Mon 4 Sep, 3:00 am IST"


def test_zones_without_a_letter_abbreviation_read_as_utc_offsets():
    assert timefmt.format_time(INSTANT, ZoneInfo("Europe/Istanbul")).endswith("12:30 am UTC+3")
    assert timefmt.format_time(INSTANT, ZoneInfo("Asia/Kathmandu")).endswith("UTC+5:45")


def test_daylight_saving_changes_the_named_zone_and_the_clock_time():
    before = dt.datetime(2024, 3, 10, 6, 30, tzinfo=dt.UTC)  # 1:30 am EST
    after = before + dt.timedelta(hours=1)  # 3:30 am EDT: 2 am never happened
    assert timefmt.format_time(before, NY) == "Sun 10 Mar, 1:30 am EST"
    assert timefmt.format_time(after, NY) == "Sun 10 Mar, 3:30 am EDT"
    # Europe changes two weeks later: on 10 March Berlin is still on winter time.
    assert timefmt.format_time(after, BERLIN) == "Sun 10 Mar, 8:30 am CET"


def test_local_time_is_a_pure_function_of_instant_and_zone():
    iso, text = timefmt.local_time(INSTANT, BERLIN)
    assert (iso, text) == ("2023-09-03T23:30:00+02:00", "Sun 3 Sep, 11:30 pm CEST")
    assert timefmt.local_time(INSTANT, BERLIN) == (iso, text)
    assert timefmt.local_time(INSTANT, NY) != (iso, text)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (dt.timedelta(days=2, hours=3), "in 2 days 3 hours"),
        (dt.timedelta(days=2, hours=3, minutes=40), "in 2 days 3 hours"),
        (dt.timedelta(hours=2, minutes=40), "in 2 hours 40 minutes"),
        (-dt.timedelta(hours=2), "2 hours ago"),
        (-dt.timedelta(days=1, hours=1), "1 day 1 hour ago"),
    ],
)
def test_deadlines_say_how_far_away_they_are_in_two_units(delta, expected):
    assert timefmt.relative_time(INSTANT + delta, INSTANT) == expected


def test_the_template_filter_uses_the_active_zone_or_the_one_given():
    template = Template(
        '<time datetime="{{ t|when_iso }}">{{ t|when }}</time> {{ t|when:"Asia/Tokyo" }}'
    )
    with timezone.override(BERLIN):
        html = template.render(Context({"t": INSTANT}))
    assert html == (
        '<time datetime="2023-09-03T23:30:00+02:00">Sun 3 Sep, 11:30 pm CEST</time> '
        "Mon 4 Sep, 6:30 am JST"
    )


# --- Pages ----------------------------------------------------------------------------------


@pytest.fixture
def commented_week(seminar: Seminar, student: User) -> Week:
    week = make_week(seminar, deadline=INSTANT + dt.timedelta(days=7))
    question = week.sections.first().questions.first()
    comment = Comment.objects.create(week=week, question=question, author=student, body="Hi")
    Comment.objects.filter(pk=comment.pk).update(created_at=INSTANT)
    return week


def test_week_page_shows_comment_times_and_deadlines_in_the_viewers_zone(
    commented_week, student, other_student
):
    other_student.time_zone = "Europe/Berlin"
    other_student.save()

    home = client_for(student).get(commented_week.get_absolute_url()).content.decode()
    away = client_for(other_student).get(commented_week.get_absolute_url()).content.decode()

    assert "Sun 3 Sep, 5:30 pm EDT" in home and "CEST" not in home
    assert "Sun 3 Sep, 11:30 pm CEST" in away  # the comment
    assert "Sun 10 Sep 2023, 11:30 pm CEST" in away  # the deadline (another year: named)
    assert "EDT" not in away


def test_the_access_object_carries_the_viewers_zone(commented_week, student, other_student):
    other_student.time_zone = "Asia/Tokyo"
    other_student.save()
    slugs = (commented_week.seminar.slug, commented_week.slug)
    assert week_for_user(student, *slugs).tz == NY
    assert week_for_user(other_student, *slugs).tz == ZoneInfo("Asia/Tokyo")


def test_profile_saves_a_time_zone_and_blank_means_the_seminars(student):
    client = client_for(student)
    page = client.get("/profile/").content.decode()
    assert "Each seminar&#x27;s own time zone" in page and "Europe/Berlin" in page

    response = client.post(
        "/profile/", {"display_name": "Sam", "time_zone": "Europe/Berlin", **EMAIL_PREFS}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.time_zone == "Europe/Berlin"

    client.post("/profile/", {"display_name": "Sam", "time_zone": "", **EMAIL_PREFS})
    student.refresh_from_db()
    assert student.time_zone == ""


EMAIL_PREFS = {"email_reply_notices": User.ReplyNotices.BATCHED}


def test_an_unknown_zone_is_refused_next_to_the_field_keeping_the_rest(student):
    response = client_for(student).post(
        "/profile/", {"display_name": "Sam Typed", "time_zone": "Mars/Olympus", **EMAIL_PREFS}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a known time zone" in page
    assert "Sam Typed" in page
    student.refresh_from_db()
    assert student.time_zone == ""


# --- Emails and the calendar feed -----------------------------------------------------------


def test_reminder_emails_use_each_recipients_zone(seminar):
    home = enroll(make_user("home@example.edu"), seminar)
    away = enroll(make_user("away@example.edu", time_zone="Europe/Berlin"), seminar)
    week = make_week(seminar, deadline=timezone.now() + dt.timedelta(hours=30))

    reminders_send_due()
    sweep()

    bodies = {m.to[0]: (m.subject, m.body, m.alternatives[0].content) for m in mail.outbox}
    for email, zone in ((home.email, NY), (away.email, BERLIN)):
        expected = timefmt.format_time(week.deadline, zone)
        subject, text, html = bodies[email]
        assert expected in subject and expected in text and expected in html


def test_calendar_feed_writes_deadlines_in_the_users_zone_with_its_definition(seminar):
    user = enroll(make_user("feed@example.edu", time_zone="Europe/Berlin"), seminar)
    week = make_week(seminar, deadline=INSTANT)
    home = enroll(make_user("feed-home@example.edu"), seminar)

    def deadline_event(who: User):
        body = Client().get(reverse("profile:calendar", args=[who.calendar_token])).content
        calendar = Calendar.from_ical(body)
        uid = f"week-{week.pk}-deadline"
        (event,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(uid)]
        return calendar, event

    calendar, event = deadline_event(user)
    start = event.decoded("DTSTART")
    assert start == week.deadline
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "Due Sun 3 Sep 2023, 11:30 pm CEST" in str(event["DESCRIPTION"]) or (
        "Due Sun 3 Sep, 11:30 pm CEST" in str(event["DESCRIPTION"])
    )

    _, event = deadline_event(home)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert "5:30 pm EDT" in str(event["DESCRIPTION"])
