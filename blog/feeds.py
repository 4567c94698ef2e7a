"""The seminar's blog as an Atom feed, with absolute links.

Who may read it: for a public seminar, anyone. For an enrolled-only seminar (the default)
the feed never leaks to non-members: it is served to a logged-in member's session, or to
a feed reader through a personal URL `…/blog/feed/<token>/`, where the token is an HMAC of
the member's id, the seminar and their calendar secret. Such a URL stops working when its
owner leaves the seminar, and when they reset their calendar link (their profile's
"reset" resets every private feed URL at once). Anyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.feedgenerator import Atom1Feed

from accounts.models import User
from blog.models import BlogPost
from blog.selectors import published_posts
from core.access import AnyUser, SeminarAccess, seminar_access
from core.models import Seminar, WeekDuty

FEED_SIZE = 30


def feed_token(user: User, seminar: Seminar) -> str:
    """The secret in a member's private feed URL for one seminar."""
    digest = salted_hmac(
        "blog.feed", f"{user.pk}:{seminar.pk}:{user.calendar_token}", algorithm="sha256"
    ).hexdigest()[:32]
    return f"{user.pk}-{digest}"


def user_for_token(token: str, seminar: Seminar) -> User | None:
    user_id, _, _digest = token.partition("-")
    if not user_id.isdigit():
        return None
    user = User.objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(token, feed_token(user, seminar)):
        return None
    return user


@dataclass
class FeedSource:
    access: SeminarAccess
    site: str  # scheme and host, e.g. "https://seminar.example.edu"
    self_url: str


def feed_access(request: HttpRequest, seminar_slug: str, token: str | None) -> SeminarAccess:
    """The seminar if this request may read its feed; 404 otherwise (no login redirect)."""
    seminar = Seminar.objects.filter(slug=seminar_slug).first()
    if seminar is None:
        raise Http404("No such feed")
    reader: AnyUser | None = request.user if token is None else user_for_token(token, seminar)
    if reader is None:
        raise Http404("No such feed")
    access = seminar_access(reader, seminar)
    if not (access.is_member or seminar.is_public):
        raise Http404("No such feed")
    return access


class SeminarBlogFeed(Feed):
    feed_type = Atom1Feed

    def get_object(
        self, request: HttpRequest, seminar_slug: str, token: str | None = None
    ) -> FeedSource:
        access = feed_access(request, seminar_slug, token)
        return FeedSource(
            access=access,
            site=request.build_absolute_uri("/").rstrip("/"),
            self_url=request.build_absolute_uri(),
        )

    def title(self, obj: FeedSource) -> str:
        return f"{obj.access.seminar.title} — blog"

    def subtitle(self, obj: FeedSource) -> str:
        return f"Weekly summaries written by the blogging teams of {obj.access.seminar}."

    def link(self, obj: FeedSource) -> str:
        return obj.site + reverse("blog:index", args=[obj.access.seminar.slug])

    def feed_url(self, obj: FeedSource) -> str:
        return obj.self_url

    def items(self, obj: FeedSource) -> list[BlogPost]:
        bloggers = WeekDuty.objects.filter(team=WeekDuty.Team.BLOG).select_related("user")

        posts = list(
            published_posts(obj.access).prefetch_related(
                Prefetch("week__week_duties", queryset=bloggers, to_attr="bloggers")
            )[:FEED_SIZE]
        )
        for post in posts:
            post.week.seminar = obj.access.seminar
            # Read by item_link and item_guid, which are not handed the site.
            post.absolute_url = obj.site + post.get_absolute_url()  # type: ignore[attr-defined]
        return posts

    def item_title(self, item: BlogPost) -> str:
        return f"{item.week.title}: {item.title}" if item.title != item.week.title else item.title

    def item_description(self, item: BlogPost) -> str:
        return item.body_html

    def item_link(self, item: BlogPost) -> str:
        return item.absolute_url  # type: ignore[attr-defined]  # set by items()

    def item_guid(self, item: BlogPost) -> str:
        return item.absolute_url  # type: ignore[attr-defined]  # set by items()

    def item_pubdate(self, item: BlogPost) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: BlogPost) -> dt.datetime:
        # A published post always has its published_at.
        return max(item.updated_at, item.published_at or item.updated_at)

    def item_author_name(self, item: BlogPost) -> str:
        # week.bloggers: the Prefetch in items() (to_attr, which django-stubs cannot type).
        bloggers: list[WeekDuty] = item.week.bloggers  # type: ignore[attr-defined]
        names = [member.user.name for member in bloggers]
        return ", ".join(names) or "Seminar staff"
