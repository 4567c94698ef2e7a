"""Blog pages take a fixed number of queries, whatever the number of posts."""

from __future__ import annotations

from django.urls import reverse

from blog.models import BlogPost
from tests.blog.conftest import make_post, url
from tests.conftest import make_week


def test_the_blog_index_query_count_is_constant(
    client, seminar, week, blogger, student, django_assert_max_num_queries
):
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    client.force_login(student)
    index = reverse("blog:index", args=[seminar.slug])
    with django_assert_max_num_queries(20) as one:
        client.get(index)
    for number in range(2, 12):
        make_post(make_week(seminar, number=number), blogger, status=BlogPost.Status.PUBLISHED)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(index).content.decode()
    assert html.count('class="card-title"') == 11


def test_the_seminar_home_blog_box_query_count_is_constant(
    client, seminar, week, blogger, staff, django_assert_max_num_queries
):
    from core.models import WeekDuty

    make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(staff)
    with django_assert_max_num_queries(40) as one:
        client.get(seminar.get_absolute_url())
    for number in range(2, 8):
        other = make_week(seminar, number=number)
        WeekDuty.objects.create(week=other, user=blogger, team=WeekDuty.Team.BLOG)
        make_post(other, blogger, status=BlogPost.Status.SUBMITTED)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(seminar.get_absolute_url()).content.decode()
    assert html.count('/blog/">Week') == 7


def test_the_published_post_page_query_count_does_not_grow_with_feedback(
    client, week, blogger, student, other_student, django_assert_max_num_queries
):
    from blog.models import BlogFeedback

    post = make_post(week, blogger, status=BlogPost.Status.SHARED)
    client.force_login(blogger)
    BlogFeedback.objects.create(post=post, author=student, body="one")
    with django_assert_max_num_queries(30) as one:
        client.get(url("post", week))
    for i in range(10):
        BlogFeedback.objects.create(post=post, author=other_student, body=f"more {i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(url("post", week)).content.decode()
    assert "Feedback from the class (11)" in html


def test_the_week_page_adds_one_query_for_the_blog(
    client, week, blogger, student, django_assert_max_num_queries
):
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    client.force_login(student)
    with django_assert_max_num_queries(40):
        html = client.get(week.get_absolute_url()).content.decode()
    assert "Week 1 summary" in html
