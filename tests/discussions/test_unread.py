"""What's new: per viewer and week, which comments they have read (discussions/unread.py).

New = shown to the viewer, not theirs, never read; "edited since you read" = edited after
they read it. Marking is a POST after the page loaded, a monotonic merge; a GET never
writes; withheld (reveal policy), hidden and deleted comments never count.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.access import seminar_access, week_access
from core.models import RevealPolicy
from discussions.models import WeekRead
from discussions.selectors import build_discussion
from discussions.unread import mark_seen, read_state, to_ms, unread_by_week, walk
from tests.discussions.helpers import add_comment, client_for, first_question


def access_for(user, week):
    return week_access(seminar_access(user, week.seminar), week)


def statuses(user, week) -> dict[int, str]:
    discussion = build_discussion(access_for(user, week))
    out = {}
    for thread in discussion.all_threads:  # every comment shown, in page order
        for pk in walk(thread.tops):
            out[pk] = thread.statuses.get(pk, "")
    return out


def mark_page(client, week, *, path: str | None = None, htmx: bool = True):
    """What the page's form posts: the ids and the time it carries."""
    page = client.get(path or week.get_absolute_url()).content.decode()
    ids = re.search(r'name="ids" value="([0-9,]*)"', page).group(1)
    at = re.search(r'name="at" value="([0-9]+)"', page).group(1)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        f"{week.get_absolute_url()}seen/", {"ids": ids, "at": at, "next": path or ""}, **headers
    )


def test_a_classmates_comment_is_new_until_the_page_marks_it_read(week, student, other_student):
    theirs = add_comment(week, other_student, "Olive's answer", question=first_question(week))
    client = client_for(student)
    first = client.get(week.get_absolute_url()).content.decode()
    assert "1 new" in first and 'class="badge badge-new">new<' in first
    assert f'href="#c{theirs.pk}">Jump to the first new' in first
    assert client.get(week.get_absolute_url()).content.decode().count('badge-new">new<') == 1
    assert not WeekRead.objects.exists()  # GETs never write

    assert mark_page(client, week).status_code == 200
    again = client.get(week.get_absolute_url()).content.decode()
    assert "Nothing new" in again and 'badge-new">new<' not in again
    assert "since your last visit" in again


def test_own_comments_are_never_new(week, student):
    mine = add_comment(week, student, "my answer", question=first_question(week))
    assert statuses(student, week)[mine.pk] == ""
    assert "Nothing new" in client_for(student).get(week.get_absolute_url()).content.decode()


def test_an_edit_after_reading_shows_edited_since_you_read(week, student, other_student):
    theirs = add_comment(week, other_student, "v1", question=first_question(week))
    access = access_for(student, week)
    read_at = timezone.now() - dt.timedelta(seconds=10)
    mark_seen(access, [theirs.pk], read_at)
    assert statuses(student, week)[theirs.pk] == ""
    theirs.edited_at = read_at + dt.timedelta(seconds=5)
    theirs.save()
    assert statuses(student, week)[theirs.pk] == "edited"
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert "edited since you read" in page
    mark_seen(access, [theirs.pk], timezone.now())
    assert statuses(student, week)[theirs.pk] == ""


def test_an_edit_before_the_page_was_drawn_is_not_edited_since_read(week, student, other_student):
    theirs = add_comment(week, other_student, "v1", question=first_question(week))
    theirs.edited_at = timezone.now() - dt.timedelta(minutes=1)
    theirs.save()
    mark_seen(access_for(student, week), [theirs.pk], timezone.now())
    assert statuses(student, week)[theirs.pk] == ""


def test_an_older_tab_marking_last_never_unsees(week, student, other_student):
    """Tab A drew the page before an edit, tab B after; B's POST arrives first."""
    theirs = add_comment(week, other_student, "v1", question=first_question(week))
    later = add_comment(week, other_student, "later", question=first_question(week))
    access = access_for(student, week)
    t_a = timezone.now() - dt.timedelta(seconds=10)
    theirs.edited_at = t_a + dt.timedelta(seconds=1)
    theirs.save()
    t_b = t_a + dt.timedelta(seconds=2)
    mark_seen(access, [theirs.pk, later.pk], t_b)  # tab B
    mark_seen(access, [theirs.pk], t_a)  # tab A, older, arrives last
    state = read_state(access)
    assert state.seen[str(theirs.pk)] == to_ms(t_b)
    assert statuses(student, week) == {theirs.pk: "", later.pk: ""}


def test_a_future_time_is_clamped_to_now(week, student, other_student):
    theirs = add_comment(week, other_student, "v1", question=first_question(week))
    access = access_for(student, week)
    mark_seen(access, [theirs.pk], timezone.now() + dt.timedelta(days=365))
    theirs.edited_at = timezone.now() + dt.timedelta(seconds=1)
    theirs.save()
    assert statuses(student, week)[theirs.pk] == "edited"


def test_ids_of_another_week_are_ignored(week, student, other_student, seminar):
    from tests.conftest import make_week

    other = make_week(seminar, number=2)
    elsewhere = add_comment(other, other_student, "x", question=first_question(other))
    mark_seen(access_for(student, week), [elsewhere.pk], timezone.now())
    assert read_state(access_for(student, week)).seen == {}
    assert statuses(student, other)[elsewhere.pk] == "new"


@pytest.mark.django_db(transaction=True)
def test_concurrent_tabs_merge_every_mark(week, student, other_student):
    """Eight tabs mark different comments at the same moment: all are kept."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (DATABASE_URL=…)")
    comments = [
        add_comment(week, other_student, f"c{i}", question=first_question(week)) for i in range(8)
    ]
    access = access_for(student, week)
    barrier = threading.Barrier(len(comments))
    errors: list[BaseException] = []

    def tab(pk: int) -> None:
        try:
            barrier.wait()
            mark_seen(access, [pk], timezone.now())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(c.pk,)) for c in comments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(read_state(access).seen) == {str(c.pk) for c in comments}
    assert WeekRead.objects.count() == 1


def test_withheld_answers_are_never_new_and_become_new_when_revealed(week, student, other_student):
    question = first_question(week)
    section = question.section
    section.reveal_policy = RevealPolicy.AFTER_OWN
    section.save()
    theirs = add_comment(week, other_student, "withheld", question=question)
    reply = add_comment(week, other_student, "withheld reply", parent=theirs)
    client = client_for(student)
    page = client.get(week.get_absolute_url()).content.decode()
    assert "Nothing new" in page
    assert unread_by_week(seminar_access(student, week.seminar), [week]) == {week.pk: 0}
    mark_page(client, week)  # marks nothing withheld
    assert str(theirs.pk) not in read_state(access_for(student, week)).seen

    add_comment(week, student, "my own", question=question)
    assert statuses(student, week)[theirs.pk] == "new"
    assert statuses(student, week)[reply.pk] == "new"
    assert unread_by_week(seminar_access(student, week.seminar), [week]) == {week.pk: 2}


def test_hidden_and_deleted_comments_are_never_new(week, student, other_student, lead):
    question = first_question(week)
    hidden = add_comment(
        week, other_student, "hidden", question=question, is_hidden=True,
        hidden_at=timezone.now(),
    )  # fmt: skip
    deleted = add_comment(week, other_student, "gone", question=question, deleted_at=timezone.now())
    assert statuses(student, week) == {hidden.pk: "", deleted.pk: ""}
    assert unread_by_week(seminar_access(student, week.seminar), [week]) == {week.pk: 0}
    # A moderator reads the hidden one: it is new for them.
    assert statuses(lead, week)[hidden.pk] == "new"


def test_the_seminar_home_shows_unread_counts_per_week(week, student, other_student):
    for i in range(3):
        add_comment(week, other_student, f"c{i}", question=first_question(week))
    add_comment(week, student, "mine", question=first_question(week))
    client = client_for(student)
    home = client.get(week.seminar.get_absolute_url()).content.decode()
    assert "3 new" in home
    mark_page(client, week, htmx=False)
    home = client.get(week.seminar.get_absolute_url()).content.decode()
    assert "3 new" not in home


def test_without_javascript_the_button_marks_and_comes_back(week, student, other_student):
    add_comment(week, other_student, "c", question=first_question(week))
    client = client_for(student)
    response = mark_page(client, week, htmx=False, path=week.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == week.get_absolute_url()
    assert "Nothing new" in client.get(week.get_absolute_url()).content.decode()


def test_marking_refuses_a_malformed_list_and_anonymous_visitors(week, student, client):
    url = f"{week.get_absolute_url()}seen/"
    assert client_for(student).post(url, {"ids": "1,x", "at": "1"}).status_code == 400
    response = client.post(url, {"ids": "", "at": "1"})
    assert response.status_code in (302, 404)
    assert not WeekRead.objects.exists()


def test_marking_is_post_only(week, student):
    assert client_for(student).get(f"{week.get_absolute_url()}seen/").status_code == 405


def test_the_week_page_queries_stay_constant_with_a_read_record(week, student, other_student):
    from tests.discussions.test_queries import week_page_queries

    client = client_for(student)
    url = week.get_absolute_url()
    add_comment(week, other_student, "first", question=first_question(week))
    mark_page(client, week)
    few = week_page_queries(client, url)  # assembled again: the marks changed the page
    for i in range(40):
        parent = add_comment(week, other_student, f"a{i}", question=first_question(week))
        add_comment(week, other_student, f"r{i}", parent=parent)
    mark_page(client, week)
    assert week_page_queries(client, url) == few
