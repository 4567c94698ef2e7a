"""The seminar's Atom feed: valid Atom with absolute links, and never leaked to non-members."""

from __future__ import annotations

import feedparser
import pytest
from django.urls import reverse

from blog.feeds import feed_token
from blog.models import BlogPost
from core.models import Enrollment
from tests.blog.conftest import make_post
from tests.conftest import make_week


def feed_url(seminar) -> str:
    return reverse("blog:feed", args=[seminar.slug])


def private_url(user, seminar) -> str:
    return reverse("blog:private_feed", args=[seminar.slug, feed_token(user, seminar)])


@pytest.fixture
def published(week, blogger):
    return make_post(week, blogger, status=BlogPost.Status.PUBLISHED)


def test_the_feed_is_valid_atom_with_absolute_links(client, seminar, week, published, student):
    client.force_login(student)
    response = client.get(feed_url(seminar))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "LLM Risks — blog"
    assert feed.feed.link == "http://testserver/s/llm-risks/blog/"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/s/llm-risks/blog/feed/"]
    [entry] = feed.entries
    assert entry.title == "Week 1: Week 1 summary"
    assert entry.link == "http://testserver/s/llm-risks/w/week1/blog/"
    assert entry.id == entry.link
    assert entry.author == "blogger"
    assert '<span class="math inline">x^2</span>' in entry.summary
    assert entry.published_parsed is not None and entry.updated_parsed is not None


def test_the_feed_leaves_out_drafts_and_posts_of_unpublished_weeks(
    client, seminar, week, published, blogger, student
):
    from core.models import Week

    shared = make_week(seminar, number=2)
    make_post(shared, blogger, status=BlogPost.Status.SHARED)
    hidden_week = make_week(seminar, number=3, status=Week.Status.DRAFT)
    make_post(hidden_week, blogger, status=BlogPost.Status.PUBLISHED)
    client.force_login(student)
    feed = feedparser.parse(client.get(feed_url(seminar)).content)
    assert [e.link.rsplit("/w/", 1)[1] for e in feed.entries] == ["week1/blog/"]


def test_an_enrolled_only_feed_is_404_for_visitors_and_other_seminars(
    client, seminar, published, outsider
):
    assert client.get(feed_url(seminar)).status_code == 404
    client.force_login(outsider)
    assert client.get(feed_url(seminar)).status_code == 404


def test_a_members_private_feed_url_works_without_a_session(client, seminar, published, student):
    response = client.get(private_url(student, seminar))
    assert response.status_code == 200
    assert len(feedparser.parse(response.content).entries) == 1


def test_private_feed_urls_refuse_forged_reset_and_former_members(
    client, seminar, published, student, outsider
):
    url = private_url(student, seminar)
    forged = url.replace(url.rsplit("-", 1)[1], "0" * 32 + "/")
    assert client.get(forged).status_code == 404
    assert client.get(private_url(outsider, seminar)).status_code == 404
    student.calendar_token = "reset-by-the-user"
    student.save()
    assert client.get(url).status_code == 404, "resetting the calendar link resets the feed"
    fresh = private_url(student, seminar)
    assert client.get(fresh).status_code == 200
    Enrollment.objects.filter(user=student).delete()
    assert client.get(fresh).status_code == 404, "leaving the seminar closes the feed"


def test_a_public_seminars_feed_is_open_to_everyone(client, seminar, published):
    seminar.visibility = seminar.Visibility.PUBLIC
    seminar.save()
    response = client.get(feed_url(seminar))
    assert response.status_code == 200
    assert feedparser.parse(response.content).bozo == 0


def test_the_index_offers_members_their_private_feed(client, seminar, published, student):
    client.force_login(student)
    html = client.get(reverse("blog:index", args=[seminar.slug])).content.decode()
    assert f"http://testserver{private_url(student, seminar)}" in html
    assert 'type="application/atom+xml"' in html


def test_the_feed_rejects_post(client, seminar, published, student):
    client.force_login(student)
    assert client.post(feed_url(seminar)).status_code == 405


def test_the_feed_takes_the_same_queries_for_1_or_8_posts(
    client, seminar, week, blogger, student, django_assert_max_num_queries
):
    make_post(week, blogger, status=BlogPost.Status.PUBLISHED)
    client.force_login(student)
    with django_assert_max_num_queries(8) as one:
        client.get(feed_url(seminar))
    for number in range(2, 9):
        make_post(make_week(seminar, number=number), blogger, status=BlogPost.Status.PUBLISHED)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(feed_url(seminar))
    assert len(feedparser.parse(response.content).entries) == 8
