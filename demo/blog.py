"""The blog's part of `seed_demo` (called by demo.weeks.build_demo): a published post on
the closed week, by its blogging team, and blogger@'s draft on the open week.

The text is real course material (data/, from the project's seed course summary).
Idempotent: saving the same text again writes nothing, a published post stays published,
and a draft someone has since edited in the demo keeps their edits.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from blog import services
from blog.models import BlogPost, BlogRevision
from core.models import WeekDuty

if TYPE_CHECKING:
    from demo.weeks import DemoSummary

DATA = Path(__file__).resolve().parent / "data"
CLOSED_TITLE = "Saints, sycophants and schemers: what we learned in week 1"
OPEN_TITLE = "Red teaming and constitutions (draft)"


def seed_demo(summary: DemoSummary) -> None:
    closed, open_week = summary.weeks["closed"], summary.weeks["open"]
    # The post is written by a member of the closed week's blogging team, whoever the
    # teams step put there.
    bloggers = closed.week_duties.filter(team=WeekDuty.Team.BLOG).select_related("user")
    first = bloggers.order_by("user__email").first()
    writer = first.user if first else summary.staff
    post = BlogPost.objects.filter(week=closed).first()
    if post is None:
        post = services.post_save(
            week=closed,
            author=writer,
            title=CLOSED_TITLE,
            body=(DATA / "week1-post.md").read_text(),
            base_version=None,
        )
    if not post.is_published:
        if post.published_at is None and closed.class_date:
            published = dt.datetime.combine(
                closed.class_date + dt.timedelta(days=1), dt.time(18), tzinfo=closed.seminar.tz
            )
            post.published_at = min(published, timezone.now())
            post.save(update_fields=["published_at"])
        services.post_publish(post=post, actor=summary.staff)
    if not BlogPost.objects.filter(week=open_week).exists():
        services.post_save(
            week=open_week,
            author=summary.blogger,
            title=OPEN_TITLE,
            body=(DATA / "week2-draft.md").read_text(),
            base_version=None,
            kind=BlogRevision.Kind.SAVE,
        )
    summary.notes.append(
        f"Blog: a published post on {closed.title}; {summary.blogger.email} has a draft on "
        f"{open_week.title}."
    )
