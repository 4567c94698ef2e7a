"""Emails along a week's review (weeks.lead_services): the lead team submits its draft
week and every staff member of the seminar hears of it; staff comment, request changes
or approve and the week's lead team hears of it, with the note.

One email per recipient and review event, keyed on the event and written in the same
transaction as the step, so a step that rolls back emails nobody and none is sent twice.
The author of a step is never emailed about it. These are work messages, not a
subscription: there is no unsubscribe category (like invitations).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from notifications.emails import absolute, render_email
from notifications.models import OutboxEmail
from notifications.outbox import enqueue_rendered, send_after_commit
from weeks.lead_models import WeekReviewEvent
from weeks.models import Enrollment, TeamMember

Event = WeekReviewEvent.Kind
# Who hears of each kind of step; other steps (saves, withdrawals, publishing, which has
# its own announcement) email nobody.
TO_STAFF = {Event.SUBMITTED}
TO_LEADS = {Event.COMMENT, Event.CHANGES_REQUESTED, Event.APPROVED}


def recipients(event: WeekReviewEvent) -> tuple[list[User], str]:
    """The people to tell of `event`, and the end of "You get this email because …"."""
    week = event.review.week
    if event.kind in TO_STAFF:
        people = User.objects.filter(
            enrollments__seminar_id=week.seminar_id, enrollments__role=Enrollment.Role.STAFF
        )
        reason = "you are on the staff of this seminar"
    elif event.kind in TO_LEADS:
        people = User.objects.filter(
            team_memberships__week=week, team_memberships__team=TeamMember.Team.LEAD
        )
        reason = "you are on this week's lead team"
    else:
        return [], ""
    people = people.filter(is_active=True).exclude(pk=event.author_id).distinct().order_by("pk")
    return list(people), reason


def review_event_notify(event: WeekReviewEvent) -> int:
    """Write the emails of one review step; return how many are new. Call it inside the
    step's transaction."""
    people, reason = recipients(event)
    week = event.review.week
    link = absolute(reverse("weeks:lead_prepare", args=[week.seminar.slug, week.slug]))
    new_ids = []
    with transaction.atomic():
        for user in people:
            email = render_email(
                "review_event",
                recipient=user,
                seminar=week.seminar,
                category=None,
                reason=reason,
                context={"event": event, "week": week, "link": link},
            )
            row = enqueue_rendered(OutboxEmail.Kind.REVIEW, user, f"review:{event.pk}", email)
            if row is not None:
                new_ids.append(row.pk)
        send_after_commit(new_ids)
    return len(new_ids)
