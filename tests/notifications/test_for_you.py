"""In-app notices ("For you"): each kind, once only, the email settings, and no leak."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.access import seminar_access, week_access
from core.models import Enrollment, RevealPolicy, Week, WeekDuty
from core.services import publish_week
from discussions import moderation
from discussions.follow_models import Follow
from discussions.models import Comment
from discussions.services import edit_comment, post_comment
from notifications.announcements import duties_send_due
from notifications.inbox import comment_notices, unread_count
from notifications.models import Notice
from notifications.notices import notices_send_due
from tests.conftest import enroll, make_user, make_week
from tests.discussions.helpers import client_for, first_question

pytestmark = pytest.mark.django_db

Kind = Notice.Kind


def access_for(user, week):
    return week_access(seminar_access(user, week.seminar), week)


def post(user, week, body: str, parent: Comment | None = None) -> Comment:
    question = None if parent else first_question(week)
    return post_comment(access_for(user, week), question, parent, body)


@pytest.fixture
def answer(week, student) -> Comment:
    return post(student, week, "What I think about question 1.")


def kinds(user) -> list[str]:
    return list(Notice.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_reply_to_my_comment_is_a_notice_counted_in_the_header_and_listed(
    week, student, other_student, answer
):
    post(other_student, week, "I see it **differently**.", parent=answer)
    assert kinds(student) == [Kind.REPLY]
    client = client_for(student)
    home = client.get(reverse("profile:page")).content.decode()
    assert "For you" in home and 'class="badge badge-count">1<' in home
    page = client.get(reverse("notifications:for_you")).content.decode()
    assert "Olive replied to your comment" in page
    assert "I see it **differently**." in page  # a plain excerpt, escaped, never markup


def test_opening_a_notice_is_a_post_that_clears_it_and_leads_to_the_comment(
    week, student, other_student, answer
):
    reply = post(other_student, week, "A reply.", parent=answer)
    notice = Notice.objects.get(recipient=student)
    client = client_for(student)
    open_url = reverse("notifications:open", args=[notice.pk])
    assert client.get(open_url).status_code == 405  # no write on GET
    assert unread_count(student.pk) == 1
    response = client.post(open_url)
    assert response.status_code == 302
    assert response["Location"] == f"{week.get_absolute_url()}#c{reply.pk}"
    assert unread_count(student.pk) == 0


def test_mark_read_and_mark_all_read_touch_only_my_own_notices(
    week, student, other_student, answer
):
    post(other_student, week, "One.", parent=answer)
    post(other_student, week, "Two.", parent=answer)
    mine = Notice.objects.filter(recipient=student).first()
    olive = client_for(other_student)
    assert olive.post(reverse("notifications:read", args=[mine.pk])).status_code == 404
    assert olive.post(reverse("notifications:read_all")).status_code == 302
    assert unread_count(student.pk) == 2
    client = client_for(student)
    client.post(reverse("notifications:read", args=[mine.pk]))
    assert unread_count(student.pk) == 1
    client.post(reverse("notifications:read_all"))
    assert unread_count(student.pk) == 0


def test_a_reply_in_a_thread_i_follow_notifies_me_and_unfollowing_stops_it(
    week, student, other_student, answer, lead
):
    olives_reply = post(other_student, week, "Olive's reply.", parent=answer)
    post(lead, week, "The lead answers Olive.", parent=olives_reply)
    # Sam started the thread (follows it by default); Olive answered in it (follows too).
    assert kinds(other_student) == [Kind.REPLY]
    assert kinds(student) == [Kind.THREAD, Kind.REPLY]
    Follow.objects.filter(user=student).update(following=False)
    post(lead, week, "Another one.", parent=olives_reply)
    assert len(kinds(student)) == 2
    # Posting again in a thread one unfollowed does not follow it again.
    post(student, week, "Sam again.", parent=olives_reply)
    assert not Follow.objects.get(user=student, comment=answer).following


def test_one_notice_per_comment_and_person_whatever_runs_twice(
    week, student, other_student, answer
):
    reply = post(other_student, week, "A reply.", parent=answer)
    assert comment_notices(reply) == []
    edit_comment(access_for(other_student, week), reply, "A reply, edited.")
    assert Notice.objects.filter(recipient=student).count() == 1


def test_moderation_of_my_comment_is_a_notice_with_the_reason_undoing_is_not(
    week, student, lead, answer
):
    lead.display_name = "Leah Moderator"
    lead.save()
    moderation.pin(answer, actor=lead)
    moderation.endorse(answer, actor=lead)
    moderation.unpin(answer, actor=lead)
    moderation.hide(answer, actor=lead, reason="Off topic")
    moderation.unhide(answer, actor=lead)
    details = list(
        Notice.objects.filter(recipient=student, kind=Kind.MODERATION)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == [
        "pinned your comment",
        "endorsed your comment",
        "hid your comment: Off topic",
        "showed your comment again",
    ]
    page = client_for(student).get(reverse("notifications:for_you")).content.decode()
    assert "A moderator hid your comment: Off topic" in page
    assert "Leah" not in page  # moderators act as the week's team, unnamed


def test_a_moderator_moderating_their_own_comment_hears_nothing(week, lead):
    mine = post(lead, week, "The lead's own note.")
    moderation.pin(mine, actor=lead)
    assert kinds(lead) == []


def test_a_hidden_reply_leaves_my_count_and_page_and_is_never_emailed(
    week, student, other_student, answer, lead, django_capture_on_commit_callbacks
):
    student.email_reply_notices = "daily"
    student.save()
    reply = post(other_student, week, "Something rude ZQ-RUDE.", parent=answer)
    assert unread_count(student.pk) == 1
    moderation.hide(reply, actor=lead, reason="Rude")
    assert unread_count(student.pk) == 0
    page = client_for(student).get(reverse("notifications:for_you")).content.decode()
    assert "ZQ-RUDE" not in page
    notice = Notice.objects.get(recipient=student)
    assert (
        client_for(student).post(reverse("notifications:open", args=[notice.pk])).status_code == 404
    )


def test_a_withheld_answer_never_reaches_a_follower_who_may_not_see_it(
    week, student, other_student, lead
):
    section = first_question(week).section
    section.reveal_policy = RevealPolicy.AFTER_DEADLINE
    section.save()
    answer = post(student, week, "Sam's answer, withheld from classmates ZQ-SECRET.")
    # Olive followed it while answers were open (or by a forged row): she may not see it now.
    Follow.objects.create(user=other_student, comment=answer)
    post(lead, week, "The lead replies ZQ-SECRET-REPLY.", parent=answer)
    assert kinds(other_student) == []
    assert kinds(student) == [Kind.REPLY]


def test_staff_of_another_seminar_hear_nothing_of_this_seminar(week, seminar, student, answer):
    other = make_week(
        type(seminar).objects.create(title="Other", slug="other", timezone="UTC"), number=1
    )
    foreign_staff = enroll(make_user("foreign@example.edu"), other.seminar, Enrollment.Role.STAFF)
    Follow.objects.create(user=foreign_staff, comment=answer)
    other_student = enroll(make_user("o2@example.edu", first_name="Oz"), seminar)
    post(other_student, week, "A reply.", parent=answer)
    assert kinds(foreign_staff) == []


def test_my_duties_are_notices_once_from_publication_and_reminders(seminar, student):
    draft = make_week(seminar, number=3, status=Week.Status.DRAFT)
    WeekDuty.objects.create(week=draft, user=student, team=WeekDuty.Team.LEAD)
    assert publish_week(week=draft)
    duties_send_due()
    (notice,) = Notice.objects.filter(recipient=student)
    assert (notice.kind, notice.detail) == (Kind.DUTY, "lead")
    page = client_for(student).get(reverse("notifications:for_you")).content.decode()
    assert "You are on the lead team of Week 3" in page


def test_reply_emails_carry_the_same_notices_and_respect_the_setting(
    week, student, other_student, answer, lead, django_capture_on_commit_callbacks
):
    other_student.email_reply_notices = "off"
    other_student.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply = post(other_student, week, "Olive's reply.", parent=answer)
        post(lead, week, "To Olive.", parent=reply)
    notices_send_due()
    # Sam (batched) is emailed both, in one email: the reply to him and the reply in his
    # thread; Olive (off) gets her notice in the app only.
    assert [m.to for m in mail.outbox] == [[student.email]]
    assert "Olive's reply." in mail.outbox[0].body and "To Olive." in mail.outbox[0].body
    assert Notice.objects.filter(recipient=other_student, email_due=False).count() == 1
    emailed = Notice.objects.filter(recipient=student, email__isnull=False)
    assert emailed.count() == 2


def test_the_header_count_is_one_query_and_none_for_visitors(
    week, student, other_student, answer, client
):
    for n in range(5):
        post(other_student, week, f"Reply {n}.", parent=answer)
    with CaptureQueriesContext(connection) as anonymous:
        client.get(reverse("account_login"))
    assert not [q for q in anonymous.captured_queries if "notifications_notice" in q["sql"]]
    signed_in = client_for(student)
    with CaptureQueriesContext(connection) as queries:
        page = signed_in.get(reverse("profile:page")).content.decode()
    counting = [q for q in queries.captured_queries if "notifications_notice" in q["sql"]]
    assert len(counting) == 1
    assert 'class="badge badge-count">5<' in page


def test_a_reply_costs_the_same_queries_however_many_follow_the_thread(seminar, week, answer):
    """Who may hear of a reply is read for all its recipients at once: a thread with many
    followers (every replier follows) made each reply cost several queries per follower."""

    def reply_queries(followers: int) -> int:
        for i in range(followers):
            follower = enroll(make_user(f"f{followers}-{i}@example.edu"), seminar)
            Follow.objects.create(user=follower, comment=answer)
        replier = enroll(make_user(f"replier{followers}@example.edu"), seminar)
        with CaptureQueriesContext(connection) as queries:
            post(replier, week, f"A reply among {followers} followers.", parent=answer)
        return len(queries)

    few, many = reply_queries(2), reply_queries(12)
    # 2 followers, then 12 more with the first replier and the first 2: 2 + 15.
    assert Notice.objects.filter(comment__parent=answer, kind=Kind.THREAD).count() == 2 + 15
    assert many == few
