"""A user's standing in a seminar and a week, and the capabilities templates ask.

Capabilities are named for what they allow (`can_moderate`), never for a role: the role
and the week's duty are read here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.utils import timezone

from core.exemption import is_exempt
from core.models import Enrollment, QuestionSection, RevealPolicy, Seminar, Week, WeekDuty
from core.posting import class_deadline
from core.timefmt import viewer_zone

if TYPE_CHECKING:
    from core.lead_models import WeekReview

# Any user of the site (accounts.User is an AbstractUser), or an anonymous visitor.
AnyUser = AbstractUser | AnonymousUser


class Comment(Protocol):
    """What the rules read of a discussion comment (discussions.models.Comment): the
    permissions live here, below the apps whose objects they judge."""

    author_id: int
    week_id: int
    deleted_at: dt.datetime | None


class BlogPost(Protocol):
    """What the rules read of a week's summary post (blog.models.BlogPost). Read-only
    members (properties), so the model's set of Status values is a Collection[str]."""

    @property
    def status(self) -> str: ...

    @property
    def TEAM_EDITABLE(self) -> Collection[str]: ...

    @property
    def SHAREABLE(self) -> Collection[str]: ...

    @property
    def SUBMITTABLE(self) -> Collection[str]: ...

    @property
    def WITHDRAWABLE(self) -> Collection[str]: ...

    @property
    def is_published(self) -> bool: ...

    @property
    def is_shared(self) -> bool: ...

    @property
    def is_submitted(self) -> bool: ...


@dataclass(frozen=True)
class SeminarAccess:
    """A user's standing in one seminar."""

    seminar: Seminar
    user: AnyUser
    role: str | None  # an Enrollment.Role value, or None when not enrolled

    # The standing itself is asked hundreds of times on a page of comments: computed once
    # (the role and the user never change on an access object).
    @cached_property
    def is_staff(self) -> bool:
        return bool(self.user.is_superuser) or self.role == Enrollment.Role.STAFF

    @cached_property
    def is_member(self) -> bool:
        return self.is_staff or self.role is not None

    @cached_property
    def user_id(self) -> int | None:
        """The user's primary key; None for an anonymous visitor."""
        return self.user.pk if self.user.is_authenticated else None

    @property
    def is_student(self) -> bool:
        return self.role == Enrollment.Role.STUDENT

    @cached_property
    def tz(self) -> dt.tzinfo:  # the viewer's zone: their profile's, else the seminar's
        return viewer_zone(self.user, self.seminar.tz)

    # --- Participation (participation/) -----------------------------------------------

    @property
    def can_see_participation_matrix(self) -> bool:
        """The class's participation over the term (matrix, CSV export): staff."""
        return self.is_staff

    @property
    def can_manage_participation(self) -> bool:
        """Override a status, grant an extension, nudge the students who owe: staff."""
        return self.is_staff

    @property
    def can_export_gradebook(self) -> bool:
        """Scores per student and week, and the Canvas and Moodle CSV files: staff."""
        return self.is_staff

    @property
    def has_participation(self) -> bool:
        """Owes posts in some weeks, so sees their own participation: students."""
        return self.is_student

    @property
    def can_view(self) -> bool:
        return self.is_member or self.seminar.is_public

    @property
    def can_view_drafts(self) -> bool:
        return self.is_staff

    @property
    def can_review_weeks(self) -> bool:
        """See the queue of weeks their lead teams submitted, comment on them, publish."""
        return self.is_staff

    @property
    def can_manage_teams(self) -> bool:
        """Form the seminar's teams and set the rotation of lead and blogging duties."""
        return self.is_staff

    @property
    def can_see_all_flags(self) -> bool:
        """The flag queue of every week at once (leads see their own week's)."""
        return self.is_staff

    @property
    def can_see_moderation_log(self) -> bool:
        """Who hid, pinned, locked or credited what, in every week: staff."""
        return self.is_staff

    @property
    def can_review_posts(self) -> bool:
        """The blogging teams' posts waiting for review, on the seminar home."""
        return self.is_staff

    @property
    def can_export_archive(self) -> bool:
        """Download the whole seminar (weeks, discussions, posts, teams, roster)."""
        return self.is_staff


@dataclass(frozen=True)
class WeekAccess:
    """A user's capabilities on one week, as templates ask them (never role names)."""

    week: Week
    seminar_access: SeminarAccess
    team: str | None = None  # WeekDuty.Team value for this user this week

    @property
    def user(self) -> AnyUser:
        return self.seminar_access.user

    @property
    def tz(self) -> dt.tzinfo:  # the viewer's zone (SeminarAccess.tz)
        return self.seminar_access.tz

    @property
    def is_staff(self) -> bool:
        return self.seminar_access.is_staff

    @property
    def is_lead(self) -> bool:
        return self.team == WeekDuty.Team.LEAD

    @property
    def is_blogger(self) -> bool:
        return self.team == WeekDuty.Team.BLOG

    @property
    def can_view(self) -> bool:
        if not self.seminar_access.can_view:
            return False
        return self.week.is_published or self.seminar_access.can_view_drafts

    @property
    def can_post(self) -> bool:
        """May write answers, replies and comments in this week (deadline rules aside)."""
        sa = self.seminar_access
        return self.can_view and (sa.is_staff or sa.is_student)

    @property
    def can_moderate(self) -> bool:
        return self.can_view and (self.is_staff or self.is_lead)

    @property
    def can_blog(self) -> bool:
        return self.can_view and (self.is_staff or self.is_blogger)

    @property
    def is_exempt(self) -> bool:
        """Owes no posts this week: its two teams, staff, auditors (core.exemption)."""
        return is_exempt(self.seminar_access.role, self.team)

    # --- Participation: this week's list and credit queue (participation/) -------------

    @property
    def can_see_week_participation(self) -> bool:
        """Who has met this week's rule, with links to their posts: staff and the leads."""
        return self.can_view and (self.is_staff or self.is_lead)

    @property
    def can_see_moderation_log(self) -> bool:
        """This week's moderation log (who did what, why): its lead team and staff."""
        return self.can_view and (self.is_staff or self.is_lead)

    can_see_lead_brief = can_see_moderation_log  # leads.brief, names and all: the same people

    @property
    def can_credit(self) -> bool:
        """Credit a reply or general comment as substantive, or dismiss it: leads, staff."""
        return self.can_view and (self.is_staff or self.is_lead)

    # --- Discussion: comments on this week ---------------------------------------------

    @property
    def can_reply(self) -> bool:
        """May reply to comments (the same people who may post; deadline rules aside)."""
        return self.can_post

    def is_author(self, comment: Comment) -> bool:
        uid = self.seminar_access.user_id
        return uid is not None and comment.author_id == uid

    def can_edit(self, comment: Comment) -> bool:
        """Authors edit their own comments of this week (not once deleted)."""
        return (
            self.can_post
            and comment.week_id == self.week.pk
            and comment.deleted_at is None
            and self.is_author(comment)
        )

    def can_delete(self, comment: Comment) -> bool:
        """Authors delete their own comments (softly: the thread keeps its replies)."""
        return self.can_edit(comment)

    @property
    def can_see_history(self) -> bool:
        """Reading the revisions of every edited comment is for staff."""
        return self.can_view and self.is_staff

    def can_see_history_of(self, comment: Comment) -> bool:  # staff and its author only
        return self.can_see_history or (self.can_view and self.is_author(comment))

    @property
    def can_flag(self) -> bool:
        """Any member of the seminar (auditors too) may flag a comment for the leads."""
        return self.can_view and self.user.is_authenticated and self.seminar_access.is_member

    @property
    def can_track_reading(self) -> bool:
        """Keeps a record of what they read here ("what's new", discussions/unread.py):
        anyone logged in who may see the week."""
        return self.can_view and self.user.is_authenticated

    @property
    def sees_all_answers(self) -> bool:
        """Staff, this week's leads and bloggers (who sum it up) see all, any reveal policy."""
        return self.can_view and (self.is_staff or self.is_lead or self.is_blogger)

    @property
    def bypasses_posting_rules(self) -> bool:
        """Staff may post after the cut-off and in locked threads; nobody else may."""
        return self.can_post and self.is_staff

    def can_see_answers(
        self,
        section: QuestionSection,
        *,
        answered_section_ids: Collection[int] = (),
        now: dt.datetime | None = None,
    ) -> bool:
        """May see classmates' answers in `section` under its reveal policy.

        `answered_section_ids`: sections where this user has a live answer of their own
        (the caller knows it from the comments it already loaded). A user always sees
        their own answers; this answers for everyone else's.
        """
        if not self.can_view:
            return False
        if self.sees_all_answers:
            return True
        policy = section.reveal_policy
        if policy == RevealPolicy.AFTER_OWN:
            return section.pk in answered_section_ids
        if policy == RevealPolicy.AFTER_DEADLINE:
            deadline = class_deadline(self.week, section)
            return deadline is None or (now or timezone.now()) >= deadline
        return True

    # --- The lead team prepares its week (core.lead_models.WeekReview) ----------------
    # `review` is None before anyone opened the editor (the same as a fresh draft). Leads
    # never see the draft week page itself: they work on the editor's preview of it.

    @property
    def can_prepare_week(self) -> bool:
        """Open the week's editor: this week's lead team and staff, until it is published."""
        if self.week.is_published or not self.seminar_access.is_member:
            return False
        return self.is_staff or (self.is_lead and self.seminar_access.is_student)

    def can_edit_week_text(self, review: WeekReview | None) -> bool:
        """Replace the draft's content: staff always, the leads until they submit it."""
        if not self.can_prepare_week:
            return False
        return self.is_staff or review is None or review.lead_editable

    def can_submit_week(self, review: WeekReview | None) -> bool:
        """Hand the draft to staff for review: the lead team, while they may edit it."""
        return self.is_lead and self.can_edit_week_text(review)

    def can_withdraw_week(self, review: WeekReview | None) -> bool:
        """Take a submitted draft back to edit it again: the lead team."""
        return (
            self.is_lead
            and self.can_prepare_week
            and review is not None
            and review.state == review.State.SUBMITTED
        )

    def can_review_week(self, review: WeekReview | None) -> bool:
        """Comment, request changes, approve and publish the draft: staff."""
        return self.is_staff and self.can_prepare_week

    def can_edit_week(self, review: WeekReview | None) -> bool:
        """The week editor: staff any week; the leads their draft (None: open it, else save)."""
        return (self.is_staff and self.can_view) or self.can_edit_week_text(review)

    # --- Blog: the week's summary post (blog.models.BlogPost) ---------------------------
    # `post` is None before the team's first save. The team (and staff) edit until it is
    # published; while it is shared, every member of the seminar reads it and leaves
    # feedback; staff review, publish and unpublish.

    def can_see_post(self, post: BlogPost | None) -> bool:
        if post is None or not self.can_view:
            return False
        if post.is_published or self.can_blog:
            return True
        return post.is_shared and self.seminar_access.is_member

    def can_edit_post(self, post: BlogPost | None) -> bool:
        """Write (and autosave): staff always; the blogging team until submitted."""
        if not self.can_blog:
            return False
        if self.is_staff:
            return True
        return post is None or post.status in post.TEAM_EDITABLE

    def can_share_post(self, post: BlogPost | None) -> bool:
        return post is not None and self.can_edit_post(post) and post.status in post.SHAREABLE

    def can_submit_post(self, post: BlogPost | None) -> bool:
        return post is not None and self.can_edit_post(post) and post.status in post.SUBMITTABLE

    def can_withdraw_post(self, post: BlogPost | None) -> bool:
        """Back to a private draft: the team or staff, from shared or submitted."""
        return post is not None and self.can_blog and post.status in post.WITHDRAWABLE

    def can_comment_post(self, post: BlogPost | None) -> bool:
        """Feedback on a shared draft, from any member of the seminar."""
        return (
            self.can_see_post(post)
            and post is not None
            and post.is_shared
            and self.seminar_access.is_member
        )

    def can_review_post(self, post: BlogPost | None) -> bool:
        """Request changes on a submitted post: staff only."""
        return post is not None and self.is_staff and self.can_view and post.is_submitted

    def can_publish_post(self, post: BlogPost | None) -> bool:
        return post is not None and self.is_staff and self.can_view and not post.is_published

    def can_unpublish_post(self, post: BlogPost | None) -> bool:
        return post is not None and self.is_staff and self.can_view and post.is_published

    @property
    def can_download_discussion(self) -> bool:
        """The whole discussion as one markdown file, to help the team write."""
        return self.can_blog
