"""From draft to published: sharing, feedback, review, publishing, and where it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from blog import services
from blog.models import BlogPost
from core.models import Week
from tests.blog.conftest import make_post, url

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_whole_review_flow_over_http(client, week, blogger, student, staff):
    client.force_login(blogger)
    client.post(url("edit", week), {"title": "Week 1 summary", "body": "Draft text", "version": 0})
    client.post(url("share", week))
    assert BlogPost.objects.get().status == BlogPost.Status.SHARED

    client.force_login(student)
    page = client.get(url("post", week)).content.decode()
    assert "Draft text" in page and "Feedback from the class (0)" in page
    client.post(url("feedback", week), {"body": "Mention the **second** paper."})

    client.force_login(blogger)
    client.post(url("submit", week))
    client.force_login(staff)
    client.post(url("request_changes", week), {"note": "Add the readings' authors."})
    client.force_login(blogger)
    page = client.get(url("edit", week)).content.decode()
    assert "Staff asked for changes" in page and "Add the readings&#x27; authors." in page
    client.post(url("edit", week), {"title": "Week 1 summary", "body": "Final text", "version": 1})
    client.post(url("submit", week))

    client.force_login(staff)
    response = client.post(url("publish", week), follow=True)
    assert "Published." in response.content.decode()
    post = BlogPost.objects.get()
    assert post.status == BlogPost.Status.PUBLISHED and post.published_at is not None
    assert post.published_by == staff and post.review_note == ""
    assert post.feedback.get().author == student


def test_feedback_with_htmx_swaps_the_section_in_place(client, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.SHARED)
    client.force_login(student)
    response = client.post(url("feedback", week), {"body": "Nice *intro*"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="blog-feedback" id="feedback"')
    assert "<em>intro</em>" in html and "Feedback from the class (1)" in html


def test_empty_feedback_is_refused_with_a_message(client, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.SHARED)
    client.force_login(student)
    response = client.post(url("feedback", week), {"body": "   "})
    assert response.status_code == 400
    assert "Write your feedback first." in response.content.decode()
    response = client.post(url("feedback", week), {"body": "  "}, **HTMX)
    assert "Write your feedback first." in response.content.decode()


def test_request_changes_needs_a_note(client, week, blogger, staff):
    make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(staff)
    response = client.post(url("request_changes", week), {"note": ""})
    assert response.status_code == 400
    assert "Tell the team what to change." in response.content.decode()
    assert BlogPost.objects.get().status == BlogPost.Status.SUBMITTED


def test_an_empty_post_cannot_be_submitted(client, week, blogger):
    services.post_save(week=week, author=blogger, title="T", body="", base_version=0)
    client.force_login(blogger)
    response = client.post(url("submit", week), follow=True)
    assert "Write the post before submitting it." in response.content.decode()
    assert BlogPost.objects.get().status == BlogPost.Status.DRAFT


def test_withdrawing_takes_a_shared_draft_back(client, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.SHARED)
    client.force_login(blogger)
    client.post(url("withdraw", week))
    assert BlogPost.objects.get().status == BlogPost.Status.DRAFT
    client.force_login(student)
    assert client.get(url("post", week)).status_code == 404


def test_unpublish_returns_the_post_to_the_team_and_republishing_keeps_its_date(
    client, week, blogger, staff, student
):
    post = make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    first = post.published_at
    client.force_login(staff)
    client.post(url("unpublish", week))
    post.refresh_from_db()
    assert post.status == BlogPost.Status.DRAFT
    client.force_login(student)
    assert client.get(url("post", week)).status_code == 404
    client.force_login(staff)
    client.post(url("publish", week))
    post.refresh_from_db()
    assert post.published_at == first


def test_the_published_post_credits_both_teams_and_carries_readings_and_questions(
    client, week, blogger, lead, student
):
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    client.force_login(student)
    html = client.get(url("post", week)).content.decode()
    assert "Written by the blogging team" in html and "blogger" in html
    assert "The week was led by" in html and "lead" in html
    material = html[html.index("This week's readings and questions") :]
    assert "A paper" in material
    for number in range(1, 5):
        assert f"Q{number}." in material
    assert "Question <strong>3</strong>?" in material
    assert html.index("A summary with") < html.index("This week's readings")


def test_the_week_page_shows_the_published_post(client, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    client.force_login(student)
    html = client.get(week.get_absolute_url()).content.decode()
    assert 'id="week-blog-heading"' in html
    assert f'href="{url("post", week)}"' in html and "Week 1 summary" in html


def test_the_week_page_hides_a_private_draft_from_classmates_but_shows_the_team_the_editor(
    client, week, blogger, student
):
    make_post(week, blogger)
    client.force_login(student)
    assert "week-blog-heading" not in client.get(week.get_absolute_url()).content.decode()
    client.force_login(blogger)
    html = client.get(week.get_absolute_url()).content.decode()
    assert f'href="{url("edit", week)}"' in html and "Edit the post" in html
    assert f'href="{url("discussion", week)}"' in html


def test_the_team_sees_its_due_dates_on_the_seminar_home(client, seminar, week, blogger):
    Week.objects.filter(pk=week.pk).update(class_date=dt.date(2026, 9, 2))  # a Wednesday
    seminar.blog_draft_due_days, seminar.blog_final_due_days = 5, 9
    seminar.save()
    client.force_login(blogger)
    html = client.get(seminar.get_absolute_url()).content.decode()
    assert "Your blog post for <strong>Week 1</strong>: Not started." in html
    assert 'datetime="2026-09-07"' in html and "Mon 7 Sep" in html
    assert 'datetime="2026-09-11"' in html and "Fri 11 Sep" in html
    assert f'href="{url("edit", week)}"' in html


def test_staff_see_submitted_posts_waiting_for_review_on_the_seminar_home(
    client, seminar, week, blogger, staff
):
    make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(staff)
    html = client.get(seminar.get_absolute_url()).content.decode()
    assert "Waiting for your review" in html and url("post", week) in html


def test_the_blog_index_lists_published_posts_only(client, seminar, week, blogger, student):
    from tests.conftest import make_week

    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    other = make_week(seminar, number=2)
    services.post_save(week=other, author=blogger, title="Unseen draft", body="x", base_version=0)
    client.force_login(student)
    html = client.get(reverse("blog:index", args=[seminar.slug])).content.decode()
    assert "Week 1 summary" in html
    assert "Unseen draft" not in html


def test_a_published_post_of_a_draft_week_stays_hidden(client, seminar, week, blogger, student):
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    Week.objects.filter(pk=week.pk).update(status=Week.Status.DRAFT)
    client.force_login(student)
    assert client.get(url("post", week)).status_code == 404
    html = client.get(reverse("blog:index", args=[seminar.slug])).content.decode()
    assert "Week 1 summary" not in html


@pytest.mark.parametrize("visibility", ["public"])
def test_visitors_read_a_public_seminars_published_post(client, seminar, week, blogger, visibility):
    seminar.visibility = visibility
    seminar.save()
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    assert client.get(url("post", week)).status_code == 200
    assert client.get(reverse("blog:index", args=[seminar.slug])).status_code == 200


def review_emails() -> list[tuple[str, str]]:
    from notifications.models import OutboxEmail

    rows = OutboxEmail.objects.filter(kind=OutboxEmail.Kind.REVIEW).order_by("created_at", "pk")
    return [(row.to_email, row.subject) for row in rows]


def test_a_submission_emails_staff_and_requested_changes_email_the_blogging_team(
    client, week, blogger, lead, student, staff
):
    from notifications.models import OutboxEmail

    make_post(week, blogger)
    client.force_login(blogger)
    client.post(url("submit", week))
    client.force_login(staff)
    client.post(url("request_changes", week), {"note": "Add the readings' authors."})
    client.force_login(blogger)
    client.post(url("submit", week))
    client.force_login(staff)
    client.post(url("publish", week))

    title = "[LLM Risks] The blog post for Week 1"
    assert review_emails() == [
        (staff.email, f"{title} is submitted for review"),
        (blogger.email, "[LLM Risks] Changes requested on the blog post for Week 1"),
        (staff.email, f"{title} is submitted for review"),
    ]
    changes = OutboxEmail.objects.get(to_email=blogger.email)
    assert "Add the readings' authors." in changes.text
    assert url("edit", week) in changes.text
    submitted = OutboxEmail.objects.filter(to_email=staff.email).first()
    assert url("post", week) in submitted.text
