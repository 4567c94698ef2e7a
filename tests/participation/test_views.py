"""The participation pages: who sees what, and what they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Extension, Question
from discussions.models import Comment, ModerationAction
from participation.models import CreditDismissal, State, StatusOverride
from tests.discussions.helpers import HTMX, add_comment, answer_url, client_for, first_question

pytestmark = pytest.mark.django_db


def matrix_url(week):
    return reverse("participation:matrix", args=[week.seminar.slug])


def week_url(week):
    return reverse("participation:week", args=[week.seminar.slug, week.slug])


def queue_url(week):
    return reverse("participation:queue", args=[week.seminar.slug, week.slug])


def student_url(week, user):
    return reverse("participation:student", args=[week.seminar.slug, week.slug, user.pk])


def judge_url(week, comment, verdict):
    return reverse("participation:judge", args=[week.seminar.slug, week.slug, comment.pk, verdict])


def second_section_question(week):
    return Question.objects.get(section__week=week, section__position=1, position=0)


# --- A student's own status ---------------------------------------------------------------


def test_student_sees_their_status_change_on_the_week_page_as_they_post(week, student):
    client = client_for(student)
    page = client.get(week.get_absolute_url()).content.decode()
    assert "Your participation this week" in page
    assert "0 of 2 sections answered" in page
    client.post(answer_url(week, first_question(week)), {"body": "My answer"})
    page = client.get(week.get_absolute_url()).content.decode()
    assert "1 of 2 sections answered — answer one question in section 2 by " in page
    client.post(answer_url(week, second_section_question(week)), {"body": "Another"})
    page = client.get(week.get_absolute_url()).content.decode()
    assert "Done: 2 of 2 sections answered." in page


def test_lead_reads_exempt_and_staff_see_no_personal_status(week, lead, staff):
    assert (
        "Exempt this week: on the lead team."
        in client_for(lead).get(week.get_absolute_url()).content.decode()
    )
    assert (
        "Your participation this week"
        not in client_for(staff).get(week.get_absolute_url()).content.decode()
    )


def test_seminar_home_shows_the_students_term(week, student):
    page = client_for(student).get(week.seminar.get_absolute_url()).content.decode()
    assert "Your participation" in page
    assert "Not yet" in page
    # Its link has its own name: the week list above links the same week by its title.
    assert '#participation">Week 1<span class="p-sr-only">, your participation</span></a>' in page


# --- Permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "matrix", "week_list", "queue", "student_page"),
    [
        ("staff", 200, 200, 200, 200),
        ("lead", 403, 200, 200, 403),
        ("other_week_lead", 403, 403, 403, 403),
        ("blogger", 403, 403, 403, 403),
        ("student", 403, 403, 403, 403),
        ("auditor", 403, 403, 403, 403),
        ("outsider", 404, 404, 404, 404),
    ],
)
def test_who_may_open_each_page(
    request, week, student, who, matrix, week_list, queue, student_page
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(matrix_url(week)).status_code == matrix
    assert client.get(week_url(week)).status_code == week_list
    assert client.get(queue_url(week)).status_code == queue
    assert client.get(student_url(week, student)).status_code == student_page
    csv = client.get(reverse("participation:csv", args=[week.seminar.slug]))
    assert csv.status_code == matrix


def test_anonymous_visitors_are_sent_to_log_in(week):
    response = client_for(None).get(matrix_url(week))
    assert response.status_code == 302 and "login" in response["Location"]


def test_changes_are_refused_to_students_and_leads(week, student, lead):
    comment = add_comment(week, student, "General comment")
    assert client_for(student).post(judge_url(week, comment, "credit")).status_code == 403
    for user in (student, lead):
        client = client_for(user)
        nudge = reverse("participation:nudge", args=[week.seminar.slug, week.slug])
        assert client.post(nudge).status_code == 403
        refused = client.post(
            student_url(week, student),
            {"action": "override", "override-state": "met", "override-note": "x"},
        )
        assert refused.status_code == 403
    assert not StatusOverride.objects.exists()
    assert Comment.objects.get(pk=comment.pk).credited_substantive is False


def test_draft_week_lists_are_hidden_from_its_leads(week, lead, staff):
    week.status = week.Status.DRAFT
    week.save()
    assert client_for(lead).get(week_url(week)).status_code == 404
    assert client_for(staff).get(week_url(week)).status_code == 200


# --- The week's list -------------------------------------------------------------------------


def test_week_list_links_to_each_students_posts(week, student, other_student, lead):
    answer = add_comment(week, student, "Answer", question=first_question(week))
    page = client_for(lead).get(week_url(week)).content.decode()
    assert f'href="{week.get_absolute_url()}#c{answer.pk}"' in page
    assert "answer (section 1)" in page
    assert other_student.name in page and "none" in page


# --- Staff: override and extension ---------------------------------------------------------


def test_staff_override_a_status_with_a_note_kept_with_who_and_when(week, student, staff):
    client = client_for(staff)
    response = client.post(
        student_url(week, student),
        {
            "action": "override",
            "override-state": State.MET,
            "override-note": "Was ill; spoke in class",
        },
        follow=True,
    )
    assert response.status_code == 200
    row = StatusOverride.objects.get()
    assert (row.state, row.set_by, row.note) == (State.MET, staff, "Was ill; spoke in class")
    page = response.content.decode()
    assert "Was ill; spoke in class" in page and staff.name in page
    matrix = client.get(matrix_url(week)).content.decode()
    assert "Met*" in matrix


def test_override_needs_a_note_and_keeps_the_choice(week, student, staff):
    response = client_for(staff).post(
        student_url(week, student),
        {"action": "override", "override-state": State.MET, "override-note": ""},
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not StatusOverride.objects.exists()


def test_staff_grant_an_extension_in_the_seminars_time_zone(week, student, staff):
    response = client_for(staff).post(
        student_url(week, student),
        {
            "action": "extension",
            "extension-deadline": "2030-01-10T17:30",
            "extension-cutoff": "",
            "extension-note": "Travel",
        },
    )
    assert response.status_code == 302
    extension = Extension.objects.get()
    local = extension.deadline.astimezone(week.seminar.tz)
    assert (local.hour, local.minute, extension.granted_by) == (17, 30, staff)


def test_extension_cutoff_before_its_deadline_is_refused_with_the_text_kept(week, student, staff):
    response = client_for(staff).post(
        student_url(week, student),
        {
            "action": "extension",
            "extension-deadline": "2030-01-10T17:30",
            "extension-cutoff": "2030-01-09T17:30",
            "extension-note": "Travel",
        },
    )
    page = response.content.decode()
    assert "The cut-off must come after" in page and "Travel" in page
    assert not Extension.objects.exists()


# --- The credit queue --------------------------------------------------------------------------


def test_lead_credits_a_reply_in_one_click_and_it_counts(week, student, other_student, lead):
    theirs = add_comment(
        week, other_student, "Models learn to deceive overseers.", question=first_question(week)
    )
    reply = add_comment(
        week, student, "> learn to deceive overseers\n\nI disagree: the paper...", parent=theirs
    )
    client = client_for(lead)
    page = client.get(queue_url(week)).content.decode()
    assert f'id="candidate-{reply.pk}"' in page
    assert "quotes the comment it answers" in page
    response = client.post(judge_url(week, reply, "credit"), **HTMX)
    assert "Credited" in response.content.decode()
    reply.refresh_from_db()
    assert reply.credited_substantive and reply.credited_by == lead
    assert ModerationAction.objects.filter(comment=reply, action="credit").exists()
    assert f'id="candidate-{reply.pk}"' not in client.get(queue_url(week)).content.decode()


def test_dismissed_candidate_leaves_the_queue_without_js(week, student, staff):
    comment = add_comment(week, student, "Nice readings")
    client = client_for(staff)
    response = client.post(judge_url(week, comment, "dismiss"))
    assert response.status_code == 302 and response["Location"] == queue_url(week)
    assert CreditDismissal.objects.filter(comment=comment, dismissed_by=staff).exists()
    assert f'id="candidate-{comment.pk}"' not in client.get(queue_url(week)).content.decode()
    client.post(judge_url(week, comment, "undo"))
    assert f'id="candidate-{comment.pk}"' in client.get(queue_url(week)).content.decode()


def test_answers_cannot_be_judged_from_the_queue(week, student, staff):
    answer = add_comment(week, student, "Answer", question=first_question(week))
    assert client_for(staff).post(judge_url(week, answer, "credit")).status_code == 404


def test_hidden_and_deleted_posts_are_not_candidates(week, student, staff):
    hidden = add_comment(week, student, "Hidden", is_hidden=True, hidden_at=timezone.now())
    gone = add_comment(week, student, "Gone", deleted_at=timezone.now())
    page = client_for(staff).get(queue_url(week)).content.decode()
    assert f"candidate-{hidden.pk}" not in page and f"candidate-{gone.pk}" not in page


def test_queue_query_count_is_constant(
    week, student, other_student, staff, django_assert_max_num_queries
):
    theirs = add_comment(week, other_student, "An answer", question=first_question(week))
    for i in range(30):
        add_comment(week, student, f"Reply {i}", parent=theirs)
        add_comment(week, other_student, f"Comment {i}")
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        assert client.get(queue_url(week)).status_code == 200


# --- Extension shown to the student ----------------------------------------------------------


def test_student_with_extension_sees_their_own_deadline(week, student):
    own = week.deadline + dt.timedelta(days=2)
    Extension.objects.create(week=week, user=student, deadline=own)
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert "You have an extension" in page
