"""Emails along the two reviews in the product: the lead team's draft week
(leads.services) and the blogging team's post (blog.services).

A week: the lead team submits it and every staff member of the seminar hears of it;
staff comment, request changes or approve and the week's lead team hears of it, with the
note. A blog post: the blogging team submits it and staff hear of it; staff request
changes and the blogging team hears of it, with the note.

One email per recipient and step, keyed on the step and written in the same transaction,
so a step that rolls back emails nobody and none is sent twice. The author of a step is
never emailed about it. They are part of a team's duties: they answer to the "deadline
and duty reminders" preference, with its one-click unsubscribe link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User
from core.lead_models import WeekReviewEvent
from core.models import Enrollment, Week, WeekDuty
from notifications.emails import absolute, render_email
from notifications.models import OutboxEmail
from notifications.outbox import enqueue_rendered, send_after_commit

if TYPE_CHECKING:
    from blog.models import BlogPost

Event = WeekReviewEvent.Kind
STAFF_REASON = "you are on the staff of this seminar"
CATEGORY = "reminders"  # the preference these emails answer to


@dataclass
class Step:
    """One review step, as its emails tell it."""

    kind: str  # submitted, comment, changes_requested or approved
    week: Week
    thing: str  # what was reviewed: "Week 3: Oversight", "the blog post for Week 3: …"
    author: User | None
    body: str
    link: str
    key: str  # the outbox subject key: one email per recipient and key
    offset: str = ""


def staff_of(week: Week) -> QuerySet[User]:
    return User.objects.filter(
        enrollments__seminar_id=week.seminar_id, enrollments__role=Enrollment.Role.STAFF
    )


def team_of(week: Week, team: str) -> QuerySet[User]:
    return User.objects.filter(week_duties__week=week, week_duties__team=team)


def notify(step: Step, people: QuerySet[User], reason: str) -> int:
    """Write the step's email to each of `people` but its author; return how many are
    new. Call it inside the step's transaction."""
    people = people.filter(is_active=True).distinct().order_by("pk")
    if step.author is not None:
        people = people.exclude(pk=step.author.pk)
    new_ids = []
    with transaction.atomic():
        for user in people:
            email = render_email(
                "review_step",
                recipient=user,
                seminar=step.week.seminar,
                category=CATEGORY,
                reason=reason,
                context={"step": step, "who": step.author.name if step.author else "Someone"},
            )
            row = enqueue_rendered(
                OutboxEmail.Kind.REVIEW, user, step.key, email, offset=step.offset
            )
            if row is not None:
                new_ids.append(row.pk)
        send_after_commit(new_ids)
    return len(new_ids)


def review_event_notify(event: WeekReviewEvent) -> int:
    """The emails of one step of a week's review: submissions to staff; comments,
    requested changes and approval to the lead team; other steps (saves, withdrawals,
    publishing, which has its own announcement) to nobody."""
    week = event.review.week
    if event.kind == Event.SUBMITTED:
        people, reason = staff_of(week), STAFF_REASON
    elif event.kind in (Event.COMMENT, Event.CHANGES_REQUESTED, Event.APPROVED):
        people = team_of(week, WeekDuty.Team.LEAD)
        reason = "you are on this week's lead team"
    else:
        return 0
    step = Step(
        kind=event.kind,
        week=week,
        thing=week.numbered_title,
        author=event.author,
        body=event.body,
        link=absolute(reverse("weeks:lead_prepare", args=[week.seminar.slug, week.slug])),
        key=f"review:{event.pk}",
    )
    return notify(step, people, reason)


def blog_step_notify(post: BlogPost, kind: str, actor: User | None) -> int:
    """The emails of one step of a blog post's review: a submission to staff (linking the
    post), requested changes with the note to the blogging team (linking the editor).
    Each submission and each request is its own step."""
    week = post.week
    if kind == Event.SUBMITTED:
        people, reason, view, at = staff_of(week), STAFF_REASON, "blog:post", post.submitted_at
    elif kind == Event.CHANGES_REQUESTED:
        people, view, at = team_of(week, WeekDuty.Team.BLOG), "blog:edit", post.reviewed_at
        reason = "you are on this week's blogging team"
    else:
        return 0
    assert at is not None  # stamped by the service that sent the signal
    step = Step(
        kind=kind,
        week=week,
        thing=f"the blog post for {week.numbered_title}",
        author=actor,
        body=post.review_note if kind == Event.CHANGES_REQUESTED else "",
        link=absolute(reverse(view, args=[week.seminar.slug, week.slug])),
        key=f"blog:{post.pk}",
        offset=f"{kind}-{int(at.timestamp() * 1_000_000)}",
    )
    return notify(step, people, reason)
