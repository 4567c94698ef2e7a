"""The week page's stored comment markup (discussions/page_cache.py): after every kind of
change the next view of every role shows it, and no viewer ever sees another's controls or
an answer withheld from them, whatever other viewers loaded the store before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from core.access import seminar_access, week_access
from core.lib import page_store
from core.models import Enrollment, QuestionSection, RevealPolicy, WeekDuty
from discussions import assembly, moderation, page_cache, services
from discussions.models import Comment
from discussions.page_cache import CSRF_SLOT, STORE
from discussions.selectors import build_discussion
from discussions.unread import mark_seen
from tests.conftest import enroll, make_user
from tests.discussions.helpers import add_comment, base, client_for, first_question
from tests.test_page_store import same_page

pytestmark = pytest.mark.django_db


def access_for(user, week):
    return week_access(seminar_access(user, week.seminar), week)


@pytest.fixture(autouse=True)
def _empty_store():
    STORE.clear()


@pytest.fixture
def cast(week, staff, lead, student, other_student):
    """Olive's answer (with a reply by Sam) and Sam's answer to question 1, and a client for
    every role, each having viewed the page once (the store holds every kind of viewer)."""
    question = first_question(week)
    answer = add_comment(week, other_student, "OLIVE-ANSWER", question=question)
    add_comment(week, student, "SAM-REPLY", parent=answer)
    mine = add_comment(week, student, "SAM-ANSWER", question=question)
    clients = {
        name: client_for(u)
        for name, u in {
            "staff": staff,
            "lead": lead,
            "student": student,
            "other": other_student,
        }.items()
    }
    for client in clients.values():
        assert client.get(base(week)).status_code == 200
    return {"question": question, "answer": answer, "mine": mine, "clients": clients}


def page(client: Client, week) -> str:
    response = client.get(base(week))
    assert response.status_code == 200
    return response.content.decode()


def pages(cast, week) -> dict[str, str]:
    return {name: page(client, week) for name, client in cast["clients"].items()}


ROLES = ("staff", "lead", "student", "other")
Change = Callable[..., None]


def post(cast, week, users):
    services.post_comment(access_for(users["student"], week), None, None, "NEW-GENERAL-POST")


def reply(cast, week, users):
    services.post_comment(access_for(users["lead"], week), None, cast["answer"], "NEW-LEAD-REPLY")


def edit(cast, week, users):
    services.edit_comment(access_for(users["other"], week), cast["answer"], "OLIVE-EDITED")


def delete(cast, week, users):
    services.delete_comment(access_for(users["other"], week), cast["answer"])


def rename(cast, week, users):
    users["other"].display_name = "Renamed Olive"
    users["other"].save()


def pin(cast, week, users):
    moderation.pin(cast["answer"], actor=users["lead"])


def endorse(cast, week, users):
    moderation.endorse(cast["answer"], actor=users["lead"])


def team(cast, week, users):
    WeekDuty.objects.create(week=week, user=users["other"], team=WeekDuty.Team.BLOG)


def role(cast, week, users):
    Enrollment.objects.filter(user=users["other"], seminar=week.seminar).update(
        role=Enrollment.Role.STAFF
    )


EVERYONE_SEES = [
    (post, "NEW-GENERAL-POST"),
    (reply, "NEW-LEAD-REPLY"),
    (edit, "OLIVE-EDITED"),
    (delete, "Deleted by author."),
    (rename, "Renamed Olive"),
    (pin, "badge-pinned"),
    (endorse, "badge-endorsed"),
    (team, "badge-blogger"),
    (role, "badge-staff"),
]


@pytest.mark.parametrize(
    ("change", "shown"), EVERYONE_SEES, ids=lambda v: getattr(v, "__name__", v)
)
def test_every_role_sees_a_change_on_its_next_view(
    cast, week, staff, lead, student, other_student, change, shown
):
    users = {"staff": staff, "lead": lead, "student": student, "other": other_student}
    before = pages(cast, week)
    assert all(before[name].count(shown) == before["staff"].count(shown) for name in ROLES)
    change(cast, week, users)
    after = pages(cast, week)
    for name in ROLES:
        assert after[name].count(shown) > before[name].count(shown), name
    if change is edit or change is delete:
        assert not any("OLIVE-ANSWER" in after[name] for name in ROLES)


def test_hide_and_unhide_show_to_each_role_what_it_may_see(cast, week, lead):
    moderation.hide(cast["answer"], actor=lead, reason="SECRET-REASON")
    after = pages(cast, week)
    for name in ("staff", "lead"):  # moderators read the text and the reason
        assert "OLIVE-ANSWER" in after[name]
        assert "hidden: SECRET-REASON" in after[name]
    assert "OLIVE-ANSWER" in after["other"]  # its author, with the reason
    assert "SECRET-REASON" in after["other"]
    assert "OLIVE-ANSWER" not in after["student"]
    assert "SECRET-REASON" not in after["student"]
    assert "Hidden by a moderator." in after["student"]
    moderation.unhide(cast["answer"], actor=lead)
    again = pages(cast, week)
    assert all("OLIVE-ANSWER" in again[name] for name in ROLES)
    assert not any("SECRET-REASON" in again[name] for name in ROLES)


def test_a_lock_takes_the_reply_links_away_from_students_not_staff(cast, week, lead):
    reply_link = f"c/{cast['answer'].pk}/reply/"
    assert all(reply_link in html for html in pages(cast, week).values())
    moderation.lock_thread(week, cast["question"], actor=lead, reason="")
    after = pages(cast, week)
    assert reply_link not in after["student"]
    assert reply_link not in after["lead"]
    assert reply_link in after["staff"]  # staff may post in locked threads
    moderation.unlock_thread(week, cast["question"], actor=lead)
    assert reply_link in page(cast["clients"]["student"], week)


def test_a_flag_shows_in_the_moderators_controls(cast, week, student):
    moderation.flag(cast["answer"], user=student, reason="rude")
    after = pages(cast, week)
    assert "1 flag" in after["lead"]
    assert "1 flag" in after["staff"]
    assert "1 flag" not in after["student"]


def test_a_reveal_policy_change_withholds_answers_from_who_has_not_answered(
    cast, week, seminar, other_student
):
    fresh = enroll(make_user("fresh@example.edu", first_name="Fresh"), seminar)
    fresh_client = client_for(fresh)
    assert "OLIVE-ANSWER" in page(fresh_client, week)
    section = cast["question"].section
    section.reveal_policy = RevealPolicy.AFTER_OWN
    section.save()
    assert "OLIVE-ANSWER" not in page(fresh_client, week)
    assert "SAM-REPLY" not in page(fresh_client, week)
    assert "OLIVE-ANSWER" in page(cast["clients"]["student"], week)  # has answered there
    QuestionSection.objects.filter(pk=section.pk).update(reveal_policy=RevealPolicy.ALWAYS)
    assert "OLIVE-ANSWER" in page(fresh_client, week)


def test_a_new_lead_gets_the_controls_and_a_former_one_loses_them(cast, week, lead, student):
    assert "mod-controls" not in page(cast["clients"]["student"], week)
    WeekDuty.objects.create(week=week, user=student, team=WeekDuty.Team.LEAD)
    assert "mod-controls" in page(cast["clients"]["student"], week)
    WeekDuty.objects.filter(week=week, user=lead).delete()
    assert "mod-controls" not in page(cast["clients"]["lead"], week)


def test_no_viewer_sees_anothers_controls(cast, week):
    answer, mine = cast["answer"], cast["mine"]
    for _ in range(2):  # first and repeat views, in every order of the roles
        html = pages(cast, week)
        assert f"c/{mine.pk}/edit/" in html["student"]
        assert f"c/{answer.pk}/edit/" not in html["student"]
        assert f"c/{answer.pk}/edit/" in html["other"]
        assert f"c/{mine.pk}/edit/" not in html["other"]
        assert f"c/{mine.pk}/edit/" not in html["lead"]
        assert f"c/{mine.pk}/flag/" not in html["student"]  # nobody flags their own
        assert f"c/{mine.pk}/flag/" in html["other"]
        for name in ("student", "other"):
            assert "mod-controls" not in html[name]
            assert "/history/" not in html[name]
        for name in ROLES:
            assert CSRF_SLOT not in html[name]


def test_moderators_forms_carry_their_own_csrf_token(cast, week):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["answer"].week.seminar.enrollments.get(role="staff").user)
    html = page(client, week)
    token = html.split('name="csrfmiddlewaretoken" value="', 2)[2].split('"', 1)[0]
    response = client.post(
        f"{base(week)}c/{cast['answer'].pk}/moderate/",
        {"action": "pin", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert "badge-pinned" in page(client, week)


def test_the_author_alone_sees_their_credit(cast, week, lead):
    reply_ = cast["answer"].replies.get()
    moderation.credit(reply_, actor=lead)
    html = pages(cast, week)
    assert "credited as substantive" in html["student"]  # Sam wrote the reply
    assert "credited as substantive" in html["lead"]
    assert "credited as substantive" not in html["other"]


def test_read_markers_are_each_viewers_own(cast, week, student, other_student):
    lead_reply = services.post_comment(
        access_for(cast["answer"].week.seminar.enrollments.get(role="staff").user, week),
        None,
        cast["answer"],
        "STAFF-REPLY",
    )
    marker = f'id="c{lead_reply.pk}"'
    html = pages(cast, week)
    assert "unread-new" in html["student"].split(marker, 1)[0].rsplit("<article", 1)[1]
    mark_seen(access_for(student, week), [lead_reply.pk], lead_reply.updated_at)
    after = pages(cast, week)
    assert "unread-new" not in after["student"].split(marker, 1)[0].rsplit("<article", 1)[1]
    assert "unread-new" in after["other"].split(marker, 1)[0].rsplit("<article", 1)[1]


def test_comment_times_are_in_each_viewers_own_zone(cast, week, student, other_student):
    student.time_zone = "Asia/Tokyo"
    student.save()
    other_student.time_zone = "Europe/Berlin"
    other_student.save()
    html = pages(cast, week)
    assert "JST" in html["student"] and "CET" not in html["student"]
    assert "CET" in html["other"] and "JST" not in html["other"]
    assert "JST" not in html["staff"] and "CET" not in html["staff"]


def test_a_repeat_view_of_the_discussion_costs_at_most_10_queries_whatever_its_size(
    week, staff, lead, student, other_student, django_assert_max_num_queries
):
    counts = []
    for n in (3, 60):
        for i in range(n):
            parent = add_comment(week, other_student, f"a{i}", question=first_question(week))
            add_comment(week, student, f"r{i}", parent=parent)
        row = []
        for user in (staff, lead, student):
            build_discussion(access_for(user, week))  # the first view after the change
            access = access_for(user, week)
            with django_assert_max_num_queries(10) as captured:
                build_discussion(access)
            row.append(len(captured))
        counts.append(row)
    assert counts[0] == counts[1]


def test_a_comment_deleted_for_good_disappears_on_the_next_view(cast, week):
    before = pages(cast, week)
    assert all("OLIVE-ANSWER" in before[name] for name in ROLES)
    Comment.objects.filter(pk=cast["answer"].pk).delete()  # and its reply, by cascade
    after = pages(cast, week)
    assert not any("OLIVE-ANSWER" in after[name] or "SAM-REPLY" in after[name] for name in ROLES)
    assert all("SAM-ANSWER" in after[name] for name in ROLES)


def test_an_edit_that_commits_after_a_later_save_is_still_shown(cast, week, other_student):
    """A transaction that saved earlier but committed later than one already seen: its
    updated_at is older than the newest the store read (within LATE_COMMIT_MARGIN), and
    the number of comments is the same."""
    pages(cast, week)
    newest = Comment.objects.filter(week=week).order_by("-updated_at")[0].updated_at
    services.edit_comment(access_for(other_student, week), cast["answer"], "LATE-EDIT")
    Comment.objects.filter(pk=cast["answer"].pk).update(updated_at=newest - dt.timedelta(seconds=1))
    Comment.objects.filter(pk=cast["mine"].pk).update(updated_at=newest + dt.timedelta(seconds=1))
    assert all("LATE-EDIT" in page_html for page_html in pages(cast, week).values())


def test_only_the_changed_comments_and_their_replies_are_viewed_again(
    cast, week, seminar, monkeypatch
):
    classmate = enroll(make_user("classmate@example.edu"), seminar)  # not among the viewers
    others = [add_comment(week, classmate, f"OTHER-{i}") for i in range(3)]
    pages(cast, week)
    viewed: list[int] = []
    real = assembly.comment_view
    monkeypatch.setattr(
        assembly, "comment_view", lambda c, *a, **k: viewed.append(c.pk) or real(c, *a, **k)
    )
    services.edit_comment(access_for(cast["answer"].author, week), cast["answer"], "OLIVE-EDITED")
    reply = Comment.objects.get(parent=cast["answer"])
    after = pages(cast, week)
    assert all("OLIVE-EDITED" in after[name] for name in ROLES)
    # Besides: each viewer's own comments, rendered for them on every view.
    assert set(viewed) <= {cast["answer"].pk, reply.pk, cast["mine"].pk}
    assert cast["answer"].pk in viewed and reply.pk in viewed
    assert not {c.pk for c in others} & set(viewed)


def test_with_descendants_finds_every_reply_below():
    def c(pk, parent=None):
        return Comment(pk=pk, parent_id=parent)

    comments = [c(1), c(2, 1), c(3, 2), c(4, 3), c(5), c(6, 5)]
    assert page_cache.with_descendants({2}, comments) == {2, 3, 4}
    assert page_cache.with_descendants({5, 4}, comments) == {4, 5, 6}


def latest(week) -> page_cache.WeekComments:
    """The week's newest read in the store (one set of teams, staff and zone here)."""
    (found,) = [kept for key, kept in page_cache.LATEST.items.items() if key[0] == week.pk]
    return found


def layout(tops) -> dict:
    return {q: [(t.pk, t.count, t.pinned, t.parts) for t in kept] for q, kept in tops.items()}


def test_a_change_lays_out_again_only_the_thread_it_is_in(cast, week, other_student, lead):
    second = week.sections.order_by("position")[0].questions.order_by("position")[1]
    add_comment(week, other_student, "Q2-ANSWER", question=second)
    pages(cast, week)
    before = latest(week)

    services.post_comment(access_for(lead, week), None, cast["answer"], "NEW-LEAD-REPLY")
    after_pages = pages(cast, week)

    after = latest(week)
    assert after is not before
    assert after.tops[second.pk] is before.tops[second.pk]  # kept as it was
    assert after.tops[cast["question"].pk] is not before.tops[cast["question"].pk]
    # What was kept and laid out again is what reading the whole week lays out.
    assert layout(after.tops) == layout(page_cache.skeletons(after.comments, after.by_id))
    assert all("NEW-LEAD-REPLY" in html and "Q2-ANSWER" in html for html in after_pages.values())


def test_a_viewers_unchanged_threads_are_not_joined_again_after_a_change_elsewhere(
    cast, week, other_student, lead, monkeypatch
):
    second = week.sections.order_by("position")[0].questions.order_by("position")[1]
    add_comment(week, other_student, "Q2-ANSWER", question=second)
    pages(cast, week)
    joined: list[list[int]] = []
    real = assembly.Assembler.join
    monkeypatch.setattr(
        assembly.Assembler,
        "join",
        lambda self, tops, *a: joined.append([t.pk for t in tops]) or real(self, tops, *a),
    )

    services.post_comment(access_for(lead, week), None, cast["answer"], "NEW-LEAD-REPLY")
    after = pages(cast, week)

    assert joined  # the changed thread, for each viewer
    assert all(cast["answer"].pk in tops for tops in joined)  # question 1's only
    monkeypatch.undo()
    assembly.THREADS.clear()
    page_store.STORE.clear()
    assert {name: same_page(html) for name, html in after.items()} == {
        name: same_page(html) for name, html in pages(cast, week).items()
    }  # the same pages as joined whole


def test_a_joined_thread_is_never_served_to_another_viewer(cast, week, student):
    """After a post in another thread, each viewer's question 1 comes from what was joined
    for them (THREADS), with their own controls only."""
    answer, mine = cast["answer"], cast["mine"]
    pages(cast, week)
    post(cast, week, {"student": student})  # the general thread changes, question 1 not
    html = pages(cast, week)
    assert "NEW-GENERAL-POST" in html["other"]
    assert f"c/{mine.pk}/edit/" in html["student"]
    assert f"c/{answer.pk}/edit/" not in html["student"]
    assert f"c/{answer.pk}/edit/" in html["other"]
    assert f"c/{mine.pk}/edit/" not in html["other"]
    for name in ("student", "other"):
        assert "mod-controls" not in html[name]
    assert "mod-controls" in html["lead"] and "mod-controls" in html["staff"]
