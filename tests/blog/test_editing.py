"""Writing the post: save, preview, autosave (htmx and on leaving), revisions, conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from blog import services
from blog.models import BlogPost, BlogRevision
from blog.selectors import revision_diff
from core.models import WeekDuty
from tests.blog.conftest import BODY, url
from tests.conftest import enroll, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def teammate(seminar, week):
    user = enroll(make_user("teammate@example.edu", first_name="Tess"), seminar)
    WeekDuty.objects.create(week=week, user=user, team=WeekDuty.Team.BLOG)
    return user


def test_the_editor_opens_empty_without_creating_a_post(client, week, blogger):
    client.force_login(blogger)
    response = client.get(url("edit", week))
    assert response.status_code == 200
    assert 'name="body"' in response.content.decode()
    assert "markdownx" in response.content.decode()
    assert not BlogPost.objects.exists(), "no writes on GET"


def test_saving_creates_the_post_renders_it_and_records_a_revision(client, week, blogger):
    client.force_login(blogger)
    response = client.post(
        url("edit", week),
        {"title": "Week 1", "body": BODY, "version": "0", "action": "save"},
    )
    assert response.status_code == 302
    post = BlogPost.objects.get(week=week)
    assert post.status == BlogPost.Status.DRAFT
    assert '<span class="math inline">x^2</span>' in post.body_html
    assert "<h2>What we read</h2>" in post.body_html
    revision = post.revisions.get()
    assert (revision.author, revision.kind, revision.body) == (blogger, "save", BODY)


def test_preview_renders_the_text_without_saving(client, week, blogger):
    client.force_login(blogger)
    response = client.post(
        url("edit", week),
        {"title": "T", "body": "**bold** <script>alert(1)</script>", "action": "preview"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Preview (not saved)" in html
    assert not BlogPost.objects.exists()


def test_a_missing_title_is_refused_with_the_text_kept(client, week, blogger):
    client.force_login(blogger)
    response = client.post(url("edit", week), {"title": "  ", "body": "My long paragraph"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the post a title." in html
    assert "My long paragraph" in html
    assert not BlogPost.objects.exists()


def test_autosave_by_htmx_saves_and_returns_the_new_version(client, week, blogger):
    client.force_login(blogger)
    response = client.post(
        url("autosave", week), {"title": "", "body": "First words", "version": "0"}, **HTMX
    )
    html = response.content.decode()
    post = BlogPost.objects.get(week=week)
    assert response.status_code == 200
    assert "Saved at" in html
    assert f'name="version" value="{post.version}"' in html and "hx-swap-oob" in html
    assert post.title == "Week 1: summary"  # a default title until the team picks one
    assert post.revisions.get().kind == BlogRevision.Kind.AUTOSAVE


def test_autosave_on_leaving_the_page_answers_204(client, week, blogger):
    """navigator.sendBeacon sends a plain POST (no htmx header) when the tab closes."""
    client.force_login(blogger)
    response = client.post(url("autosave", week), {"title": "T", "body": "Last words"})
    assert response.status_code == 204
    assert BlogPost.objects.get(week=week).body == "Last words"


def test_autosaves_by_one_writer_coalesce_into_one_revision(week, blogger):
    post = services.post_save(
        week=week, author=blogger, title="T", body="a", base_version=0, kind="autosave"
    )
    for text in ("ab", "abc", "abcd"):
        post = services.post_save(
            week=week,
            author=blogger,
            title="T",
            body=text,
            base_version=post.version,
            kind="autosave",
        )
    assert post.revisions.count() == 1
    assert post.revisions.get().body == "abcd"


def test_autosaves_far_apart_or_by_teammates_keep_separate_revisions(week, blogger, teammate):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post = services.post_save(
            week=week, author=blogger, title="T", body="a", base_version=0, kind="autosave"
        )
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        post = services.post_save(
            week=week,
            author=blogger,
            title="T",
            body="ab",
            base_version=post.version,
            kind="autosave",
        )
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        post = services.post_save(
            week=week,
            author=teammate,
            title="T",
            body="abc",
            base_version=post.version,
            kind="autosave",
        )
    authors = [r.author for r in post.revisions.order_by("created_at", "id")]
    assert authors == [blogger, blogger, teammate]


def test_saving_over_a_teammates_newer_version_is_refused_and_keeps_the_text(
    client, week, blogger, teammate
):
    post = services.post_save(week=week, author=blogger, title="T", body="v1", base_version=0)
    services.post_save(
        week=week, author=teammate, title="T", body="teammate's v2", base_version=post.version
    )
    client.force_login(blogger)
    response = client.post(
        url("edit", week), {"title": "T", "body": "my v2", "version": str(post.version)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "A teammate saved a newer version" in html
    assert "my v2" in html
    assert BlogPost.objects.get(week=week).body == "teammate's v2"


def test_autosave_conflict_is_shown_in_place(client, week, blogger, teammate):
    post = services.post_save(week=week, author=blogger, title="T", body="v1", base_version=0)
    services.post_save(week=week, author=teammate, title="T", body="v2", base_version=1)
    client.force_login(blogger)
    response = client.post(
        url("autosave", week),
        {"title": "T", "body": "mine", "version": str(post.version)},
        **HTMX,
    )
    assert response.status_code == 200
    assert "A teammate saved a newer version" in response.content.decode()
    assert BlogPost.objects.get(week=week).body == "v2"


def test_my_own_newer_autosave_is_not_a_conflict(week, blogger):
    post = services.post_save(week=week, author=blogger, title="T", body="v1", base_version=0)
    services.post_save(
        week=week, author=blogger, title="T", body="v2", base_version=1, kind="autosave"
    )
    # The Save button was pressed with the page's older version number.
    post = services.post_save(week=week, author=blogger, title="T", body="v3", base_version=1)
    assert post.body == "v3"


def test_saving_the_same_text_twice_writes_nothing(week, blogger):
    post = services.post_save(week=week, author=blogger, title="T", body="same", base_version=0)
    again = services.post_save(
        week=week, author=blogger, title="T", body="same", base_version=post.version
    )
    assert again.version == post.version
    assert post.revisions.count() == 1


def test_a_too_long_post_is_refused(week, blogger):
    with pytest.raises(ValidationError) as error:
        services.post_save(week=week, author=blogger, title="T", body="x" * 100_001, base_version=0)
    assert "too long" in str(error.value)


def test_history_lists_who_changed_what_and_shows_a_diff(client, week, blogger, teammate):
    post = services.post_save(
        week=week, author=blogger, title="T", body="line one\nline two", base_version=0
    )
    post = services.post_save(
        week=week,
        author=teammate,
        title="T",
        body="line one\nline 2\nline three",
        base_version=post.version,
    )
    newest = post.revisions.order_by("-created_at", "-id").first()
    client.force_login(blogger)
    response = client.get(url("history", week), {"rev": newest.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 2" in html and "Version 1" in html
    assert "by Tess" in html and "by blogger" in html
    assert '<span class="diff-del">- line two</span>' in html
    assert '<span class="diff-add">+ line 2</span>' in html
    assert '<span class="diff-add">+ line three</span>' in html


def test_revision_diff_of_the_first_version_adds_everything(week, blogger):
    post = services.post_save(week=week, author=blogger, title="T", body="a\nb", base_version=0)
    lines = revision_diff(None, post.revisions.get())
    assert [line.text for line in lines if line.kind == "add"] == ["# T", "", "a", "b"]


def test_staff_may_fix_a_published_post_and_it_stays_published(client, week, blogger, staff):
    post = services.post_save(week=week, author=blogger, title="T", body="typo", base_version=0)
    services.post_publish(post=post, actor=staff)
    client.force_login(staff)
    client.post(url("edit", week), {"title": "T", "body": "fixed", "version": "1"})
    post.refresh_from_db()
    assert (post.body, post.status) == ("fixed", BlogPost.Status.PUBLISHED)


def test_a_published_post_is_not_autosaved(client, week, blogger, staff):
    post = services.post_save(week=week, author=blogger, title="T", body="live", base_version=0)
    services.post_publish(post=post, actor=staff)
    client.force_login(staff)
    page = client.get(url("edit", week)).content.decode()
    assert "data-autosave-url" not in page and "/autosave/" not in page
    response = client.post(url("autosave", week), {"title": "T", "body": "half-typed"}, **HTMX)
    assert "press Save" in response.content.decode()
    assert BlogPost.objects.get().body == "live"


def test_restoring_an_earlier_version_makes_a_new_revision(client, week, blogger, teammate):
    post = services.post_save(week=week, author=blogger, title="T", body="good", base_version=0)
    services.post_save(week=week, author=teammate, title="T", body="worse", base_version=1)
    first = post.revisions.get(version=1)
    client.force_login(blogger)
    page = client.get(url("history", week), {"rev": first.pk}).content.decode()
    assert "Restore version 1" in page
    restore = reverse("blog:restore", args=[week.seminar.slug, week.slug, first.pk])
    assert client.post(restore).status_code == 302
    post.refresh_from_db()
    assert (post.body, post.version) == ("good", 3)
    assert post.revisions.order_by("-id").first().kind == BlogRevision.Kind.RESTORE
    assert client.get(restore).status_code == 405


def test_classmates_cannot_restore_a_version(client, week, blogger, student):
    post = services.post_save(week=week, author=blogger, title="T", body="good", base_version=0)
    client.force_login(student)
    restore = reverse("blog:restore", args=[week.seminar.slug, week.slug, post.revisions.get().pk])
    assert client.post(restore).status_code == 403


def test_after_a_conflict_warning_a_second_save_keeps_the_writers_text(
    client, week, blogger, teammate
):
    services.post_save(week=week, author=blogger, title="T", body="v1", base_version=0)
    services.post_save(week=week, author=teammate, title="T", body="theirs", base_version=1)
    client.force_login(blogger)
    first = client.post(url("edit", week), {"title": "T", "body": "mine", "version": "1"})
    assert first.status_code == 400
    assert 'name="version" value="2"' in first.content.decode()
    second = client.post(url("edit", week), {"title": "T", "body": "mine", "version": "2"})
    assert second.status_code == 302
    assert BlogPost.objects.get().body == "mine"


def test_a_conflicting_autosave_does_not_update_the_pages_version(client, week, blogger, teammate):
    services.post_save(week=week, author=blogger, title="T", body="v1", base_version=0)
    services.post_save(week=week, author=teammate, title="T", body="theirs", base_version=1)
    client.force_login(blogger)
    response = client.post(
        url("autosave", week), {"title": "T", "body": "mine", "version": "1"}, **HTMX
    )
    assert "hx-swap-oob" not in response.content.decode()
