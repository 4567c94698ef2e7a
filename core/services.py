"""Publishing and copying weeks: used by the admin actions and the periodic task.

Status changes are conditional updates (``UPDATE … WHERE status = …``), so two staff
members clicking at once, or the admin and the periodic task racing, change a week once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.events import week_published
from core.models import Question, QuestionSection, Reading, Week

SLUG_MAX = Week._meta.get_field("slug").max_length or 80
TITLE_MAX = Week._meta.get_field("title").max_length or 200


@transaction.atomic
def publish_week(*, week: Week, now: dt.datetime | None = None) -> bool:
    """Publish a draft or scheduled week now. False when it was already published."""
    now = now or timezone.now()
    changed = (
        Week.objects.filter(pk=week.pk)
        .exclude(status=Week.Status.PUBLISHED)
        .update(status=Week.Status.PUBLISHED, published_at=now, updated_at=now)
    )
    if changed:
        week.status, week.published_at = Week.Status.PUBLISHED, now
        week_published.send(Week, week_id=week.pk)  # announced in this transaction
    return bool(changed)


@transaction.atomic
def unpublish_week(*, week: Week) -> bool:
    """Take a published or scheduled week back to draft (hidden from students again).

    False when it was already a draft. A scheduled week loses nothing but its status:
    its publish time stays filled in for when staff schedule it again.
    """
    now = timezone.now()
    changed = (
        Week.objects.filter(pk=week.pk)
        .exclude(status=Week.Status.DRAFT)
        .update(status=Week.Status.DRAFT, published_at=None, updated_at=now)
    )
    if changed:
        week.status, week.published_at = Week.Status.DRAFT, None
    return bool(changed)


def publish_due_weeks(*, now: dt.datetime | None = None) -> int:
    """Publish every scheduled week whose ``publish_at`` has passed; return how many.

    Each week is published by its own conditional update, so running this twice, or in
    two workers at once, publishes each week exactly once.
    """
    now = now or timezone.now()
    published = 0
    for pk in Week.objects.due_for_publishing(now).values_list("pk", flat=True):
        with transaction.atomic():
            published += Week.objects.filter(
                pk=pk, status=Week.Status.SCHEDULED, publish_at__lte=now
            ).update(status=Week.Status.PUBLISHED, published_at=now, updated_at=now)
            week_published.send(Week, week_id=pk)  # announced once (keyed), if published
    return published


def _free_slug(week: Week) -> str:
    """``<slug>-copy``, then ``<slug>-copy-2``, … — the first one free in the seminar."""
    taken = set(
        Week.objects.filter(
            seminar_id=week.seminar_id, slug__startswith=week.slug[:40]
        ).values_list("slug", flat=True)
    )
    counter = 1
    while True:
        suffix = "-copy" if counter == 1 else f"-copy-{counter}"
        slug = week.slug[: SLUG_MAX - len(suffix)] + suffix
        if slug not in taken:
            return slug
        counter += 1


@transaction.atomic
def duplicate_week(*, week: Week) -> Week:
    """A new draft week in the same seminar with copies of the readings, sections and
    questions. It takes the next free number; its teams start empty (the rotation or
    staff fill them), and it is never locked or scheduled."""
    # Lock the seminar's weeks so two duplications cannot pick the same number.
    list(Week.objects.select_for_update().filter(seminar_id=week.seminar_id).values("pk"))
    number = (
        Week.objects.filter(seminar_id=week.seminar_id).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    suffix = " (copy)"
    copy = Week.objects.create(
        seminar_id=week.seminar_id,
        number=number,
        slug=_free_slug(week),
        title=week.title[: TITLE_MAX - len(suffix)] + suffix,
        class_date=week.class_date,
        intro=week.intro,
        discussion_intro=week.discussion_intro,
        status=Week.Status.DRAFT,
        deadline=week.deadline,
        cutoff=week.cutoff,
        late_policy=week.late_policy,
        staff_run=week.staff_run,
    )
    readings: dict[int | None, Reading] = {}  # old pk -> copy; .get(None) finds none
    for reading in Reading.objects.filter(week=week).order_by("position"):
        old_pk = reading.pk
        reading.pk = None
        reading._state.adding = True
        reading.week = copy
        reading.save()
        readings[old_pk] = reading
    for section in QuestionSection.objects.filter(week=week).prefetch_related("questions"):
        questions = list(section.questions.all())
        section.pk = None
        section._state.adding = True
        section.week = copy
        section.reading = readings.get(section.reading_id)
        section.save()
        # The rendered HTML is copied with the markdown, so no save() is needed.
        for question in questions:
            question.pk = None
            question._state.adding = True
            question.section = section
        Question.objects.bulk_create(questions)
    return copy
