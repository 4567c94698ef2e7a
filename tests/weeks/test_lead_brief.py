"""The lead's brief of a week: its figures and lists (leads/brief.py), and its page
(/s/<seminar>/w/<week>/brief/) for the week's lead team and staff only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Enrollment, Question, Seminar
from discussions import moderation
from discussions.models import Comment
from leads.brief import week_brief
from tests.conftest import enroll, make_user
from tests.discussions.helpers import add_comment

NOW = timezone.now()


def questions(week) -> list[Question]:
    rows = Question.objects.filter(section__week=week)
    return list(rows.order_by("section__position", "position"))


def posted(comment: Comment, hours_ago: float) -> Comment:
    when = NOW - dt.timedelta(hours=hours_ago)
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    comment.created_at = when
    return comment


@pytest.fixture
def discussion(week, lead, blogger, student, other_student, staff):
    """Question 1: two answers (one 2 h old with a reply 1 h old, one 30 h old alone);
    question 2: one answer 3 days old; questions 3 and 4: none. A hidden and a deleted
    answer to question 4 (they count for nothing), a general comment 5 h old, and one open
    flag. `student` posted; `other_student` did not, nor did a third student, Zoe."""
    q1, q2, _, q4 = questions(week)
    classmate = enroll(make_user("carol@example.edu", first_name="Carol"), week.seminar)
    enroll(make_user("zoe@example.edu", first_name="Zoe"), week.seminar)
    fresh = posted(add_comment(week, student, "Fresh answer", question=q1), 2)
    posted(add_comment(week, classmate, "A reply", parent=fresh), 1)
    alone = posted(add_comment(week, classmate, "Nobody replied to me", question=q1), 30)
    old = posted(add_comment(week, student, "Old answer", question=q2), 72)
    hidden = add_comment(week, student, "Hidden", question=q4)
    moderation.hide(hidden, actor=lead, reason="Off topic")
    add_comment(week, student, "Deleted", question=q4, deleted_at=NOW)
    posted(add_comment(week, classmate, "General remark"), 5)
    moderation.flag(alone, user=student, reason="Looks copied")
    return {"fresh": fresh, "alone": alone, "old": old, "classmate": classmate}


def test_brief_counts_answers_replies_and_new_posts_per_question(week, discussion):
    brief = week_brief(week, now=NOW)

    figures = [(row.label, row.answers, row.replies, row.new) for row in brief.questions]
    assert figures == [
        ("Question 1", 2, 1, 2),
        ("Question 2", 1, 0, 0),
        ("Question 3", 0, 0, 0),
        ("Question 4", 0, 0, 0),
    ]
    assert (brief.general.replies, brief.general.new) == (1, 1)
    assert brief.totals == {"answers": 3, "replies": 2, "new": 3}


def test_brief_lists_unanswered_and_quiet_questions(week, discussion):
    brief = week_brief(week, now=NOW)

    assert [row.label for row in brief.unanswered] == ["Question 3", "Question 4"]
    assert [row.label for row in brief.quiet] == ["Question 2"]  # nothing for 72 h


def test_brief_lists_answers_without_a_reply_oldest_first(week, discussion):
    brief = week_brief(week, now=NOW)

    assert [t.answer for t in brief.without_reply] == [discussion["old"], discussion["alone"]]
    assert [t.row.label for t in brief.without_reply] == ["Question 2", "Question 1"]


def test_brief_names_students_who_owe_posts_and_have_posted_nothing(
    week, discussion, other_student, auditor
):
    brief = week_brief(week, now=NOW)

    # Not the lead or blogging team, not the auditor, not staff: they owe no posts.
    assert [user.email for user in brief.not_posted] == ["other@example.edu", "zoe@example.edu"]
    assert brief.students_owing == 4


def test_brief_names_per_section_the_students_who_owe_posts_and_have_not_answered_there(
    week, discussion, other_student
):
    brief = week_brief(week, now=NOW)

    # Sam (student) answered questions 1 and 2, both in section 1; Carol only question 1.
    names = [[user.name for user in gap.students] for gap in brief.not_answered]
    assert names == [["Olive", "Zoe"], ["Carol", "Olive", "Sam Student", "Zoe"]]
    assert [gap.anchor for gap in brief.not_answered] == ["section-0", "section-1"]


def test_a_student_with_only_a_hidden_post_has_not_posted(week, lead, other_student):
    hidden = add_comment(week, other_student, "Spam", question=questions(week)[0])
    moderation.hide(hidden, actor=lead, reason="Spam")

    assert other_student in week_brief(week, now=NOW).not_posted


def test_brief_lists_open_flags_and_not_resolved_ones(week, discussion, lead):
    second = moderation.flag(discussion["fresh"], user=discussion["classmate"], reason="Rude")
    moderation.resolve_flag(second, actor=lead)

    brief = week_brief(week, now=NOW)

    assert [(f.comment, f.reason) for f in brief.flags] == [(discussion["alone"], "Looks copied")]


def test_brief_reads_the_week_in_a_constant_number_of_queries(week, discussion, student):
    q1 = questions(week)[0]
    with CaptureQueriesContext(connection) as few:
        week_brief(week, now=NOW)
    for i in range(30):
        answer = add_comment(week, student, f"More {i}", question=q1)
        add_comment(week, discussion["classmate"], f"Reply {i}", parent=answer)
        enroll(make_user(f"more{i}@example.edu"), week.seminar)
    with CaptureQueriesContext(connection) as many:
        week_brief(week, now=NOW)
    assert len(many) == len(few) <= 5


# --- The page ---------------------------------------------------------------------------


def brief_url(week) -> str:
    return f"{week.get_absolute_url()}brief/"


def test_the_weeks_lead_sees_its_brief_with_links_to_each_thread(
    client, week, lead, discussion, other_student
):
    client.force_login(lead)

    response = client.get(brief_url(week))

    page = response.content.decode()
    assert response.status_code == 200
    base = week.get_absolute_url()
    assert f'href="{base}#c{discussion["alone"].pk}"' in page  # a thread without a reply
    assert f'href="{base}#question-{questions(week)[2].pk}"' in page  # unanswered
    assert other_student.name in page
    assert "Looks copied" in page
    assert f'href="{base}flags/"' in page


def test_brief_shows_posts_and_questions_as_plain_escaped_text(client, week, lead, student):
    add_comment(week, student, "Fish & **chips** <script>x()</script>", question=questions(week)[0])
    client.force_login(lead)

    page = client.get(brief_url(week)).content.decode()

    assert "Fish &amp; chips" in page
    assert "**" not in page and "<script>x()" not in page
    assert "Question 2?" in page  # the unanswered question's "Question **2**?", rendered


def test_brief_page_queries_do_not_grow_with_comments(
    client, week, lead, discussion, student, django_assert_max_num_queries
):
    client.force_login(lead)
    client.get(brief_url(week))
    with CaptureQueriesContext(connection) as few:
        client.get(brief_url(week))
    q1 = questions(week)[0]
    for i in range(40):
        answer = add_comment(week, student, f"More {i}", question=q1)
        add_comment(week, discussion["classmate"], f"Reply {i}", parent=answer)
    with django_assert_max_num_queries(len(few)):
        client.get(brief_url(week))


@pytest.mark.parametrize(
    ("who", "status"),
    [("student", 403), ("blogger", 403), ("other_week_lead", 403), ("auditor", 403),
     ("outsider", 404), ("staff", 200), ("lead", 200)],
)  # fmt: skip
def test_only_the_weeks_leads_and_staff_open_the_brief(client, request, week, lead, who, status):
    client.force_login(request.getfixturevalue(who))

    assert client.get(brief_url(week)).status_code == status


def test_staff_of_another_seminar_get_404(client, week, lead):
    other = Seminar.objects.create(title="Other", slug="other")
    elsewhere = enroll(make_user("elsewhere@example.edu"), other, Enrollment.Role.STAFF)
    client.force_login(elsewhere)

    assert client.get(brief_url(week)).status_code == 404


def test_a_logged_out_visitor_is_sent_to_log_in(client, week):
    response = client.get(brief_url(week))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_week_page_links_to_the_brief_only_for_those_who_may_see_it(
    client, week, lead, student
):
    client.force_login(lead)
    assert brief_url(week) in client.get(week.get_absolute_url()).content.decode()
    client.force_login(student)
    assert brief_url(week) not in client.get(week.get_absolute_url()).content.decode()


def test_the_seminar_home_links_the_lead_to_the_brief_of_the_week_they_lead(
    client, week, lead, student
):
    client.force_login(lead)
    assert brief_url(week) in client.get(week.seminar.get_absolute_url()).content.decode()
    client.force_login(student)
    assert brief_url(week) not in client.get(week.seminar.get_absolute_url()).content.decode()
