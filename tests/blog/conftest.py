"""Blog fixtures on top of the named cast (tests/conftest.py): the week's post in each
status, a member of another seminar, and URL helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from blog import services
from blog.models import BlogPost
from core.models import Seminar
from tests.conftest import enroll, make_user

BODY = "## What we read\n\nA summary with $x^2$ math and a [link](https://example.org)."


def url(name: str, week, **kwargs) -> str:
    return reverse(f"blog:{name}", args=[week.seminar.slug, week.slug], kwargs=kwargs or None)


def make_post(week, author, status: str = BlogPost.Status.DRAFT, **extra) -> BlogPost:
    post = services.post_save(
        week=week, author=author, title="Week 1 summary", body=BODY, base_version=None
    )
    fields = {"status": status, **extra}
    if status == BlogPost.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - dt.timedelta(hours=1))
    BlogPost.objects.filter(pk=post.pk).update(**fields)
    post.refresh_from_db()
    return post


@pytest.fixture
def post(week, blogger) -> BlogPost:
    return make_post(week, blogger)


@pytest.fixture
def elsewhere(db):
    """A student of another seminar."""
    other = Seminar.objects.create(title="Other", slug="other")
    return enroll(make_user("elsewhere@example.edu"), other)
