"""The "For you" page: each person's notices, newest first, and reading them.

Reading never happens on GET (mail scanners and prefetching follow links): opening a
notice is a POST that marks it read and redirects to what it is about (the comment's
anchor on its week page, or the week); "Mark read" and "Mark all read" are POSTs that
come back to the page. A person only ever reaches their own notices (404 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from notifications import inbox
from notifications.models import Notice

Kind = Notice.Kind
EXCERPT = 160
TEAM_NAMES = {"lead": "lead team", "blog": "blogging team"}


@dataclass(frozen=True)
class NoticeView:
    """One notice as the page shows it: plain strings, escaped by the template."""

    pk: int
    unread: bool
    sentence: str
    excerpt: str
    place: str  # the week, and the seminar
    created_at: object


def sentence(notice: Notice) -> str:
    actor = notice.actor.name if notice.actor else "Someone"
    if notice.kind == Kind.REPLY:
        return f"{actor} replied to your comment"
    if notice.kind == Kind.MENTION:
        return f"{actor} mentioned you"
    if notice.kind == Kind.THREAD:
        return f"{actor} replied in a thread you follow"
    if notice.kind == Kind.MODERATION:
        return f"A moderator {notice.detail}"  # moderators act as the week's team
    team = TEAM_NAMES.get(notice.detail, "team")
    return f"You are on the {team} of {notice.week.title}"


def notice_view(notice: Notice) -> NoticeView:
    body = notice.comment.body if notice.comment else ""
    week = notice.week
    return NoticeView(
        pk=notice.pk,
        unread=notice.read_at is None,
        sentence=sentence(notice),
        excerpt=Truncator(" ".join(body.split())).chars(EXCERPT),
        place=f"{week.title} · {week.seminar.title}",
        created_at=notice.created_at,
    )


def target_url(notice: Notice) -> str:
    """Where a notice leads: its comment's anchor on the week page, or the week."""
    url = notice.week.get_absolute_url()
    return f"{url}#c{notice.comment_id}" if notice.comment_id else url


@require_GET
def for_you(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = [notice_view(n) for n in inbox.notices_for(request.user.pk)]
    context = {
        "notices": notices,
        "unread": sum(n.unread for n in notices),
        "title": "For you",
    }
    return render(request, "notifications/for_you.html", context)


def own_notice(request: AuthenticatedHttpRequest, notice_id: int) -> Notice:
    notice = (
        Notice.objects.filter(pk=notice_id, recipient_id=request.user.pk)
        .shown()
        .select_related("week__seminar")
        .first()
    )
    if notice is None:
        raise Http404("No such notice")
    return notice


@require_POST
def open_notice(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    """Mark the notice read and go to what it is about."""
    notice = own_notice(request, notice_id)
    inbox.mark_read(request.user.pk, [notice.pk])
    return HttpResponseRedirect(target_url(notice))


@require_POST
def mark_read(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice = own_notice(request, notice_id)
    inbox.mark_read(request.user.pk, [notice.pk])
    return HttpResponseRedirect(f"{reverse('notifications:for_you')}#n{notice.pk}")


@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    inbox.mark_all_read(request.user.pk)
    return HttpResponseRedirect(reverse("notifications:for_you"))
