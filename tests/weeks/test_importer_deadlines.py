"""Deadline sentences in the shapes course pages use, read in the seminar's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from core.weekfile.deadlines import find_deadline

NY = zoneinfo.ZoneInfo("America/New_York")
CLASS = dt.date(2023, 9, 3)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Before 5:29pm on Sunday, September 3, everyone should post", (9, 3, 17, 29)),
        ("Please post by 11:59 PM on Sunday, Sept. 3.", (9, 3, 23, 59)),
        ("Deadline: Sunday 3 September, 8pm", (9, 3, 20, 0)),
        ("**(Due: Sun, Sep 3rd, 9 p.m.)**", (9, 3, 21, 0)),
        ("Answers due by 17:00 on 3 Sep.", (9, 3, 17, 0)),
        ("Post until noon on September 4", (9, 4, 12, 0)),
        ("Due 9/2 at 10am", (9, 2, 10, 0)),
        ("Due 2023-09-02 at 10am", (9, 2, 10, 0)),
    ],
)
def test_deadline_shapes(sentence, expected):
    month, day, hour, minute = expected
    found = find_deadline(sentence, tz="America/New_York", near=CLASS)
    assert found is not None
    assert found.when == dt.datetime(2023, month, day, hour, minute, tzinfo=NY)
    assert found.has_time


@pytest.mark.parametrize(
    "sentence",
    [
        "Don't post duplicates - read the others first.",
        "Questions 1--4 and 4--8 are about the paper.",
        "See the paper from September.",
        "Sunday, September 3",  # a date with no word saying it is a deadline
    ],
)
def test_sentences_without_a_deadline(sentence):
    assert find_deadline(sentence, tz="America/New_York", near=CLASS) is None


def test_date_without_time_defaults_to_2359_with_a_warning():
    found = find_deadline("Post by Sunday, September 3.", tz="America/New_York", near=CLASS)
    assert found.when == dt.datetime(2023, 9, 3, 23, 59, tzinfo=NY)
    assert not found.has_time
    assert "gives no time; using 23:59" in found.warnings()[0]


def test_year_is_the_one_closest_to_the_class_date():
    found = find_deadline("Due by 5pm on January 2", tz="UTC", near=dt.date(2023, 12, 28))
    assert found.when.date() == dt.date(2024, 1, 2)


def test_explicit_year_wins():
    found = find_deadline("Due by 5pm on March 1, 2022", tz="UTC", near=CLASS)
    assert found.when.date() == dt.date(2022, 3, 1)


def test_time_zone_is_the_seminars():
    found = find_deadline("Before 5:29pm on Sunday, September 3", tz="Asia/Tokyo", near=CLASS)
    assert found.when.utcoffset() == dt.timedelta(hours=9)


def test_weekday_that_disagrees_with_the_date_is_reported():
    found = find_deadline("Before 5pm on Monday, September 3", tz="UTC", near=CLASS)
    assert found.when.date() == dt.date(2023, 9, 3)
    assert found.warnings() == [
        "deadline 'Before 5pm on Monday, September 3' says Monday but 03 Sep 2023 is a Sunday"
    ]
