"""The lead team prepares its draft week in the week-file format; staff review and publish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.lead_models import WeekReview, WeekReviewEvent
from core.models import Question, Reading, Week, WeekDuty
from discussions.models import Comment
from notifications.models import OutboxEmail
from tests.conftest import PASSWORD, enroll, make_user, make_week

pytestmark = pytest.mark.django_db

WEEK_FILE = """\
+++
title = "Week 3: Oversight"
date = "07 Dec 2026"
+++

We look at *oversight* this week.

# Readings

1. [Scalable Oversight](https://example.org/oversight) Bowman et al., 2022.
2. [Weak-to-Strong Generalization](https://example.org/w2s) Burns et al., 2023.

# Discussion Questions

Before 5:29pm on Sunday, December 6, everyone who is not in either the lead or blogging team \
for the week should post an answer to at least one question in each section.

---

### Questions about Scalable Oversight

1. What makes oversight **scalable**?
2. Where does it fail?

---

### Questions about Weak-to-Strong Generalization

3. Can a weak supervisor elicit strong capabilities?
"""


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def draft(seminar) -> Week:
    publish_at = timezone.now() + dt.timedelta(days=10)
    return make_week(seminar, number=3, status=Week.Status.DRAFT, publish_at=publish_at)


@pytest.fixture
def draft_lead(seminar, draft):
    user = enroll(make_user("drafter@example.edu", first_name="Dana", last_name="Lead"), seminar)
    WeekDuty.objects.create(week=draft, user=user, team=WeekDuty.Team.LEAD)
    return user


@pytest.fixture
def draft_blogger(seminar, draft):
    user = enroll(make_user("draftblog@example.edu"), seminar)
    WeekDuty.objects.create(week=draft, user=user, team=WeekDuty.Team.BLOG)
    return user


def prepare_url(week: Week) -> str:
    return reverse("weeks:lead_prepare", args=[week.seminar.slug, week.slug])


def import_url(week: Week) -> str:
    """The week-file import: the text surface the structured editor replaced for editing."""
    return reverse("weeks:lead_import", args=[week.seminar.slug, week.slug])


def review_url(week: Week) -> str:
    return reverse("weeks:lead_review", args=[week.seminar.slug, week.slug])


def queue_url(seminar) -> str:
    return reverse("weeks:lead_queue", args=[seminar.slug])


def contents(week: Week) -> tuple[list[str], list[tuple[str, str]]]:
    titles = list(week.readings.order_by("position").values_list("title", flat=True))
    questions = list(
        Question.objects.filter(section__week=week)
        .order_by("section__position", "position")
        .values_list("number", "body")
    )
    return titles, questions


# --- Who may open the editor ---------------------------------------------------------------


def test_the_draft_weeks_lead_opens_the_import_page_prefilled_with_the_week_file(draft, draft_lead):
    response = client_for(draft_lead).get(import_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="text"' in html
    assert "title = &quot;Week 3&quot;" in html  # the textarea holds the escaped file
    assert "slug = &quot;week3&quot;" in html
    assert "Preview of the saved draft" in html
    assert "Question 1" in html  # the saved week rendered below, as students will see it


def test_opening_the_editor_writes_nothing(draft, draft_lead):
    client_for(draft_lead).get(prepare_url(draft))
    client_for(draft_lead).get(import_url(draft))
    assert not WeekReview.objects.exists()


@pytest.mark.parametrize("who", ["student", "draft_blogger", "auditor", "outsider", "lead"])
def test_people_not_leading_the_draft_week_get_404(request, draft, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(prepare_url(draft)).status_code == 404
    assert client_for(user).get(import_url(draft)).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, draft):
    response = client.get(prepare_url(draft))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_published_week_cannot_be_prepared_even_by_its_leads(week, lead, staff):
    assert client_for(lead).get(prepare_url(week)).status_code == 403
    assert client_for(lead).get(import_url(week)).status_code == 403
    # Staff edit a published week through the forms, never by replacing it with a file.
    assert client_for(staff).get(prepare_url(week)).status_code == 200
    assert client_for(staff).get(import_url(week)).status_code == 403


def test_staff_open_any_unpublished_week(draft, staff):
    assert client_for(staff).get(prepare_url(draft)).status_code == 200


# --- Preview, save --------------------------------------------------------------------------


def test_preview_shows_the_parsed_week_as_students_will_see_it_and_saves_nothing(draft, draft_lead):
    before = contents(draft)
    response = client_for(draft_lead).post(
        import_url(draft), {"text": WEEK_FILE, "action": "preview"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview of your text" in html
    assert "<h1>Week 3: Oversight</h1>" in html
    assert "Weak-to-Strong Generalization" in html
    assert "What makes oversight <strong>scalable</strong>?" in html
    assert "Question 3" in html
    # the slug the title would give is not the week's: the importer's note is shown
    assert "the week keeps &#x27;week3&#x27;" in html
    assert contents(draft) == before
    assert Week.objects.get(pk=draft.pk).title == "Week 3"


def test_a_file_that_cannot_be_read_keeps_the_text_and_shows_one_line_error(draft, draft_lead):
    bad = "title = 'no front matter'\n\n# Readings\n\n1. Something\n"
    for action in ("preview", "save"):
        response = client_for(draft_lead).post(import_url(draft), {"text": bad, "action": action})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'role="alert"' in html
        assert "no TOML front matter" in html
        assert "title = &#x27;no front matter&#x27;" in html  # the typed text is kept
    assert Week.objects.get(pk=draft.pk).title == "Week 3"


def test_saving_replaces_the_content_and_keeps_slug_number_status_and_teams(
    draft, draft_lead, draft_blogger
):
    publish_at = draft.publish_at
    response = client_for(draft_lead).post(
        import_url(draft), {"text": WEEK_FILE, "action": "save"}, follow=True
    )
    assert response.status_code == 200
    assert "Saved: 2 required and 0 optional readings" in response.content.decode()
    week = Week.objects.get(pk=draft.pk)
    assert (week.slug, week.number, week.status) == ("week3", 3, Week.Status.DRAFT)
    assert week.publish_at == publish_at
    assert week.title == "Week 3: Oversight"
    assert week.class_date == dt.date(2026, 12, 7)
    assert contents(week) == (
        ["Scalable Oversight", "Weak-to-Strong Generalization"],
        [
            ("1", "What makes oversight **scalable**?"),
            ("2", "Where does it fail?"),
            ("3", "Can a weak supervisor elicit strong capabilities?"),
        ],
    )
    assert set(week.week_duties.values_list("user__email", "team")) == {
        ("drafter@example.edu", "lead"),
        ("draftblog@example.edu", "blog"),
    }
    event = WeekReviewEvent.objects.get()
    assert (event.kind, event.author) == ("saved", draft_lead)


def test_the_editor_text_round_trips_the_saved_week(draft, draft_lead):
    client = client_for(draft_lead)
    client.post(import_url(draft), {"text": WEEK_FILE, "action": "save"})
    saved = contents(draft)
    html = client.get(prepare_url(draft)).content.decode()
    assert "Week 3: Oversight" in html
    from leads.services import current_text

    text = current_text(Week.objects.get(pk=draft.pk))
    client.post(import_url(draft), {"text": text, "action": "save"})
    assert contents(draft) == saved


def test_saving_is_refused_when_the_week_already_has_comments(draft, draft_lead, staff):
    Comment.objects.create(week=draft, author=staff, body="Staff tried the draft.")
    before = contents(draft)
    response = client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "save"})
    assert response.status_code == 400
    assert "already has comments" in response.content.decode()
    assert contents(draft) == before
    assert Comment.objects.filter(week=draft).count() == 1


# --- Submit, review, publish -------------------------------------------------------------


def test_submitting_saves_the_text_and_puts_the_week_in_the_staff_queue(draft, draft_lead, staff):
    client = client_for(draft_lead)
    response = client.post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    assert response.status_code == 302
    review = WeekReview.objects.get(week=draft)
    assert (review.state, review.submitted_by) == ("submitted", draft_lead)
    assert Week.objects.get(pk=draft.pk).title == "Week 3: Oversight"

    queue = client_for(staff).get(queue_url(draft.seminar)).content.decode()
    assert "Submitted for review (1)" in queue
    assert "Week 3: Oversight" in queue
    home = client_for(staff).get(draft.seminar.get_absolute_url()).content.decode()
    assert "Review queue (1)" in home


def test_a_submitted_week_is_locked_for_the_leads_until_they_withdraw_it(draft, draft_lead):
    client = client_for(draft_lead)
    client.post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    again = WEEK_FILE.replace("Week 3: Oversight", "Week 3: Changed")
    assert client.post(import_url(draft), {"text": again, "action": "save"}).status_code == 403
    # previewing still works
    assert client.post(import_url(draft), {"text": again, "action": "preview"}).status_code == 200
    withdraw = reverse("weeks:lead_withdraw", args=[draft.seminar.slug, draft.slug])
    assert client.post(withdraw).status_code == 302
    assert WeekReview.objects.get(week=draft).state == "draft"
    assert client.post(import_url(draft), {"text": again, "action": "save"}).status_code == 302
    assert Week.objects.get(pk=draft.pk).title == "Week 3: Changed"


def test_students_cannot_see_the_review_queue_or_review(draft, draft_lead, student):
    assert client_for(student).get(queue_url(draft.seminar)).status_code == 403
    response = client_for(draft_lead).post(review_url(draft), {"action": "publish"})
    assert response.status_code == 403
    assert Week.objects.get(pk=draft.pk).status == Week.Status.DRAFT


def test_requesting_changes_needs_a_note_and_keeps_what_was_typed(draft, draft_lead, staff):
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    response = client_for(staff).post(review_url(draft), {"action": "request_changes", "note": ""})
    assert response.status_code == 400
    assert "Write the comment or the changes" in response.content.decode()
    assert WeekReview.objects.get(week=draft).state == "submitted"


def test_changes_requested_reach_the_leads_who_can_edit_and_resubmit(draft, draft_lead, staff):
    lead_client = client_for(draft_lead)
    lead_client.post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    note = "Add the Anthropic paper <b>as reading 3</b>."
    response = client_for(staff).post(
        review_url(draft), {"action": "request_changes", "note": note}
    )
    assert response.status_code == 302
    review = WeekReview.objects.get(week=draft)
    assert (review.state, review.note, review.reviewed_by) == ("changes_requested", note, staff)

    html = lead_client.get(prepare_url(draft)).content.decode()
    assert "Changes requested" in html
    assert "Add the Anthropic paper &lt;b&gt;as reading 3&lt;/b&gt;." in html
    assert 'value="save"' in html
    response = lead_client.post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    assert WeekReview.objects.get(week=draft).state == "submitted"
    kinds = list(WeekReviewEvent.objects.values_list("kind", flat=True))
    assert kinds == ["saved", "submitted", "changes_requested", "saved", "submitted"]


def test_staff_comment_shows_in_the_history_without_changing_the_state(draft, draft_lead, staff):
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    client_for(staff).post(review_url(draft), {"action": "comment", "note": "Looks good so far."})
    assert WeekReview.objects.get(week=draft).state == "submitted"
    html = client_for(draft_lead).get(prepare_url(draft)).content.decode()
    assert "Looks good so far." in html
    assert "commented" in html


def test_staff_publish_from_the_queue_and_students_see_the_week(draft, draft_lead, staff, student):
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    assert client_for(student).get(draft.get_absolute_url()).status_code == 404
    response = client_for(staff).post(review_url(draft), {"action": "publish", "next": "queue"})
    assert response.status_code == 302
    week = Week.objects.get(pk=draft.pk)
    assert week.status == Week.Status.PUBLISHED
    assert WeekReview.objects.get(week=draft).state == "approved"
    page = client_for(student).get(week.get_absolute_url())
    assert page.status_code == 200
    assert "Weak-to-Strong Generalization" in page.content.decode()
    queue = client_for(staff).get(queue_url(draft.seminar)).content.decode()
    assert "Submitted for review (0)" in queue


def test_approving_keeps_the_week_unpublished(draft, draft_lead, staff):
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    client_for(staff).post(review_url(draft), {"action": "approve", "note": ""})
    assert WeekReview.objects.get(week=draft).state == "approved"
    assert Week.objects.get(pk=draft.pk).status == Week.Status.DRAFT


# --- Emails along the review ---------------------------------------------------------------


def review_emails(week: Week) -> list[tuple[str, str]]:
    """(recipient, subject) of the review emails written about the week, oldest first."""
    events = WeekReviewEvent.objects.filter(review__week=week).values_list("pk", flat=True)
    rows = OutboxEmail.objects.filter(
        kind=OutboxEmail.Kind.REVIEW, subject_key__in=[f"review:{pk}" for pk in events]
    )
    return [(r.to_email, r.subject) for r in rows.order_by("created_at", "pk")]


def test_a_submitted_week_emails_the_seminars_staff_a_link_to_review_it(
    draft, draft_lead, staff, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    assert review_emails(draft) == [
        (staff.email, "[LLM Risks] Week 3: Oversight is submitted for review")
    ]
    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert "Dana Lead submitted Week 3: Oversight for review." in message.body
    assert prepare_url(draft) in message.body
    # Like every email: both parts and a one-click unsubscribe (the duty reminders kind).
    assert message.alternatives and "/notifications/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_staff_comments_changes_and_approval_email_the_lead_team_with_the_note(
    draft, draft_lead, draft_blogger, staff
):
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    staff_client = client_for(staff)
    staff_client.post(review_url(draft), {"action": "comment", "note": "Nice <b>start</b>."})
    staff_client.post(review_url(draft), {"action": "request_changes", "note": "Add reading 3."})
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    staff_client.post(review_url(draft), {"action": "approve", "note": ""})
    to_lead = [subject for to, subject in review_emails(draft) if to == draft_lead.email]
    assert to_lead == [
        "[LLM Risks] Staff commented on Week 3: Oversight",
        "[LLM Risks] Changes requested on Week 3: Oversight",
        "[LLM Risks] Week 3: Oversight is approved",
    ]
    # Only the lead team: the blogging team and the student body hear nothing.
    assert {to for to, _ in review_emails(draft)} == {draft_lead.email, staff.email}
    changes = OutboxEmail.objects.get(subject__startswith="[LLM Risks] Changes requested")
    assert "Add reading 3." in changes.text
    assert prepare_url(draft) in changes.text
    comment = OutboxEmail.objects.get(subject__startswith="[LLM Risks] Staff commented")
    assert "Nice &lt;b&gt;start&lt;/b&gt;." in comment.html and "<b>start" not in comment.html


def test_every_staff_member_hears_of_a_submission_and_a_withdrawal_emails_nobody(
    draft, draft_lead, staff, seminar
):
    ta = enroll(make_user("ta@example.edu", is_staff=True), seminar, "staff")
    lead_client = client_for(draft_lead)
    lead_client.post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    assert sorted(to for to, _ in review_emails(draft)) == [staff.email, ta.email]
    lead_client.post(reverse("weeks:lead_withdraw", args=[draft.seminar.slug, draft.slug]))
    lead_client.post(import_url(draft), {"text": WEEK_FILE, "action": "submit"})
    # The second submission is news again (its own event); the withdrawal was not.
    assert len(review_emails(draft)) == 4


# --- Links on the seminar home -------------------------------------------------------------


def test_the_seminar_home_tells_the_lead_which_week_to_prepare(draft, draft_lead):
    html = client_for(draft_lead).get(draft.seminar.get_absolute_url()).content.decode()
    assert "You lead" in html
    assert f'href="{prepare_url(draft)}"' in html
    assert "Prepare week 3" in html
    assert reverse("teams:schedule", args=[draft.seminar.slug]) in html
    assert "Review queue" not in html


def test_the_queue_lists_other_unpublished_weeks_with_their_state(draft, staff, seminar):
    make_week(seminar, number=4, status=Week.Status.DRAFT)
    html = client_for(staff).get(queue_url(seminar)).content.decode()
    assert "Nothing is waiting for review." in html
    assert ">Week 3</a>" in html and ">Week 4</a>" in html
    assert "Being prepared" in html


def test_queue_page_queries_do_not_grow_with_weeks(seminar, staff, django_assert_max_num_queries):
    client = client_for(staff)
    for number in range(3, 5):
        make_week(seminar, number=number, status=Week.Status.DRAFT)
    client.get(queue_url(seminar))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(queue_url(seminar))
    for number in range(5, 12):
        make_week(seminar, number=number, status=Week.Status.DRAFT)
    with django_assert_max_num_queries(len(few)):
        client.get(queue_url(seminar))


def test_readings_keep_their_order_after_a_save(draft, draft_lead):
    client_for(draft_lead).post(import_url(draft), {"text": WEEK_FILE, "action": "save"})
    assert list(Reading.objects.filter(week=draft).values_list("number", flat=True)) == [1, 2]


def test_saving_the_demo_draft_weeks_own_text_keeps_its_sections_and_deadlines():
    from demo.weeks import build_demo
    from leads.services import current_text

    summary = build_demo("seminar-demo")
    draft = summary.weeks["draft"]
    lead = draft.week_duties.filter(team="lead").first().user

    def shape() -> list:
        sections = draft.sections.order_by("position").values_list(
            "title", "day_label", "deadline", "required_answers", "reading__title"
        )
        return [
            *sections,
            contents(draft),
            Week.objects.get(pk=draft.pk).deadline,
        ]

    before = shape()
    client = Client()
    client.force_login(lead)
    response = client.post(import_url(draft), {"text": current_text(draft), "action": "save"})
    assert response.status_code == 302
    assert shape() == before
