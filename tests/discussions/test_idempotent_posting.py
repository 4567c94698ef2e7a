"""Idempotent posting ("Nothing lost, nothing doubled"): every post form carries a one-time
submission key (core.lib.submission). The same key is stored once whatever the number of
concurrent or retried submits, and a repeat answers like the first success (the redirect,
or the htmx fragment), never with an error and never with a second row.
"""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.db import connection, connections

from core.access import seminar_access, week_access
from discussions import services
from discussions.models import Comment, CommentRevision, Flag
from tests.discussions.helpers import (
    HTMX,
    add_comment,
    answer_url,
    base,
    client_for,
    comment_url,
    first_question,
    general_url,
)

KEY_INPUT = re.compile(r'<input type="hidden" name="submission_key" value="([0-9a-f]{32})">')


def key() -> str:
    return uuid.uuid4().hex


def keys_in(html: str) -> list[str]:
    return KEY_INPUT.findall(html)


@pytest.mark.django_db
class TestSameKeyTwice:
    def test_an_answer_posted_twice_is_stored_once_and_both_redirect_to_it(self, week, student):
        client, url = client_for(student), answer_url(week, first_question(week))
        data = {"body": "Short answer.", "submission_key": key()}

        first = client.post(url, data)
        second = client.post(url, data)

        comment = Comment.objects.get()
        assert first.status_code == second.status_code == 302
        question_page = f"{base(week)}q/{comment.question_id}/"
        assert first["Location"] == second["Location"] == f"{question_page}#c{comment.pk}"
        assert comment.submission_key == data["submission_key"]

    def test_a_retry_after_a_lost_response_stores_nothing_more(self, week, student):
        """The browser never saw the first answer (timeout, a 500 after the commit): it
        sends the form again, from a new connection."""
        url = answer_url(week, first_question(week))
        data = {"body": "Posted during the rush.", "submission_key": key()}
        client_for(student).post(url, data)  # the response is lost

        retry = client_for(student).post(url, data)

        comment = Comment.objects.get()
        assert retry.status_code == 302 and retry["Location"].endswith(f"#c{comment.pk}")

    def test_with_htmx_the_repeat_gets_the_same_fragment_and_a_fresh_form(self, week, student):
        client, url = client_for(student), general_url(week)
        data = {"body": "About the readings.", "submission_key": key()}

        first = client.post(url, data, **HTMX).content.decode()
        second = client.post(url, data, **HTMX).content.decode()

        comment = Comment.objects.get()
        for html in (first, second):
            assert f'id="c{comment.pk}"' in html and "About the readings." in html
            assert 'hx-swap-oob="beforeend:#comments-general"' in html
            (fresh,) = keys_in(html)
            assert fresh != data["submission_key"]  # the next post is another submission
        assert keys_in(first) != keys_in(second)

    def test_a_reply_posted_twice_is_one_reply(self, week, student, other_student):
        answer = add_comment(week, other_student, "An answer", question=first_question(week))
        client, data = client_for(student), {"body": "I agree.", "submission_key": key()}

        responses = [client.post(comment_url(answer, "reply"), data) for _ in range(2)]

        reply = Comment.objects.get(parent=answer)
        assert [r.status_code for r in responses] == [302, 302]
        question_page = f"{base(week)}q/{answer.question_id}/"
        assert {r["Location"] for r in responses} == {f"{question_page}#c{reply.pk}"}

    def test_a_repeat_is_not_counted_against_the_limit(self, settings, week, student):
        settings.POST_RATE = "1/m"
        client, url = client_for(student), answer_url(week, first_question(week))
        data = {"body": "One answer.", "submission_key": key()}

        statuses = [client.post(url, data).status_code for _ in range(3)]

        assert statuses == [302, 302, 302] and Comment.objects.count() == 1
        other = client.post(url, {"body": "Another answer.", "submission_key": key()})
        assert other.status_code == 429  # a new submission still meets the limit

    def test_a_repeat_does_not_get_the_near_duplicate_warning(self, week, student, other_student):
        question = first_question(week)
        text = "The argument rests on the second premise about consent and legitimacy."
        add_comment(week, student, text, question=question)  # the writer's earlier answer
        client, url = client_for(student), answer_url(week, question)
        data = {"body": text, "submission_key": key(), "post_anyway": "on"}
        assert client.post(url, data).status_code == 302

        repeat = client.post(url, {"body": text, "submission_key": data["submission_key"]})

        assert repeat.status_code == 302  # not the warning: the post is already stored
        assert Comment.objects.filter(submission_key=data["submission_key"]).count() == 1

    def test_two_different_keys_are_two_posts(self, week, student):
        client, url = client_for(student), general_url(week)
        client.post(url, {"body": "Same words.", "submission_key": key()})
        client.post(url, {"body": "Same words.", "submission_key": key()})
        assert Comment.objects.count() == 2


@pytest.mark.django_db
class TestTheForms:
    def test_the_week_page_and_the_compose_page_carry_a_key(self, week, student):
        client = client_for(student)
        page = client.get(base(week)).content.decode()
        keys = keys_in(page)
        assert keys and len(set(keys)) == len(keys)  # one per form, all different
        compose = client.get(answer_url(week, first_question(week))).content.decode()
        assert len(keys_in(compose)) == 1

    def test_a_refused_post_keeps_its_key_and_text(self, week, student):
        client, data = client_for(student), {"body": "   ", "submission_key": key()}
        response = client.post(general_url(week), data)
        assert response.status_code == 400
        assert keys_in(response.content.decode()) == [data["submission_key"]]
        assert not Comment.objects.exists()

    def test_a_malformed_key_is_refused_with_the_text_kept(self, week, student):
        data = {"body": "My typed text 5d1e", "submission_key": "not-a-key"}
        response = client_for(student).post(general_url(week), data)
        html = response.content.decode()
        assert response.status_code == 400
        assert "submission key was not understood" in html and "My typed text 5d1e" in html
        assert len(keys_in(html)) == 1  # a fresh, good key: pressing again posts it
        assert not Comment.objects.exists()

    def test_a_post_without_a_key_still_works(self, week, student):
        """Old clients and scripts: posted, without idempotency."""
        response = client_for(student).post(general_url(week), {"body": "No key."})
        assert response.status_code == 302
        assert Comment.objects.get().submission_key is None


@pytest.mark.django_db
class TestEditAndFlag:
    def test_an_edit_applied_twice_makes_one_revision(self, week, student):
        comment = add_comment(week, student, "First text", question=first_question(week))
        client = client_for(student)
        data = {"body": "Second text", "submission_key": key()}

        responses = [client.post(comment_url(comment, "edit"), data) for _ in range(2)]

        assert [r.status_code for r in responses] == [302, 302]
        revision = CommentRevision.objects.get()
        assert revision.body == "First text" and revision.submission_key == data["submission_key"]
        comment.refresh_from_db()
        assert comment.body == "Second text"

    def test_an_edit_repeated_after_a_later_edit_does_not_undo_it(self, week, student):
        comment = add_comment(week, student, "First text", question=first_question(week))
        client, first_key = client_for(student), key()
        client.post(comment_url(comment, "edit"), {"body": "Second", "submission_key": first_key})
        client.post(comment_url(comment, "edit"), {"body": "Third", "submission_key": key()})

        late = client.post(
            comment_url(comment, "edit"), {"body": "Second", "submission_key": first_key}, **HTMX
        )

        assert late.status_code == 200
        comment.refresh_from_db()
        assert comment.body == "Third" and CommentRevision.objects.count() == 2

    def test_a_flag_sent_twice_is_one_flag_even_once_resolved(self, week, student, other_student):
        answer = add_comment(week, student, "An answer", question=first_question(week))
        client = client_for(other_student)
        data = {"reason": "Off topic", "submission_key": key()}
        assert client.post(comment_url(answer, "flag"), data).status_code == 302
        Flag.objects.update(resolved_at=answer.created_at)  # a lead resolved it meanwhile

        repeat = client.post(comment_url(answer, "flag"), data)

        assert repeat.status_code == 302 and Flag.objects.count() == 1

    def test_the_flag_form_carries_a_key(self, week, student, other_student):
        answer = add_comment(week, student, "An answer", question=first_question(week))
        html = client_for(other_student).get(comment_url(answer, "flag"), **HTMX)
        assert len(keys_in(html.content.decode())) == 1


@pytest.mark.django_db
def test_the_constraint_decides_a_race_the_first_lookup_missed(monkeypatch, week, student):
    """Two submits both past the cheap check: the unique key stores one, and the loser
    gets the winner's comment (inside a savepoint, so its transaction goes on)."""
    submission = key()
    winner = add_comment(week, student, "Raced", submission_key=submission)
    real = services.posted_with_key
    misses = iter([True])  # the cheap check misses once, as in a race

    def cheap_check(*args):
        return None if next(misses, False) else real(*args)

    monkeypatch.setattr(services, "posted_with_key", cheap_check)
    access = week_access(seminar_access(student, week.seminar), week)

    comment = services.post_comment(access, None, None, "Raced", submission_key=submission)

    assert comment.pk == winner.pk and Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_posts_with_one_key_store_one_comment(week, student):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (DATABASE_URL=…)")
    url, data = answer_url(week, first_question(week)), {"body": "Rush!", "submission_key": key()}
    clients = [client_for(student) for _ in range(5)]
    barrier, statuses, errors = threading.Barrier(5), [], []

    def submit(client) -> None:
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and statuses == [302] * 5
    assert Comment.objects.count() == 1
