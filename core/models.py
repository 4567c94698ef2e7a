"""Seminars, their weeks, readings, question sections and questions, and who is in them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.lib.models import RenderedMarkdownModel

DUE_SOON = dt.timedelta(hours=48)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. America/New_York).")


class LatePolicy(models.TextChoices):
    ACCEPT = "accept", "Accept and mark late"
    CLOSE = "close", "Close posting"


class PostingState(models.TextChoices):
    """Whether posts are accepted right now, for one deadline."""

    OPEN = "open", "Open"
    DUE_SOON = "due_soon", "Due soon"
    LATE = "late", "Late posts accepted"
    CLOSED = "closed", "Closed"


def posting_state(
    *, now: dt.datetime, deadline: dt.datetime | None, cutoff: dt.datetime | None, policy: str
) -> PostingState:
    """The posting state at `now` for a deadline, an optional later cut-off and a late policy.

    Before the deadline posting is open (due soon in its last 48 hours). Between the
    deadline and the cut-off posts are accepted and marked late; after the cut-off — or
    after the deadline when there is no cut-off and the policy is to close — it is closed.
    """
    if deadline is None or now < deadline:
        if deadline is not None and deadline - now <= DUE_SOON:
            return PostingState.DUE_SOON
        return PostingState.OPEN
    if cutoff is not None and cutoff > deadline:
        return PostingState.LATE if now < cutoff else PostingState.CLOSED
    return PostingState.LATE if policy == LatePolicy.ACCEPT else PostingState.CLOSED


class Seminar(models.Model):
    class Visibility(models.TextChoices):
        ENROLLED = "enrolled", "Enrolled members only"
        PUBLIC = "public", "Public (read-only for visitors)"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    term = models.CharField(max_length=80, blank=True, help_text="e.g. Fall 2023")
    timezone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.ENROLLED
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    late_policy = models.CharField(
        max_length=10,
        choices=LatePolicy,
        default=LatePolicy.ACCEPT,
        help_text="What happens after a week's deadline when the week sets no cut-off.",
    )
    blog_draft_due_days = models.PositiveSmallIntegerField(
        default=4, help_text="Days after class the blog draft is due"
    )
    blog_final_due_days = models.PositiveSmallIntegerField(
        default=8, help_text="Days after class the final blog post is due"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "title")

    def __str__(self) -> str:
        return f"{self.title} ({self.term})" if self.term else self.title

    def get_absolute_url(self) -> str:
        return reverse("weeks:seminar", args=[self.slug])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class Enrollment(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        STAFF = "staff", "Staff (instructor or TA)"
        AUDITOR = "auditor", "Auditor"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STUDENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("seminar", "role", "user__email")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("user", "seminar"), name="enrollment_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.seminar}"


class WeekQuerySet(models.QuerySet["Week"]):
    def published(self) -> WeekQuerySet:
        return self.filter(status=Week.Status.PUBLISHED)

    def due_for_publishing(self, now: dt.datetime | None = None) -> WeekQuerySet:
        now = now or timezone.now()
        return self.filter(status=Week.Status.SCHEDULED, publish_at__lte=now)


class Week(RenderedMarkdownModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    class_date = models.DateField(null=True, blank=True)
    intro = models.TextField(blank=True, help_text="Markdown shown above the readings.")
    intro_html = models.TextField(blank=True, editable=False)
    discussion_intro = models.TextField(
        blank=True,
        help_text="Markdown shown above the questions (the posting rule as the course words it).",
    )
    discussion_intro_html = models.TextField(blank=True, editable=False)
    notes = models.TextField(
        blank=True, help_text="Staff only: lines of an imported week file it could not place."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled week is published."
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    deadline = models.DateTimeField(
        null=True, blank=True, help_text="Posting deadline, in the seminar's time zone."
    )
    cutoff = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Optional later cut-off: between the deadline and this, posts are marked late.",
    )
    late_policy = models.CharField(
        max_length=10,
        choices=LatePolicy,
        blank=True,
        help_text="After the deadline when there is no cut-off. Blank: the seminar's default.",
    )
    is_locked = models.BooleanField(
        default=False, help_text="A locked week accepts no new posts in any thread."
    )
    staff_run = models.BooleanField(
        default=False, help_text="Staff lead this week themselves; the rotation skips it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WeekQuerySet.as_manager()
    markdown_fields: ClassVar = {"intro": "intro_html", "discussion_intro": "discussion_intro_html"}

    class Meta:
        ordering = ("seminar", "number")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("seminar", "slug"), name="week_unique_slug"),
            models.UniqueConstraint(fields=("seminar", "number"), name="week_unique_number"),
            models.CheckConstraint(
                condition=Q(cutoff__isnull=True)
                | Q(deadline__isnull=False, cutoff__gt=models.F("deadline")),
                name="week_cutoff_after_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False),
                name="week_scheduled_has_publish_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def numbered_title(self) -> str:
        """The title with the week's number unless it has it already: 'Week 3: Oversight'."""
        if self.title.lower().startswith(f"week {self.number}"):
            return self.title
        return f"Week {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("weeks:detail", args=[self.seminar.slug, self.slug])

    def clean(self) -> None:
        if self.cutoff and not self.deadline:
            raise ValidationError({"cutoff": "Set a deadline before a cut-off."})
        if self.cutoff and self.deadline and self.cutoff <= self.deadline:
            raise ValidationError({"cutoff": "The cut-off must come after the deadline."})
        if self.status == self.Status.SCHEDULED and not self.publish_at:
            raise ValidationError({"publish_at": "A scheduled week needs a publish time."})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def effective_late_policy(self) -> str:
        return self.late_policy or self.seminar.late_policy

    def posting_state(
        self, now: dt.datetime | None = None, deadline: dt.datetime | None = None
    ) -> PostingState:
        """Posting state for the week's deadline, or for a section's own `deadline`."""
        return posting_state(
            now=now or timezone.now(),
            deadline=deadline or self.deadline,
            cutoff=self.cutoff,
            policy=self.effective_late_policy,
        )


class Reading(RenderedMarkdownModel):
    class Kind(models.TextChoices):
        REQUIRED = "required", "Required"
        OPTIONAL = "optional", "Optional"

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="readings")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REQUIRED)
    group = models.CharField(
        max_length=200, blank=True, help_text="Heading for optional readings, e.g. Background."
    )
    position = models.PositiveSmallIntegerField(default=0)
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Number as the course shows it (may have gaps)."
    )
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    citation = models.TextField(blank=True, help_text="Authors, venue, year (markdown).")
    citation_html = models.TextField(blank=True, editable=False)
    note = models.CharField(max_length=300, blank=True, help_text='e.g. "sections 1, 3, 4"')
    abstract = models.TextField(blank=True)

    markdown_fields: ClassVar = {"citation": "citation_html"}

    class Meta:
        ordering = ("week", "position")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("week", "position"), name="reading_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_required(self) -> bool:
        return self.kind == self.Kind.REQUIRED


class RevealPolicy(models.TextChoices):
    """When students see classmates' answers in a section."""

    ALWAYS = "always", "Always"
    AFTER_OWN = "after_own", "After posting their own answer in the section"
    AFTER_DEADLINE = "after_deadline", "After the deadline"


class QuestionSection(RenderedMarkdownModel):
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=500)
    intro = models.TextField(blank=True)
    intro_html = models.TextField(blank=True, editable=False)
    reading = models.ForeignKey(
        Reading,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sections",
        help_text="The reading these questions are about, where there is one.",
    )
    required_answers = models.PositiveSmallIntegerField(
        default=1, help_text="How many answers in this section the weekly rule asks for."
    )
    day_label = models.CharField(max_length=40, blank=True, help_text='e.g. "Monday"')
    deadline = models.DateTimeField(
        null=True, blank=True, help_text="Its own deadline; blank means the week's."
    )
    reveal_policy = models.CharField(
        max_length=16, choices=RevealPolicy, default=RevealPolicy.ALWAYS
    )

    markdown_fields: ClassVar = {"intro": "intro_html"}

    class Meta:
        ordering = ("week", "position")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("week", "position"), name="section_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        reading = self.reading if self.reading_id and self.week_id else None
        if reading is not None and reading.week_id != self.week_id:
            raise ValidationError({"reading": "Pick a reading of the same week."})

    @property
    def effective_deadline(self) -> dt.datetime | None:
        """The class's deadline for this section (core.posting.class_deadline)."""
        from core.posting import class_deadline  # core.posting imports this module

        return class_deadline(self.week, self)


class Question(RenderedMarkdownModel):
    section = models.ForeignKey(QuestionSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(max_length=12, help_text="Number as displayed, e.g. 5.")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)

    markdown_fields: ClassVar = {"body": "body_html"}

    class Meta:
        ordering = ("section", "position")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("section", "position"), name="question_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"Q{self.number}"


class WeekDuty(models.Model):
    """One student's duty in one week: on its lead team or its blogging team.

    (Not to be confused with `teams.TeamMembership`, a student's place in a named team that
    the rotation assigns to weeks: the rotation writes these rows.)"""

    class Team(models.TextChoices):
        LEAD = "lead", "Lead team"
        BLOG = "blog", "Blogging team"

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="week_duties")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="week_duties"
    )
    team = models.CharField(max_length=4, choices=Team.choices)

    class Meta:
        ordering = ("week", "team", "user__email")
        constraints: ClassVar = [
            # One role per person per week: a lead does not also blog that week.
            models.UniqueConstraint(fields=("week", "user"), name="team_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_team_display()}, {self.week}"

    def clean(self) -> None:
        if not (self.week_id and self.user_id):
            return
        enrolled = Enrollment.objects.filter(
            seminar_id=self.week.seminar_id, user_id=self.user_id, role=Enrollment.Role.STUDENT
        ).exists()
        if not enrolled:
            raise ValidationError({"user": "Teams are made of students enrolled in this seminar."})


# In their own modules: a student's own deadline (core.posting), week preparation and review,
from core.extension_models import Extension as Extension  # noqa: E402
from core.lead_models import WeekReview, WeekReviewEvent  # noqa: E402, F401
from core.page_models import PageGeneration  # noqa: E402, F401  # stored pages' counters
