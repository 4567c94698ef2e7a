"""Moderation: the services (each action logged), the endpoints (htmx and JS off), who sees
what of a hidden comment, and the flag queue."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from discussions import moderation
from discussions.models import Comment, Flag, ModerationAction, ThreadLock
from tests.discussions.helpers import (
    HTMX,
    add_comment,
    answer_url,
    client_for,
    comment_url,
    first_question,
)

Action = ModerationAction.Action


@pytest.fixture
def answer(week, student) -> Comment:
    return add_comment(week, student, "A student's answer 7f3e", question=first_question(week))


@pytest.fixture
def reply_to(answer, other_student) -> Comment:
    return add_comment(answer.week, other_student, "A classmate's reply 2c9a", parent=answer)


def actions(week) -> list[tuple[str, int | None, str]]:
    return list(
        ModerationAction.objects.filter(week=week)
        .order_by("id")
        .values_list("action", "comment_id", "reason")
    )


# --- Services ----------------------------------------------------------------------------


def test_hide_needs_a_reason_and_logs_who_what_and_why(answer, lead):
    with pytest.raises(ValidationError, match="reason"):
        moderation.hide(answer, actor=lead, reason="   ")
    assert not ModerationAction.objects.exists()

    moderation.hide(answer, actor=lead, reason="Off topic")
    answer.refresh_from_db()
    assert answer.is_hidden and answer.hidden_reason == "Off topic"
    assert answer.hidden_by == lead and answer.hidden_at is not None
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.actor, entry.comment, entry.reason) == (
        Action.HIDE,
        lead,
        answer,
        "Off topic",
    )
    assert entry.question == answer.question and entry.created_at is not None


def test_unhide_clears_the_reason_and_is_logged(answer, lead):
    moderation.hide(answer, actor=lead, reason="Spoiler")
    moderation.unhide(answer, actor=lead)
    answer.refresh_from_db()
    assert not answer.is_hidden and answer.hidden_reason == "" and answer.hidden_by is None
    assert [a[0] for a in actions(answer.week)] == [Action.HIDE, Action.UNHIDE]


def test_repeating_an_action_changes_nothing_and_logs_once(answer, lead):
    moderation.pin(answer, actor=lead)
    moderation.pin(answer, actor=lead)
    moderation.endorse(answer, actor=lead)
    moderation.endorse(answer, actor=lead)
    moderation.unpin(answer, actor=lead)
    moderation.unpin(answer, actor=lead)
    assert [a[0] for a in actions(answer.week)] == [Action.PIN, Action.ENDORSE, Action.UNPIN]


def test_hiding_again_with_a_new_reason_updates_and_logs_it(answer, lead):
    moderation.hide(answer, actor=lead, reason="First")
    moderation.hide(answer, actor=lead, reason="Second")
    answer.refresh_from_db()
    assert answer.hidden_reason == "Second"
    assert [a[2] for a in actions(answer.week)] == ["First", "Second"]


def test_pin_endorse_and_their_undo(answer, lead):
    moderation.pin(answer, actor=lead)
    moderation.endorse(answer, actor=lead)
    answer.refresh_from_db()
    assert answer.is_pinned and answer.is_endorsed and answer.endorsed_by == lead
    moderation.unpin(answer, actor=lead)
    moderation.unendorse(answer, actor=lead)
    answer.refresh_from_db()
    assert not answer.is_pinned and not answer.is_endorsed and answer.endorsed_at is None


def test_only_replies_and_general_comments_can_be_credited(week, answer, reply_to, lead, student):
    with pytest.raises(ValidationError, match="Only replies and general comments"):
        moderation.credit(answer, actor=lead)
    general = add_comment(week, student, "Something else about the readings")
    for comment in (reply_to, general):
        moderation.credit(comment, actor=lead)
        comment.refresh_from_db()
        assert comment.credited_substantive and comment.credited_by == lead
    moderation.uncredit(reply_to, actor=lead)
    reply_to.refresh_from_db()
    assert not reply_to.credited_substantive and reply_to.credited_at is None
    assert [a[0] for a in actions(week)] == [Action.CREDIT, Action.CREDIT, Action.UNCREDIT]


def test_a_deleted_reply_cannot_be_credited(reply_to, lead):
    reply_to.deleted_at = reply_to.created_at
    reply_to.save()
    with pytest.raises(ValidationError, match="deleted"):
        moderation.credit(reply_to, actor=lead)


def test_lock_and_unlock_a_question_thread_and_the_general_thread(week, lead):
    question = first_question(week)
    moderation.lock_thread(week, question, actor=lead, reason="Settled")
    moderation.lock_thread(week, None, actor=lead)
    moderation.lock_thread(week, question, actor=lead)  # already locked: nothing new
    assert set(ThreadLock.objects.values_list("question_id", flat=True)) == {question.pk, None}
    moderation.unlock_thread(week, question, actor=lead)
    assert list(ThreadLock.objects.values_list("question_id", flat=True)) == [None]
    log = list(ModerationAction.objects.order_by("id").values_list("action", "question_id"))
    assert log == [(Action.LOCK, question.pk), (Action.LOCK, None), (Action.UNLOCK, question.pk)]


def test_a_question_of_another_week_cannot_be_locked_here(seminar, week, lead):
    from tests.conftest import make_week

    other = make_week(seminar, number=5)
    with pytest.raises(ValidationError, match="another week"):
        moderation.lock_thread(week, first_question(other), actor=lead)
    assert not ThreadLock.objects.exists()


def test_lock_and_unlock_the_whole_week(week, staff):
    moderation.lock_week(week, actor=staff, reason="Exam week")
    week.refresh_from_db()
    assert week.is_locked
    moderation.unlock_week(week, actor=staff)
    week.refresh_from_db()
    assert not week.is_locked
    log = actions(week)
    assert [a[0] for a in log] == [Action.LOCK, Action.UNLOCK]
    assert log[0][2] == f"{moderation.WEEK_SCOPE} Exam week"


def test_a_member_flags_once_per_comment_and_a_lead_resolves_it(answer, other_student, lead):
    with pytest.raises(ValidationError, match="Say what is wrong"):
        moderation.flag(answer, user=other_student, reason="")
    first = moderation.flag(answer, user=other_student, reason="Rude")
    again = moderation.flag(answer, user=other_student, reason="Rude and wrong")
    assert first.pk == again.pk and Flag.objects.get().reason == "Rude and wrong"
    assert not ModerationAction.objects.exists()  # a report, not a moderation action

    moderation.resolve_flag(again, actor=lead)
    again.refresh_from_db()
    assert again.resolved_by == lead and again.resolved_at is not None
    entry = ModerationAction.objects.get()
    assert entry.action == Action.FLAG_RESOLVE and entry.comment == answer
    assert "Rude and wrong" in entry.reason
    # Resolved: the member may flag the same comment again.
    assert moderation.flag(answer, user=other_student, reason="Still rude").pk != first.pk


# --- Endpoints: plain forms (JS off) and htmx --------------------------------------------


def moderate_url(comment: Comment) -> str:
    return comment_url(comment, "moderate")


def test_a_lead_hides_with_a_reason_without_js_and_is_sent_back_to_the_comment(answer, lead):
    response = client_for(lead).post(
        moderate_url(answer), {"action": "hide", "reason": "Spoils the quiz"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{answer.week.get_absolute_url()}#c{answer.pk}"
    page = response.content.decode()
    assert "Comment hidden" in page  # the message
    answer.refresh_from_db()
    assert answer.is_hidden and answer.hidden_reason == "Spoils the quiz"
    assert ModerationAction.objects.get().actor == lead


def test_hiding_without_a_reason_says_so_and_changes_nothing(answer, lead):
    response = client_for(lead).post(moderate_url(answer), {"action": "hide", "reason": " "})
    assert response.status_code == 400
    assert moderation.REASON_REQUIRED in response.content.decode()
    answer.refresh_from_db()
    assert not answer.is_hidden and not ModerationAction.objects.exists()


def test_hiding_without_a_reason_in_place_shows_the_message_in_the_open_controls(answer, lead):
    response = client_for(lead).post(moderate_url(answer), {"action": "hide"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps it
    assert html.startswith(f'<div class="comment-main" id="main-c{answer.pk}"')
    assert moderation.REASON_REQUIRED in html and "<details" in html and " open>" in html
    assert 'role="alert"' in html


def test_htmx_actions_swap_the_comment_with_its_new_badges(answer, reply_to, lead):
    client = client_for(lead)
    html = client.post(moderate_url(answer), {"action": "pin"}, **HTMX).content.decode()
    assert 'class="badge badge-pinned"' in html and 'value="unpin"' in html
    assert "pinned to the top" in html  # status in the swapped controls
    html = client.post(moderate_url(answer), {"action": "endorse"}, **HTMX).content.decode()
    assert 'class="badge badge-endorsed"' in html and "Remove endorsement" in html
    html = client.post(moderate_url(reply_to), {"action": "credit"}, **HTMX).content.decode()
    assert "credited as substantive" in html and "Remove credit" in html
    html = client.post(
        moderate_url(answer), {"action": "hide", "reason": "Off topic"}, **HTMX
    ).content.decode()
    assert "hidden: Off topic" in html and 'value="unhide"' in html
    assert [a[0] for a in actions(answer.week)] == [
        Action.PIN,
        Action.ENDORSE,
        Action.CREDIT,
        Action.HIDE,
    ]


def test_crediting_an_answer_is_refused_with_a_message(answer, lead):
    response = client_for(lead).post(moderate_url(answer), {"action": "credit"})
    assert response.status_code == 400
    assert "Only replies and general comments" in response.content.decode()
    answer.refresh_from_db()
    assert not answer.credited_substantive


def test_an_unknown_action_is_a_clear_400(answer, staff):
    response = client_for(staff).post(moderate_url(answer), {"action": "explode"})
    assert response.status_code == 400 and "Unknown moderation action" in response.content.decode()


def test_get_never_writes(answer, lead):
    client = client_for(lead)
    assert client.get(moderate_url(answer)).status_code == 200
    assert client.get(f"{answer.week.get_absolute_url()}lock/").status_code == 405
    assert not ModerationAction.objects.exists()


# --- Who sees what of a hidden comment ---------------------------------------------------


def test_the_author_sees_the_reason_and_others_see_only_a_notice(
    answer, student, other_student, lead, staff
):
    moderation.hide(answer, actor=lead, reason="Please cite the paper 41ab")
    url = answer.week.get_absolute_url()
    mine = client_for(student).get(url).content.decode()
    assert "Please cite the paper 41ab" in mine and "A student's answer 7f3e" in mine
    theirs = client_for(other_student).get(url).content.decode()
    assert "Hidden by a moderator." in theirs
    assert "A student's answer 7f3e" not in theirs  # really absent, not just hidden by CSS
    assert "Please cite the paper 41ab" not in theirs
    for moderator in (lead, staff):
        page = client_for(moderator).get(url).content.decode()
        assert "A student's answer 7f3e" in page and "hidden: Please cite the paper 41ab" in page


def test_a_hidden_comment_is_absent_from_its_own_fragment_and_flag_page(
    answer, other_student, lead
):
    moderation.hide(answer, actor=lead, reason="Reason 55")
    client = client_for(other_student)
    fragment = client.get(comment_url(answer), **HTMX).content.decode()
    assert "A student's answer 7f3e" not in fragment and "Reason 55" not in fragment
    assert client.get(comment_url(answer, "flag")).status_code == 404


# --- Controls shown only to those allowed ---------------------------------------------------


def test_controls_show_only_to_this_weeks_moderators(
    answer, student, other_student, lead, staff, other_week_lead
):
    url = answer.week.get_absolute_url()
    for moderator in (lead, staff):
        page = client_for(moderator).get(url).content.decode()
        assert moderate_url(answer) in page and "Lock this thread" in page
        assert "Lock the whole week" in page and f"{url}flags/" in page
    for user in (student, other_student, other_week_lead):
        page = client_for(user).get(url).content.decode()
        assert "/moderate/" not in page and "Lock this thread" not in page
        assert "Lock the whole week" not in page
    assert comment_url(answer, "flag") in client_for(other_student).get(url).content.decode()
    assert comment_url(answer, "flag") not in client_for(student).get(url).content.decode()


def test_another_weeks_lead_is_refused_by_every_endpoint(answer, other_week_lead):
    client = client_for(other_week_lead)
    base = answer.week.get_absolute_url()
    assert client.post(moderate_url(answer), {"action": "hide", "reason": "x"}).status_code == 403
    assert client.post(f"{base}lock/", {"action": "lock", "scope": "week"}).status_code == 403
    assert client.get(f"{base}flags/").status_code == 403
    flag = moderation.flag(answer, user=other_week_lead, reason="mine")
    assert client.post(f"{base}flags/{flag.pk}/resolve/").status_code == 403
    assert not ModerationAction.objects.exists()
    answer.week.refresh_from_db()
    assert not answer.week.is_locked


# --- Locks ---------------------------------------------------------------------------------


def test_locking_a_thread_in_place_removes_its_form_and_students_cannot_post(week, lead, student):
    question = first_question(week)
    response = client_for(lead).post(
        f"{week.get_absolute_url()}lock/",
        {"action": "lock", "question": question.pk, "reason": "Enough"},
        **HTMX,
    )
    html = response.content.decode()
    assert html.startswith(f'<section class="thread" id="thread-q{question.pk}"')
    assert "Unlock this thread" in html and "Thread locked" in html
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert f'id="form-q{question.pk}"' not in page
    response = client_for(student).post(answer_url(week, question), {"body": "late words"})
    assert response.status_code == 400 and "locked" in response.content.decode()


def test_locking_the_general_thread_and_unlocking_without_js(week, lead):
    client = client_for(lead)
    base = week.get_absolute_url()
    response = client.post(f"{base}lock/", {"action": "lock", "question": ""})
    assert response.status_code == 302 and response["Location"] == f"{base}#thread-general"
    assert ThreadLock.objects.filter(week=week, question__isnull=True).exists()
    client.post(f"{base}lock/", {"action": "unlock", "question": ""})
    assert not ThreadLock.objects.exists()


def test_locking_the_whole_week_without_js_and_with_htmx(week, staff, student):
    client = client_for(staff)
    base = week.get_absolute_url()
    response = client.post(f"{base}lock/", {"action": "lock", "scope": "week"}, follow=True)
    assert "The whole week is locked" in response.content.decode()
    week.refresh_from_db()
    assert week.is_locked
    page = client_for(student).get(base).content.decode()
    assert 'class="compose"' not in page and "This thread is locked" in page
    response = client.post(f"{base}lock/", {"action": "unlock", "scope": "week"}, **HTMX)
    assert response["HX-Refresh"] == "true"
    week.refresh_from_db()
    assert not week.is_locked


def test_a_question_of_another_week_cannot_be_locked_from_this_one(seminar, week, lead):
    from tests.conftest import make_week

    other = make_week(seminar, number=6)
    response = client_for(lead).post(
        f"{week.get_absolute_url()}lock/", {"action": "lock", "question": first_question(other).pk}
    )
    assert response.status_code == 404 and not ThreadLock.objects.exists()


# --- Flags and the queue -----------------------------------------------------------------


def test_a_member_flags_without_js_and_the_lead_resolves_from_the_queue(
    answer, other_student, lead
):
    client = client_for(other_student)
    form = client.get(comment_url(answer, "flag"))
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    empty = client.post(comment_url(answer, "flag"), {"reason": ""})
    assert empty.status_code == 400 and moderation.FLAG_REASON_REQUIRED in empty.content.decode()
    done = client.post(comment_url(answer, "flag"), {"reason": "Copied from a blog"})
    assert done.status_code == 302 and done["Location"].endswith(f"#c{answer.pk}")
    flag = Flag.objects.get()

    lead_client = client_for(lead)
    week_page = lead_client.get(answer.week.get_absolute_url()).content.decode()
    assert "Flag queue (1 open)" in week_page and "1 flag</span>" in week_page
    queue = lead_client.get(f"{answer.week.get_absolute_url()}flags/").content.decode()
    assert "Copied from a blog" in queue and f"#c{answer.pk}" in queue
    assert f"flags/{flag.pk}/resolve/" in queue
    resolved = lead_client.post(
        f"{answer.week.get_absolute_url()}flags/{flag.pk}/resolve/",
        {"next": f"{answer.week.get_absolute_url()}flags/"},
    )
    assert resolved.status_code == 302 and resolved["Location"].endswith("/flags/")
    flag.refresh_from_db()
    assert flag.resolved_by == lead
    queue = lead_client.get(f"{answer.week.get_absolute_url()}flags/").content.decode()
    assert "No open flags." in queue and "Resolved by" in queue


def test_flagging_in_place_swaps_the_form_for_a_thank_you(answer, other_student):
    client = client_for(other_student)
    form = client.get(comment_url(answer, "flag"), **HTMX).content.decode()
    assert form.startswith('<form class="compose flag-form"')
    error = client.post(comment_url(answer, "flag"), {"reason": ""}, **HTMX).content.decode()
    assert moderation.FLAG_REASON_REQUIRED in error and error.startswith("<form")
    done = client.post(comment_url(answer, "flag"), {"reason": "Rude"}, **HTMX).content.decode()
    assert "Thank you" in done and Flag.objects.get().reason == "Rude"


def test_resolving_in_place_returns_the_resolved_row(answer, other_student, staff):
    flag = moderation.flag(answer, user=other_student, reason="Off topic")
    html = (
        client_for(staff)
        .post(f"{answer.week.get_absolute_url()}flags/{flag.pk}/resolve/", **HTMX)
        .content.decode()
    )
    assert f'id="flag-{flag.pk}"' in html and "Resolved by" in html


def test_resolve_ignores_a_next_url_off_the_site(answer, other_student, lead):
    flag = moderation.flag(answer, user=other_student, reason="x")
    response = client_for(lead).post(
        f"{answer.week.get_absolute_url()}flags/{flag.pk}/resolve/",
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == f"{answer.week.get_absolute_url()}flags/"


def test_the_moderate_button_resolves_every_flag_on_a_comment(
    answer, student, other_student, lead, auditor
):
    moderation.flag(answer, user=other_student, reason="a")
    moderation.flag(answer, user=auditor, reason="b")
    client_for(lead).post(moderate_url(answer), {"action": "resolve_flags"})
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert [a[0] for a in actions(answer.week)] == [Action.FLAG_RESOLVE] * 2


def test_the_seminar_queue_is_for_staff_and_lists_every_week(
    seminar, answer, other_student, staff, lead
):
    from tests.conftest import make_week

    other = make_week(seminar, number=7)
    elsewhere = add_comment(other, other_student, "Elsewhere", question=first_question(other))
    moderation.flag(answer, user=other_student, reason="Reason one 1")
    moderation.flag(elsewhere, user=lead, reason="Reason two 2")
    url = f"{seminar.get_absolute_url()}moderation/flags/"
    page = client_for(staff).get(url).content.decode()
    assert "Reason one 1" in page and "Reason two 2" in page and "Week 7" in page
    assert client_for(lead).get(url).status_code == 403
    week_queue = client_for(lead).get(f"{answer.week.get_absolute_url()}flags/").content.decode()
    assert "Reason one 1" in week_queue and "Reason two 2" not in week_queue


def test_the_queue_costs_the_same_queries_for_few_and_many_flags(week, lead, seminar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import enroll, make_user

    client = client_for(lead)
    url = f"{week.get_absolute_url()}flags/"
    counts = []
    for n in (2, 12):
        for i in range(n):
            user = enroll(make_user(f"flagger{n}-{i}@example.edu"), seminar)
            comment = add_comment(week, user, f"c{i}", question=first_question(week))
            moderation.flag(comment, user=user if i % 2 else lead, reason=f"r{i}")
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Admin ---------------------------------------------------------------------------------


def admin_form(comment: Comment, **changes: object) -> dict[str, object]:
    data = {
        "hidden_reason": comment.hidden_reason,
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "flags-TOTAL_FORMS": "0",
        "flags-INITIAL_FORMS": "0",
    }
    for field in ("is_hidden", "is_pinned", "is_endorsed", "credited_substantive"):
        if changes.get(field, getattr(comment, field)):
            data[field] = "on"
    data.update({k: v for k, v in changes.items() if k == "hidden_reason"})
    return data


def test_moderating_in_the_admin_needs_a_reason_and_is_logged(answer):
    from tests.conftest import make_user

    root = make_user("root@example.edu", is_staff=True, is_superuser=True)
    client = client_for(root)
    url = f"/admin/discussions/comment/{answer.pk}/change/"
    refused = client.post(url, admin_form(answer, is_hidden=True))
    assert refused.status_code == 200 and moderation.REASON_REQUIRED in refused.content.decode()
    answer.refresh_from_db()
    assert not answer.is_hidden

    done = client.post(
        url, admin_form(answer, is_hidden=True, is_pinned=True, hidden_reason="Rude")
    )
    assert done.status_code == 302
    answer.refresh_from_db()
    assert answer.is_hidden and answer.hidden_at is not None and answer.hidden_by == root
    assert sorted(a[0] for a in actions(answer.week)) == [Action.HIDE, Action.PIN]
    log = client.get("/admin/discussions/moderationaction/").content.decode()
    assert "Rude" in log


def test_staff_resolve_flags_from_the_admin_and_it_is_logged(answer, other_student):
    from tests.conftest import make_user

    root = make_user("root@example.edu", is_staff=True, is_superuser=True)
    flag = moderation.flag(answer, user=other_student, reason="Looks copied")
    client = client_for(root)
    listing = client.get("/admin/discussions/flag/?open=yes").content.decode()
    assert "Looks copied" in listing
    client.post("/admin/discussions/flag/", {"action": "resolve", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.resolved_by == root
    assert [a[0] for a in actions(answer.week)] == [Action.FLAG_RESOLVE]
