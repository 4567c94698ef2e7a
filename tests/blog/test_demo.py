"""seed_demo's blog: a published post on the closed week, a draft on the open one."""

from __future__ import annotations

import pytest

from blog.models import BlogPost, BlogRevision
from demo.weeks import build_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_published_post_on_the_closed_week_and_a_draft_on_the_open_one():
    summary = build_demo()
    closed = BlogPost.objects.get(week=summary.weeks["closed"])
    draft = BlogPost.objects.get(week=summary.weeks["open"])
    assert closed.status == BlogPost.Status.PUBLISHED and closed.published_by == summary.staff
    assert "Saints, sycophants and schemers" in closed.title
    assert "<strong>Sycophant</strong>" in closed.body_html
    assert '<span class="math inline">p</span>' in closed.body_html
    assert closed.published_at <= closed.updated_at
    writer = closed.revisions.get().author
    assert writer.week_duties.filter(week=summary.weeks["closed"], team="blog").exists()
    assert draft.status == BlogPost.Status.DRAFT
    assert draft.revisions.get().author == summary.blogger
    assert "Constitutional AI" in draft.body
    assert not BlogPost.objects.filter(week=summary.weeks["draft"]).exists()


def test_seeding_twice_duplicates_nothing_and_keeps_demo_edits():
    summary = build_demo()
    draft = BlogPost.objects.get(week=summary.open_week)
    draft.body += "\n\nEdited during the demo."
    draft.save()
    build_demo()
    assert BlogPost.objects.count() == 2
    assert BlogRevision.objects.count() == 2
    assert BlogPost.objects.get(pk=draft.pk).body.endswith("Edited during the demo.")
