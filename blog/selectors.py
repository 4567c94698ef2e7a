"""Reads for blog pages, each in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from blog.models import BlogFeedback, BlogPost, BlogRevision
from core.access import SeminarAccess, WeekAccess
from core.display import numbered_required, optional_groups
from core.lib.page_store import by_site
from core.models import Question, Week, WeekDuty


@dataclass(frozen=True)
class DueDates:
    """When the blogging team's draft and final post are due (days after class)."""

    draft: dt.date | None
    final: dt.date | None


def due_dates(week: Week) -> DueDates:
    if week.class_date is None:
        return DueDates(None, None)
    seminar = week.seminar
    return DueDates(
        draft=week.class_date + dt.timedelta(days=seminar.blog_draft_due_days),
        final=week.class_date + dt.timedelta(days=seminar.blog_final_due_days),
    )


def post_of(week: Week) -> BlogPost | None:
    """The week's post (one query), with `week` set so URLs need no query."""
    post = BlogPost.objects.filter(week=week).first()
    if post is not None:
        post.week = week
    return post


def editor_url(week: Week) -> str:
    return reverse("blog:edit", args=[week.seminar.slug, week.slug])


def post_url(week: Week) -> str:
    return reverse("blog:post", args=[week.seminar.slug, week.slug])


@dataclass
class WeekBlog:
    """The blog box of a week page."""

    post: BlogPost | None
    visible: bool  # the viewer may open the post
    can_edit: bool
    due: DueDates
    url: str
    edit_url: str


def week_blog_context(access: WeekAccess) -> dict[str, Any]:
    """`week_blog` for the week page (one query)."""
    week = access.week
    post = by_site(("blog-post", week.pk), lambda: post_of(week))  # never changed here
    return {
        "week_blog": WeekBlog(
            post=post,
            visible=access.can_see_post(post),
            can_edit=access.can_edit_post(post),
            due=due_dates(week),
            url=post_url(week),
            edit_url=editor_url(week),
        )
    }


@dataclass(frozen=True)
class BlogDuty:
    week: Week
    post: BlogPost | None
    due: DueDates

    @property
    def status_label(self) -> str:
        return self.post.get_status_display() if self.post else "Not started"

    @property
    def edit_url(self) -> str:
        return editor_url(self.week)


@dataclass
class BlogHome:
    duties: list[BlogDuty] = field(default_factory=list)  # weeks the viewer blogs
    to_review: list[BlogPost] = field(default_factory=list)  # staff: submitted posts
    index_url: str = ""


def blog_home_context(access: SeminarAccess) -> dict[str, Any]:
    """`blog_home` for the seminar home: the viewer's blog duties with their due dates and
    the post's status; for staff the posts waiting for review. Two queries at most."""
    seminar = access.seminar
    home = BlogHome(index_url=reverse("blog:index", args=[seminar.slug]))
    if access.user.is_authenticated:
        members = (
            WeekDuty.objects.filter(
                user_id=access.user.pk, week__seminar=seminar, team=WeekDuty.Team.BLOG
            )
            .select_related("week__blog_post")
            .order_by("week__number")
        )
        for member in members:
            week = member.week
            week.seminar = seminar
            post = getattr(week, "blog_post", None)
            home.duties.append(BlogDuty(week=week, post=post, due=due_dates(week)))
    if access.can_review_posts:
        submitted = BlogPost.objects.of_seminar(seminar.pk).filter(status=BlogPost.Status.SUBMITTED)
        home.to_review = list(submitted.select_related("week").order_by("week__number"))
        for post in home.to_review:
            post.week.seminar = seminar
    return {"blog_home": home}


def published_posts(access: SeminarAccess) -> QuerySet[BlogPost]:
    """The seminar's published posts of published weeks, newest first, weeks joined."""
    return (
        BlogPost.objects.of_seminar(access.seminar.pk)
        .published()
        .filter(week__status=Week.Status.PUBLISHED)
        .select_related("week")
        .order_by("-published_at", "-id")
    )


@dataclass(frozen=True)
class Credits:
    lead: list[str]
    blog: list[str]


def credits_for(week: Week) -> Credits:
    members = list(WeekDuty.objects.filter(week=week).select_related("user"))
    return Credits(
        lead=[m.user.name for m in members if m.team == WeekDuty.Team.LEAD],
        blog=[m.user.name for m in members if m.team == WeekDuty.Team.BLOG],
    )


def week_material(week: Week) -> dict[str, Any]:
    """The week's readings and questions, carried at the end of its post (three queries)."""

    readings = list(week.readings.all())
    questions = Question.objects.order_by("position")
    sections = list(
        week.sections.select_related("reading").prefetch_related(
            Prefetch("questions", queryset=questions)
        )
    )
    return {
        "required_readings": numbered_required(readings),
        "optional_groups": optional_groups(readings),
        "sections": sections,
    }


def feedback_for(post: BlogPost) -> list[BlogFeedback]:
    return list(post.feedback.select_related("author"))


def revisions_for(post: BlogPost) -> list[BlogRevision]:
    return list(post.revisions.select_related("author").order_by("-created_at", "-id"))


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "hunk", "same"
    text: str


def revision_diff(old: BlogRevision | None, new: BlogRevision) -> list[DiffLine]:
    """A unified diff of title and body from `old` (None: empty) to `new`."""
    before = f"# {old.title}\n\n{old.body}" if old else ""
    after = f"# {new.title}\n\n{new.body}"
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2
    )
    result = []
    for line in list(lines)[2:]:  # skip the ---/+++ header
        if line.startswith("@@"):
            result.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            result.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("del", line[1:]))
        else:
            result.append(DiffLine("same", line[1:]))
    return result
