"""Everything a person wrote, for them to download: one zip with JSON and markdown.

The JSON (`data.json`) is complete and machine-readable: the account, its seminars, every
comment with its week, question, permalink, timestamps and earlier versions, and — when
the blog app is installed — the blog posts they wrote or edited and their feedback on
drafts. The markdown files (`comments.md`, `blog.md`) are the same writing to read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch
from django.utils import timezone

from accounts.models import User
from blog.models import BlogFeedback, BlogPost, BlogRevision
from core.models import Enrollment
from discussions.models import Comment, CommentRevision

AbsoluteUrl = Callable[[str], str]


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _comment_data(comment: Comment, absolute_url: AbsoluteUrl) -> dict[str, Any]:
    week, question = comment.week, comment.question
    return {
        "id": comment.pk,
        "seminar": {"slug": week.seminar.slug, "title": week.seminar.title},
        "week": {"number": week.number, "slug": week.slug, "title": week.title},
        "question": (
            {
                "number": question.number,
                "section": question.section.title,
                "text": question.body,
            }
            if question
            else None
        ),
        "kind": "reply" if comment.parent_id else ("answer" if question else "general comment"),
        "in_reply_to": comment.parent_id,
        "permalink": absolute_url(comment.get_absolute_url()),
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "deleted_at": _iso(comment.deleted_at),
        "is_late": comment.is_late,
        "hidden_by_moderators": comment.is_hidden,
        "hidden_reason": comment.hidden_reason,
        "body": comment.body,
        "revisions": [
            {"body": revision.body, "replaced_at": _iso(revision.created_at)}
            for revision in comment.revisions.all()
        ],
    }


def user_comments(user: User) -> list[Comment]:
    """The user's comments, oldest first, with everything the export shows (two queries)."""
    revisions = CommentRevision.objects.order_by("created_at", "id")
    return list(
        Comment.objects.filter(author=user)
        .select_related("week__seminar", "question__section")
        .prefetch_related(Prefetch("revisions", queryset=revisions))
        .order_by("created_at", "id")
    )


def _blog_data(user: User, absolute_url: AbsoluteUrl) -> dict[str, list[dict[str, Any]]]:
    """Blog posts the user started or edited (with their own revisions), and their feedback
    on classmates' drafts."""
    mine = BlogRevision.objects.filter(author=user).order_by("created_at", "id")
    posts = (
        BlogPost.objects.filter(Q(created_by=user) | Q(revisions__author=user))
        .distinct()
        .select_related("week__seminar")
        .prefetch_related(Prefetch("revisions", queryset=mine, to_attr="mine"))
        .order_by("created_at")
    )
    feedback = BlogFeedback.objects.filter(author=user).select_related("post__week__seminar")
    return {
        "posts": [_post_data(post, absolute_url) for post in posts],
        "feedback": [
            {
                "post": item.post.title,
                "week": {"number": item.post.week.number, "title": item.post.week.title},
                "created_at": _iso(item.created_at),
                "body": item.body,
            }
            for item in feedback.order_by("created_at")
        ],
    }


def _post_data(post: Any, absolute_url: AbsoluteUrl) -> dict[str, Any]:
    week = post.week
    try:
        permalink = absolute_url(post.get_absolute_url()) if post.is_published else None
    except NoReverseMatch:
        permalink = None
    return {
        "seminar": {"slug": week.seminar.slug, "title": week.seminar.title},
        "week": {"number": week.number, "slug": week.slug, "title": week.title},
        "title": post.title,
        "status": post.status,
        "published_at": _iso(post.published_at),
        "permalink": permalink,
        "body": post.body,
        "your_revisions": [
            {"version": r.version, "title": r.title, "body": r.body, "saved_at": _iso(r.created_at)}
            for r in post.mine
        ],
    }


def personal_data(user: User, absolute_url: AbsoluteUrl) -> dict[str, Any]:
    """Everything the export holds, as JSON-ready data."""
    enrollments = Enrollment.objects.filter(user=user).select_related("seminar")
    return {
        "exported_at": _iso(timezone.now()),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "pronouns": user.pronouns,
            "joined": _iso(user.date_joined),
            "email_reply_notices": user.email_reply_notices,
            "email_reminders": user.email_reminders,
            "email_announcements": user.email_announcements,
        },
        "seminars": [
            {"slug": e.seminar.slug, "title": e.seminar.title, "role": e.role} for e in enrollments
        ],
        "comments": [_comment_data(c, absolute_url) for c in user_comments(user)],
        "blog": _blog_data(user, absolute_url),
    }


def comments_markdown(data: dict[str, Any]) -> str:
    lines = [f"# Comments by {data['account']['display_name'] or data['account']['email']}", ""]
    if not data["comments"]:
        lines.append("You have not written any comments.")
    week_key = None
    for c in data["comments"]:
        key = (c["seminar"]["slug"], c["week"]["slug"])
        if key != week_key:
            week_key = key
            week = c["week"]
            lines += [f"## {c['seminar']['title']}: week {week['number']}, {week['title']}", ""]
        if c["question"]:
            where = f"{c['kind'].capitalize()} to question {c['question']['number']}"
        else:
            where = c["kind"].capitalize()
        lines += [f"### {where}, {c['created_at']}", "", f"Permalink: <{c['permalink']}>"]
        if c["edited_at"]:
            lines.append(f"Edited: {c['edited_at']}")
        if c["deleted_at"]:
            lines.append(f"Deleted by you: {c['deleted_at']}")
        if c["hidden_by_moderators"]:
            lines.append(f"Hidden by moderators: {c['hidden_reason'] or 'no reason given'}")
        lines += ["", c["body"], ""]
        for number, revision in enumerate(c["revisions"], start=1):
            lines += [f"#### Earlier version {number} (replaced {revision['replaced_at']})", ""]
            lines += [revision["body"], ""]
    return "\n".join(lines).rstrip() + "\n"


def blog_markdown(data: dict[str, Any]) -> str:
    lines = ["# Blog posts you wrote or edited", ""]
    for post in data["blog"]["posts"]:
        week = post["week"]
        lines += [f"## {post['title']}", ""]
        lines += [f"{post['seminar']['title']}, week {week['number']}: {week['title']}"]
        lines += [f"Status: {post['status']}", "", post["body"], ""]
    if data["blog"]["feedback"]:
        lines += ["# Your feedback on blog drafts", ""]
        for item in data["blog"]["feedback"]:
            lines += [f"## On {item['post']}, {item['created_at']}", "", item["body"], ""]
    return "\n".join(lines).rstrip() + "\n"


def export_zip(user: User, absolute_url: AbsoluteUrl) -> bytes:
    """The download: data.json, comments.md and, when there is any blog writing, blog.md."""
    data = personal_data(user, absolute_url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("comments.md", comments_markdown(data))
        if data["blog"]["posts"] or data["blog"]["feedback"]:
            archive.writestr("blog.md", blog_markdown(data))
    return buffer.getvalue()
