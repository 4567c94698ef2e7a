"""Stored week pages (core/lib/page_store.py): a repeat view is answered from the page
assembled before, for that viewer only, with fresh per-response values, and any write to
what the page shows (however it is made) assembles it again."""

from __future__ import annotations

import datetime as dt
import gzip
import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.lib import gzip_parts, page_store, page_writes
from core.lib.lru import ByteLRU
from core.models import Enrollment, Question, Week
from core.page_models import PageGeneration
from discussions.models import Comment
from tests.conftest import enroll, make_user
from tests.discussions.helpers import add_comment, client_for, first_question
from tests.discussions.test_unread import mark_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_minute")]

PER_RESPONSE = re.compile(
    r'name="(?:csrfmiddlewaretoken|submission_key|at)" value="[^"]*"|"X-CSRFToken": "[^"]*"'
)
KEYS = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
# A stored page's queries: the session, the user and the counters. The access check's
# reads (enrolments, the week) are kept per value of `site`, read after the counters.
STORED_QUERIES = 3


def view(client, week) -> tuple[str, int]:
    """The week page's HTML and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(week.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def same_page(html: str) -> str:
    return PER_RESPONSE.sub("", html)


def counters(user=None) -> tuple[int, int, int]:
    return page_store.generations(user.pk if user is not None else None)


def test_the_sql_names_the_counters_table():
    assert PageGeneration._meta.db_table == page_store.TABLE == "weeks_pagegeneration"
    assert page_store.TABLE in page_writes.UPSERT and page_store.TABLE in page_store.READ


def test_a_repeat_view_is_the_stored_page_and_the_same_as_one_assembled_now(
    week, staff, lead, student, other_student
):
    add_comment(week, other_student, "OLIVE-ANSWER", question=first_question(week))
    add_comment(week, student, "SAM-ANSWER", question=first_question(week))
    for user in (staff, lead, student, other_student):
        client = client_for(user)
        view(client, week)  # the first view sets the CSRF cookie
        assembled, assembly_queries = view(client, week)
        stored, stored_queries = view(client, week)
        assert stored_queries == STORED_QUERIES < assembly_queries, user
        assert same_page(stored) == same_page(assembled), user


def test_no_viewer_is_ever_served_another_viewers_page(week, student, other_student, lead):
    add_comment(week, other_student, "OLIVE-ANSWER", question=first_question(week))
    add_comment(week, student, "SAM-ANSWER", question=first_question(week))
    clients = {user: client_for(user) for user in (student, other_student, lead)}
    for _ in range(3):  # each viewer's page assembled, then stored and served again
        for user, client in clients.items():
            html, _queries = view(client, week)
            assert user.email in html or user.name in html
            others = [u for u in clients if u != user]
            assert not any(f">{other.name}</a>" in html.split("</header>")[0] for other in others)
    pages = {user: same_page(view(client, week)[0]) for user, client in clients.items()}
    assert len(set(pages.values())) == 3
    own_edit = f"c/{Comment.objects.get(body='SAM-ANSWER').pk}/edit/"
    assert own_edit in pages[student]
    assert own_edit not in pages[other_student]


def test_every_response_has_a_fresh_csrf_token_and_fresh_one_time_keys(week, student):
    client = client_for(student)
    view(client, week)
    first, second = view(client, week)[0], view(client, week)[0]
    keys_first, keys_second = KEYS.findall(first), KEYS.findall(second)
    assert keys_first and len(set(keys_first)) == len(keys_first)
    assert not set(keys_first) & set(keys_second)
    assert TOKENS.findall(first)[0] != TOKENS.findall(second)[0]
    assert page_store.CSRF_SLOT not in second


def test_a_post_from_a_stored_page_is_accepted_with_its_token_and_key(week, student):
    client = client_for(student)
    client.handler.enforce_csrf_checks = True
    view(client, week)
    view(client, week)
    html = view(client, week)[0]  # answered from the stored page
    question = first_question(week)
    form = html[html.index(f'action="{week.get_absolute_url()}q/{question.pk}/answer/"') :]
    token, key = TOKENS.search(form).group(1), KEYS.search(form).group(1)
    response = client.post(
        f"{week.get_absolute_url()}q/{question.pk}/answer/",
        {"body": "Posted from a stored page.", "csrfmiddlewaretoken": token, "submission_key": key},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(author=student, body="Posted from a stored page.").exists()
    assert "Posted from a stored page." in view(client, week)[0]


def test_a_message_shows_once_and_its_page_is_never_stored(week, staff):
    client = client_for(staff)
    view(client, week)
    view(client, week)
    response = client.post(
        f"{week.get_absolute_url()}lock/", {"scope": "week", "action": "lock", "reason": ""}
    )
    assert response.status_code == 302
    locked = "The whole week is locked"
    assert locked in view(client, week)[0]
    assert locked not in view(client, week)[0]
    assert locked not in view(client, week)[0]


def test_writes_that_send_no_signal_still_move_the_site_counter(week, student):
    before = counters()
    Week.objects.filter(pk=week.pk).update(title="Renamed by update()")
    after_update = counters()
    Question.objects.bulk_create([Question(section=first_question(week).section, position=9)])
    after_bulk = counters()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE weeks_week SET intro = %s WHERE id = %s", ["raw", week.pk])
    after_raw = counters()
    assert before[0] < after_update[0] < after_bulk[0] < after_raw[0]


def test_an_update_that_matches_nothing_and_session_writes_move_no_counter(week, student):
    before = counters(student)
    Week.objects.filter(pk=-1).update(title="nobody")  # a periodic task finding nothing due
    client_for(None).get("/")  # sessions are not shown on any page
    assert counters(student) == before


def test_the_discussion_moves_its_own_counter_and_the_rest_the_sites(week, other_student):
    site, talk, _own = counters()
    add_comment(week, other_student, "A post", question=first_question(week))
    assert counters()[:2] == (site, talk + 1)
    Week.objects.filter(pk=week.pk).update(title="Renamed")
    assert counters()[:2] == (site + 1, talk + 1)


def test_the_weeks_structure_is_read_once_while_the_site_counter_stays(
    week, student, other_student
):
    client = client_for(student)
    view(client, week)
    view(client, week)
    add_comment(week, other_student, "A post", question=first_question(week))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(week.get_absolute_url()).content.decode()
    assert "A post" in html
    assert not any('"weeks_reading"' in q["sql"] for q in queries.captured_queries)
    Question.objects.filter(section__week=week).update(body_html="<p>NEW-QUESTION-TEXT</p>")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(week.get_absolute_url()).content.decode()
    assert "NEW-QUESTION-TEXT" in html
    assert any('"weeks_reading"' in q["sql"] for q in queries.captured_queries)


def test_a_change_made_by_update_shows_on_the_next_view(week, student):
    client = client_for(student)
    view(client, week)
    view(client, week)
    Week.objects.filter(pk=week.pk).update(title="Renamed by update()")
    assert "Renamed by update()" in view(client, week)[0]


def test_read_marks_move_only_their_readers_counter_and_keep_others_pages(
    week, student, other_student
):
    add_comment(week, other_student, "OLIVE-ANSWER", question=first_question(week))
    reader = client_for(student)  # logging in writes last_login (the site's counter)
    view(reader, week)
    other = client_for(other_student)
    view(other, week)
    view(other, week)
    site, talk, own = counters(student)
    mark_page(reader, week)
    assert counters(student)[:2] == (site, talk)
    assert counters(student)[2] > own
    assert view(other, week)[1] == STORED_QUERIES  # still the stored page: nothing it shows changed


def test_a_stored_page_lives_no_longer_than_its_minute(week, student):
    week.deadline = timezone.now() + dt.timedelta(minutes=2)
    week.save()
    client = client_for(student)
    view(client, week)
    assert view(client, week)[1] > 5
    assert view(client, week)[1] == STORED_QUERIES
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        html, queries = view(client, week)
    assert queries > 5  # assembled again: the deadline it shows has passed
    assert "closed" in html.lower() or "passed" in html.lower()


def test_htmx_requests_are_never_answered_from_the_store(week, student):
    client = client_for(student)
    view(client, week)
    view(client, week)
    with CaptureQueriesContext(connection) as queries:
        client.get(week.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert len(queries) > 5


def test_the_store_keeps_at_most_its_bytes():
    store = ByteLRU(max_bytes=100)
    pages = [page_store.Stored.of(bytes([65 + i]) * 40, "text/html") for i in range(4)]
    for i, page in enumerate(pages):
        store.put(("k", i), page)
    assert store.bytes <= 100
    assert store.get(("k", 0)) is None and store.get(("k", 3)) is pages[3]
    store.put(("big",), page_store.Stored.of(b"x" * 101, "text/html"))
    assert store.get(("big",)) is None


def test_an_enrolment_change_is_seen_on_the_next_view(week, seminar, student):
    outsider = make_user("later@example.edu")
    client = client_for(outsider)
    assert client.get(week.get_absolute_url()).status_code == 404
    enroll(outsider, seminar)
    assert client.get(week.get_absolute_url()).status_code == 200
    Enrollment.objects.filter(user=outsider).delete()
    assert client.get(week.get_absolute_url()).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_counter_moves_when_the_transaction_commits_not_before(seminar):
    week = Week.objects.create(seminar=seminar, number=5, slug="w5", title="Five")
    before = counters()
    with transaction.atomic():
        Week.objects.filter(pk=week.pk).update(title="Changed")
        assert counters() == before  # not yet: a page read now holds the old week
    assert counters()[0] == before[0] + 1
    with transaction.atomic():
        Week.objects.filter(pk=week.pk).update(title="Rolled back")
        transaction.set_rollback(True)
    assert counters()[0] == before[0] + 1


def test_a_stored_page_asked_for_with_gzip_is_the_same_page_with_fresh_values(week, student):
    client = client_for(student)
    view(client, week)
    plain = view(client, week)[0]
    pages = []
    for _ in range(2):
        response = client.get(week.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        pages.append(gzip.decompress(response.content).decode())
    assert same_page(pages[0]) == same_page(pages[1]) == same_page(plain)
    assert not set(KEYS.findall(pages[0])) & set(KEYS.findall(pages[1]))
    assert len(response.content) < len(gzip.compress(plain.encode())) * 2


def test_a_page_deflated_once_with_values_stored_between_is_one_valid_gzip_member():
    fixed = [b"<p>" * 5000, None, b"", None, "é and ü".encode() * 300, None, b"</p>" * 9]
    deflated = gzip_parts.Deflated.of(fixed, [7, 70_000, 0])
    values = [b"a value", b"x" * 70_000, b""]  # one of more than one stored block
    filled, it = [], iter(values)
    for part in fixed:
        filled.append(part if part is not None else next(it))
    assert gzip.decompress(deflated.member(filled, values)) == b"".join(filled)
    with pytest.raises(ValueError):
        deflated.member(filled, [b"another length", b"x" * 70_000, b""])
    assert gzip_parts.Deflated.of([b"a NUL \0 byte", None], [3]) is None
