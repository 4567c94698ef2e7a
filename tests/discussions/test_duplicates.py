"""Near-duplicate answers: the writer sees the answers to read first, is warned of a
near-copy (live and on submit), and posts it only with "Post anyway".

Runs on SQLite (the Python measure) and on PostgreSQL (pg_trgm's similarity()); the
same texts give the same verdicts on both.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.access import seminar_access, week_access
from core.models import Question, RevealPolicy
from discussions import duplicates
from discussions.models import Comment
from tests.conftest import enroll, make_user
from tests.discussions.helpers import HTMX, add_comment, answer_url, base, client_for

pytestmark = pytest.mark.django_db

ANSWER = (
    "A model trained with RLHF is rewarded for answers that look right to the labelers, "
    "not for answers that are right. So it could learn to sound confident and cite "
    "plausible but invented sources, because a tired rater rarely checks them. The risk is "
    "that we reinforce persuasion instead of honesty, and the errors become harder to spot "
    "exactly as the model gets better at hiding them."
)
# The same answer pasted with a few words changed and a sentence dropped.
NEAR_COPY = (
    "A model trained with RLHF is rewarded for answers that look correct to the labelers, "
    "not for answers that are correct. So it might learn to sound confident and cite "
    "plausible but made-up sources, because a tired rater rarely checks them. The risk is "
    "that we reinforce persuasion instead of honesty."
)
# Another answer to the same question, on the same topic, in other words.
DIFFERENT = (
    "I think sycophancy is the most likely exploit: InstructGPT learns that labelers prefer "
    "answers agreeing with the premise of the prompt, so it tells users what they already "
    "believe. That is reward hacking without any clever plan, and it scales with how "
    "opinionated the user sounds."
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def question(week) -> Question:
    return Question.objects.filter(section__week=week).order_by("section__position", "position")[0]


@pytest.fixture
def existing(week, question, other_student) -> Comment:
    return add_comment(week, other_student, ANSWER, question=question)


def access_for(user, week):
    return week_access(seminar_access(user, week.seminar), week)


def similar_url(week, question) -> str:
    return f"{base(week)}q/{question.pk}/similar/"


def answers_url(week, question) -> str:
    return f"{base(week)}q/{question.pk}/answers/"


# --- The measure ------------------------------------------------------------------------


def test_trigrams_are_pg_trgms_padded_lower_case_word_trigrams():
    # The example of the pg_trgm documentation: show_trgm('cat').
    assert duplicates.trigrams("cat") == {"  c", " ca", "cat", "at "}
    assert duplicates.trigrams("Cat, cat!") == duplicates.trigrams("cat")
    assert duplicates.trigram_similarity("", "cat") == 0.0
    assert duplicates.trigram_similarity("word", "word") == 1.0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_python_measure_gives_pg_trgms_numbers():
    pairs = [
        (ANSWER, NEAR_COPY),
        (ANSWER, DIFFERENT),
        ("Ünïcode wörds, naïve café", "unicode words naive cafe"),
        ("snake_case and kebab-case: 42 x2", "snake case and kebab case 42x2"),
    ]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            (expected,) = cursor.fetchone()
            assert duplicates.trigram_similarity(a, b) == pytest.approx(expected, abs=1e-6)


def test_threshold_separates_a_near_copy_from_a_different_answer():
    assert duplicates.trigram_similarity(ANSWER, NEAR_COPY) >= duplicates.THRESHOLD
    assert duplicates.trigram_similarity(ANSWER, DIFFERENT) < duplicates.THRESHOLD


# --- The check, on this database's path -------------------------------------------------


def test_near_copy_of_a_visible_answer_is_found_with_its_similarity(
    week, question, existing, student
):
    found = duplicates.similar_answers(access_for(student, week), question, NEAR_COPY)
    assert [c.pk for c in found] == [existing.pk]
    assert found[0].similarity == pytest.approx(
        duplicates.trigram_similarity(ANSWER, NEAR_COPY), abs=1e-6
    )
    assert found[0].link == f"{base(week)}#c{existing.pk}"


def test_a_different_answer_is_not_a_duplicate(week, question, existing, student):
    assert duplicates.similar_answers(access_for(student, week), question, DIFFERENT) == []


def test_short_texts_are_not_checked(week, question, student, other_student):
    add_comment(week, other_student, "I agree with this.", question=question)
    access = access_for(student, week)
    assert duplicates.similar_answers(access, question, "I agree with this.") == []


def test_answers_to_other_questions_and_replies_are_not_compared(
    week, question, existing, student, other_student
):
    other_question = Question.objects.filter(section__week=week).exclude(pk=question.pk)[0]
    add_comment(week, other_student, DIFFERENT, question=other_question)
    add_comment(week, other_student, DIFFERENT, parent=existing)
    assert duplicates.similar_answers(access_for(student, week), question, DIFFERENT) == []


def test_hidden_and_deleted_answers_never_count_even_for_staff(
    week, question, existing, student, staff, lead
):
    existing.is_hidden, existing.hidden_at, existing.hidden_reason = True, timezone.now(), "x"
    existing.save()
    for user in (student, staff, lead):
        access = access_for(user, week)
        assert duplicates.similar_answers(access, question, NEAR_COPY) == []
        assert duplicates.existing_answers(access, question) == []
    existing.is_hidden, existing.deleted_at = False, timezone.now()
    existing.save()
    assert duplicates.similar_answers(access_for(student, week), question, NEAR_COPY) == []


def set_policy(question, policy, deadline=None):
    section = question.section
    section.reveal_policy = policy
    section.deadline = deadline
    section.save()


def test_after_own_policy_compares_only_with_own_answers_until_the_writer_answered(
    week, question, existing, student
):
    set_policy(question, RevealPolicy.AFTER_OWN)
    access = access_for(student, week)
    assert duplicates.similar_answers(access, question, NEAR_COPY) == []
    assert duplicates.existing_answers(access, question) == []
    sibling = question.section.questions.exclude(pk=question.pk)[0]
    mine = add_comment(week, student, DIFFERENT, question=sibling)  # answered the section
    assert [c.pk for c in duplicates.similar_answers(access, question, NEAR_COPY)] == [existing.pk]
    assert mine.pk not in [c.pk for c in duplicates.existing_answers(access, question)]


def test_after_deadline_policy_hides_classmates_until_the_deadline_but_not_own_answers(
    week, question, existing, student
):
    set_policy(question, RevealPolicy.AFTER_DEADLINE, timezone.now() + dt.timedelta(days=1))
    own = add_comment(week, student, ANSWER + " Also, raters disagree.", question=question)
    access = access_for(student, week)
    found = duplicates.similar_answers(access, question, NEAR_COPY)
    assert [c.pk for c in found] == [own.pk]  # their own answer, never the withheld one
    assert found[0].viewer_is_author
    later = timezone.now() + dt.timedelta(days=2)
    found = duplicates.similar_answers(access, question, NEAR_COPY, now=later)
    assert {c.pk for c in found} == {own.pk, existing.pk}


def test_leads_and_staff_compare_with_every_visible_answer_under_any_policy(
    week, question, existing, lead, staff
):
    set_policy(question, RevealPolicy.AFTER_OWN)
    for user in (lead, staff):
        found = duplicates.similar_answers(access_for(user, week), question, NEAR_COPY)
        assert [c.pk for c in found] == [existing.pk]


def test_existing_answers_are_newest_first(week, question, existing, student, staff):
    later = add_comment(week, staff, DIFFERENT, question=question)
    Comment.objects.filter(pk=existing.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    answers = duplicates.existing_answers(access_for(student, week), question)
    assert [a.pk for a in answers] == [later.pk, existing.pk]


def test_the_check_takes_the_same_number_of_queries_for_2_and_40_answers(
    week, question, student, seminar
):
    set_policy(question, RevealPolicy.AFTER_OWN)  # the policy needing the most queries
    sibling = question.section.questions.exclude(pk=question.pk)[0]
    add_comment(week, student, DIFFERENT, question=sibling)
    authors = [enroll(make_user(f"s{n}@example.edu"), seminar) for n in range(40)]

    def queries(count: int) -> int:
        Comment.objects.filter(question=question).delete()
        for n in range(count):
            add_comment(week, authors[n], f"{ANSWER} Variant {n}.", question=question)
        access = access_for(student, week)
        with CaptureQueriesContext(connection) as captured:
            found = duplicates.similar_answers(access, question, NEAR_COPY)
            listed = duplicates.existing_answers(access, question)
        assert len(found) == min(count, duplicates.MAX_SIMILAR)
        assert len(listed) == count
        return len(captured.captured_queries)

    assert queries(2) == queries(40) <= 4


# --- Posting: refused with the warning, then "Post anyway" ------------------------------


def test_posting_a_near_copy_is_refused_with_a_link_and_the_text_kept(
    week, question, existing, student
):
    response = client_for(student).post(answer_url(week, question), {"body": NEAR_COPY})
    assert response.status_code == 400
    page = response.content.decode()
    assert "very similar to an answer already posted" in page
    assert f'href="{base(week)}#c{existing.pk}"' in page
    assert "Olive" in page  # whose answer it is
    assert 'name="post_anyway"' in page
    assert "sound confident and cite" in page  # the text, kept in the form
    assert not Comment.objects.filter(author=student).exists()


def test_post_anyway_posts_the_near_copy(week, question, existing, student):
    data = {"body": NEAR_COPY, "post_anyway": "1"}
    response = client_for(student).post(answer_url(week, question), data)
    assert response.status_code == 302
    comment = Comment.objects.get(author=student)
    assert comment.body == NEAR_COPY and comment.question == question
    assert response["Location"].endswith(f"#c{comment.pk}")


def test_a_different_answer_posts_without_a_warning(week, question, existing, student):
    response = client_for(student).post(answer_url(week, question), {"body": DIFFERENT})
    assert response.status_code == 302
    assert Comment.objects.filter(author=student, body=DIFFERENT).exists()


def test_htmx_post_of_a_near_copy_returns_the_form_with_the_warning(
    week, question, existing, student
):
    response = client_for(student).post(answer_url(week, question), {"body": NEAR_COPY}, **HTMX)
    assert response.status_code == 200  # htmx swaps it in place
    page = response.content.decode()
    assert f'id="similar-q{question.pk}"' in page and "Post anyway" in page
    assert not Comment.objects.filter(author=student).exists()


def test_the_deadline_rules_come_before_the_duplicate_warning(week, question, existing, student):
    week.deadline = timezone.now() - dt.timedelta(hours=2)
    week.cutoff = timezone.now() - dt.timedelta(hours=1)
    week.save()
    response = client_for(student).post(answer_url(week, question), {"body": NEAR_COPY})
    page = response.content.decode()
    assert "Posting closed" in page
    assert "very similar" not in page


def test_replies_are_never_checked(week, question, existing, student):
    url = f"{base(week)}c/{existing.pk}/reply/"
    response = client_for(student).post(url, {"body": ANSWER})
    assert response.status_code == 302
    assert Comment.objects.filter(author=student, parent=existing).exists()


def test_a_hidden_answer_is_not_revealed_by_the_submit_check(week, question, existing, student):
    existing.is_hidden, existing.hidden_at, existing.hidden_reason = True, timezone.now(), "off"
    existing.save()
    response = client_for(student).post(answer_url(week, question), {"body": ANSWER})
    assert response.status_code == 302


# --- While typing (htmx) ----------------------------------------------------------------


def test_live_check_returns_the_warning_fragment_for_a_near_copy(week, question, existing, student):
    response = client_for(student).post(similar_url(week, question), {"body": NEAR_COPY}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "very similar" in page and f"#c{existing.pk}" in page
    assert "<html" not in page


def test_live_check_survives_text_postgresql_cannot_store(week, question, existing, student):
    body = NEAR_COPY.replace("RLHF", "RLHF\x00") + " x" * 20_000
    response = client_for(student).post(similar_url(week, question), {"body": body}, **HTMX)
    assert response.status_code == 200


def test_live_check_returns_nothing_for_a_different_text(week, question, existing, student):
    response = client_for(student).post(similar_url(week, question), {"body": DIFFERENT}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_live_check_does_not_leak_answers_withheld_by_the_reveal_policy(
    week, question, existing, student
):
    set_policy(question, RevealPolicy.AFTER_OWN)
    response = client_for(student).post(similar_url(week, question), {"body": ANSWER}, **HTMX)
    assert response.content.decode().strip() == ""
    listing = client_for(student).get(answers_url(week, question), **HTMX).content.decode()
    assert "sound confident" not in listing and "Olive" not in listing


def test_live_check_is_rate_limited(week, question, existing, student):
    client = client_for(student)
    limit = int(duplicates.CHECK_RATE.split("/")[0])
    # Frozen clock: a slow run must not cross into the limiter's next minute.
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, 0, 1, tzinfo=dt.UTC), tick=False):
        for _ in range(limit):
            assert client.post(similar_url(week, question), {"body": "x"}).status_code == 200
        response = client.post(similar_url(week, question), {"body": "x"})
    assert response.status_code == 429
    assert "Retry-After" in response


def test_live_check_refuses_get(week, question, student):
    assert client_for(student).get(similar_url(week, question)).status_code == 405


def test_live_check_and_list_refuse_who_may_not_post(week, question, existing, outsider, auditor):
    assert (
        client_for(outsider).post(similar_url(week, question), {"body": ANSWER}).status_code == 404
    )
    assert client_for(outsider).get(answers_url(week, question)).status_code == 404
    assert (
        client_for(auditor).post(similar_url(week, question), {"body": ANSWER}).status_code == 403
    )
    anonymous = client_for(None).post(similar_url(week, question), {"body": ANSWER})
    assert anonymous.status_code in (302, 403, 404)
    assert "sound confident" not in anonymous.content.decode()


def test_live_check_refuses_another_weeks_question(week, seminar, student):
    from tests.conftest import make_week

    other = make_week(seminar, number=5)
    other_question = Question.objects.filter(section__week=other)[0]
    response = client_for(student).post(similar_url(week, other_question), {"body": ANSWER})
    assert response.status_code == 404


# --- Reading the answers first ----------------------------------------------------------


def test_answer_page_without_javascript_lists_the_answers_to_read_first(
    week, question, existing, student
):
    page = client_for(student).get(answer_url(week, question)).content.decode()
    assert 'class="existing-answers"' in page
    assert "Read the answers already posted to question" in page
    assert "sound confident" in page  # the existing answer's text, collapsed
    assert f'id="similar-q{question.pk}"' in page


def test_week_page_answer_forms_load_the_list_on_demand(week, question, existing, student):
    page = client_for(student).get(base(week)).content.decode()
    assert f'hx-get="{answers_url(week, question)}"' in page
    assert f'hx-post="{similar_url(week, question)}"' in page
    assert "similar/" not in page.split('id="thread-general"')[1]  # general thread: no check


def test_list_endpoint_shows_visible_answers_newest_first(week, question, existing, student, staff):
    newer = add_comment(week, staff, DIFFERENT, question=question)
    Comment.objects.filter(pk=existing.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    page = client_for(student).get(answers_url(week, question), **HTMX).content.decode()
    assert page.index(f"#c{newer.pk}") < page.index(f"#c{existing.pk}")
