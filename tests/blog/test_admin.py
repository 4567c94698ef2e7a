"""The blog in the admin: staff search posts, publish them with an action, and edits there
leave a revision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blog.models import BlogPost
from tests.blog.conftest import make_post
from tests.conftest import make_user


@pytest.fixture
def superuser(db):
    return make_user("admin@example.edu", is_staff=True, is_superuser=True)


def test_staff_publish_posts_with_the_admin_action(client, week, blogger, superuser):
    post = make_post(week, blogger, status=BlogPost.Status.SUBMITTED)
    client.force_login(superuser)
    changelist = reverse("admin:blog_blogpost_changelist")
    assert "Week 1 summary" in client.get(changelist, {"q": "summary"}).content.decode()
    client.post(changelist, {"action": "publish", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.status == BlogPost.Status.PUBLISHED and post.published_at is not None


def test_an_admin_edit_is_recorded_as_a_revision(client, week, blogger, superuser):
    post = make_post(week, blogger)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:blog_blogpost_change", args=[post.pk]),
        {
            "title": "Fixed title",
            "body": post.body,
            "review_note": "",
            "revisions-TOTAL_FORMS": "1",
            "revisions-INITIAL_FORMS": "1",
            "revisions-0-id": post.revisions.get().pk,
            "revisions-0-post": post.pk,
            "feedback-TOTAL_FORMS": "0",
            "feedback-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert post.title == "Fixed title" and post.version == 2
    assert post.revisions.order_by("-id").first().author == superuser
