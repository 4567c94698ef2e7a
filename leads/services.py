"""The lead team prepares its draft week in the import format; staff review and publish it.

The week file replaces the week's readings, sections and questions through the importer's
own steps, but the week keeps what the lead team does not own: its slug, number, status,
publish time, teams, lock and late policy. `trial_save` does the same inside a transaction
it rolls back, so a preview shows the week exactly as saving would make it.

No permission checks here: views ask `core.access.WeekAccess` first. Each step's emails
(staff hear of a submission, the lead team of comments, requested changes and approval)
are written in the step's transaction by `notifications.review`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core import importer
from core.exporter import export_week_file
from core.lead_models import WeekReview, WeekReviewEvent
from core.models import Seminar, Week
from core.services import publish_week
from core.week_editing import WeekEdit, save_week_edit
from core.weekfile import WeekFileError
from discussions.models import Comment
from leads.events import review_step

SOURCE = "week file"
# Pasted text beyond this is refused rather than parsed (the seed week is ~20 kB).
MAX_TEXT = 200_000


class ReviewStateError(Exception):
    """The review is no longer in a state that allows this step (someone got there first)."""


@dataclass
class SaveResult:
    week: Week
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        c = self.counts
        optional = c["optional_readings"]
        return (
            f"{c['required_readings']} required and {optional} optional reading"
            f"{'' if optional == 1 else 's'}, {c['sections']} question section"
            f"{'' if c['sections'] == 1 else 's'}, {c['questions']} question"
            f"{'' if c['questions'] == 1 else 's'}"
        )


def review_for(week: Week) -> WeekReview | None:
    """The week's review, or None before anyone saved or submitted it (reads only)."""
    return WeekReview.objects.filter(week=week).first()


def history(review: WeekReview | None) -> list[WeekReviewEvent]:
    if review is None:
        return []
    return list(review.events.select_related("author").order_by("created_at", "pk"))


def current_text(week: Week) -> str:
    """The week as a week file: what the editor starts from."""
    return export_week_file(week)


def _check(week: Week, text: str) -> None:
    if not text.strip():
        raise WeekFileError(f"{SOURCE}: it is empty; paste or write the week page first")
    if len(text) > MAX_TEXT:
        raise WeekFileError(f"{SOURCE}: it is longer than {MAX_TEXT:,} characters")

    if Comment.objects.filter(week=week).exists():
        raise WeekFileError(
            f"{SOURCE}: this week already has comments, and replacing its questions could "
            "delete them; edit it in the admin instead"
        )


def _apply(week: Week, text: str) -> SaveResult:
    """Write `text` over the week's content (inside the caller's transaction)."""
    _check(week, text)
    seminar: Seminar = week.seminar
    parsed = importer.parse_week_file(text, tz=seminar.timezone, source=SOURCE)
    warnings = [*(f"guessed: {guess}" for guess in parsed.guesses), *parsed.warnings]
    if parsed.slug != week.slug:
        warnings.append(f"the file's slug {parsed.slug!r} is ignored: the week keeps {week.slug!r}")
    if parsed.number is not None and parsed.number != week.number:
        warnings.append(
            f"the file's week number {parsed.number} is ignored: this is week {week.number}"
        )
    if not parsed.draft:
        warnings.append("draft = false is ignored: staff publish the week after review")
    parsed.slug, parsed.number = week.slug, week.number
    locked = Week.objects.select_for_update().get(pk=week.pk)
    locked.seminar = seminar
    try:
        saved = importer._save_week(parsed, seminar, locked, locked.status, warnings, SOURCE)
        readings = importer._save_readings(saved, parsed.readings, SOURCE)
        importer._save_sections(saved, parsed.sections, readings, SOURCE)
    except IntegrityError as exc:
        raise WeekFileError(f"{SOURCE}: the database refused the week: {exc}") from exc
    return SaveResult(week=saved, counts=importer._counts(parsed), warnings=warnings)


class _Rollback(Exception):
    pass


@contextmanager
def trial_save(week: Week, text: str) -> Iterator[SaveResult]:
    """Save `text` over the week, hand back the result, then undo everything.

    Whatever the caller reads inside the block (a rendered preview) sees the saved week.
    Raises WeekFileError before yielding when the text cannot be saved.
    """
    try:
        with transaction.atomic():
            yield _apply(week, text)
            raise _Rollback
    except _Rollback:
        pass


@transaction.atomic
def save_week_text(week: Week, text: str, *, user: User) -> SaveResult:
    """Replace the draft's content with `text`, staying draft; logs a "saved" event."""
    result = _apply(week, text)
    review, _ = WeekReview.objects.get_or_create(week=week)
    _record(review, WeekReviewEvent.Kind.SAVED, user, result.summary)
    week.refresh_from_db()
    return result


@transaction.atomic
def save_week_form(week: Week, edit: WeekEdit, *, user: User) -> Week:
    """Save the structured editor's forms over the week (core.week_editing, in place: ids,
    answers and status kept); logs a "saved" event in the week's review history."""
    saved = save_week_edit(week, edit)
    review, _ = WeekReview.objects.get_or_create(week=week)
    _record(review, WeekReviewEvent.Kind.SAVED, user, edit.summary())
    return saved


def _transition(
    week: Week, *, from_states: tuple[str, ...], to_state: str, **fields: object
) -> WeekReview:
    review, _ = WeekReview.objects.get_or_create(week=week)
    changed = WeekReview.objects.filter(pk=review.pk, state__in=from_states).update(
        state=to_state, updated_at=timezone.now(), **fields
    )
    if not changed:
        raise ReviewStateError("The week's review moved on meanwhile; reload the page.")
    review.refresh_from_db()
    return review


def _record(review: WeekReview, kind: str, user: User, body: str = "") -> WeekReviewEvent:
    """Add a step to the review's history and email whoever should hear of it
    (notifications.review decides by its kind), in the step's transaction."""
    event = WeekReviewEvent.objects.create(review=review, kind=kind, author=user, body=body)
    review_step.send(WeekReviewEvent, event=event)
    return event


@transaction.atomic
def submit(week: Week, *, user: User) -> WeekReview:
    """The lead team hands the week to staff (from draft or after changes were requested)."""
    review = _transition(
        week,
        from_states=WeekReview.LEAD_EDITABLE,
        to_state=WeekReview.State.SUBMITTED,
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    _record(review, WeekReviewEvent.Kind.SUBMITTED, user)
    return review


@transaction.atomic
def withdraw(week: Week, *, user: User) -> WeekReview:
    """The lead team takes a submitted week back to edit it again."""
    review = _transition(
        week, from_states=(WeekReview.State.SUBMITTED,), to_state=WeekReview.State.DRAFT
    )
    _record(review, WeekReviewEvent.Kind.WITHDRAWN, user)
    return review


@transaction.atomic
def comment(week: Week, *, user: User, body: str) -> WeekReviewEvent:
    """A staff comment for the lead team; the state does not change."""
    review, _ = WeekReview.objects.get_or_create(week=week)
    return _record(review, WeekReviewEvent.Kind.COMMENT, user, body.strip())


@transaction.atomic
def request_changes(week: Week, *, user: User, note: str) -> WeekReview:
    """Staff send the week back to the lead team with a note they see in the editor."""
    review = _transition(
        week,
        from_states=(WeekReview.State.SUBMITTED, WeekReview.State.APPROVED),
        to_state=WeekReview.State.CHANGES_REQUESTED,
        note=note.strip(),
        reviewed_by=user,
        reviewed_at=timezone.now(),
    )
    _record(review, WeekReviewEvent.Kind.CHANGES_REQUESTED, user, note.strip())
    return review


@transaction.atomic
def approve(week: Week, *, user: User, note: str = "") -> WeekReview:
    """Staff accept the week as it is (it stays unpublished until they publish it)."""
    review = _transition(
        week,
        from_states=tuple(s for s in WeekReview.State.values if s != WeekReview.State.APPROVED),
        to_state=WeekReview.State.APPROVED,
        note=note.strip(),
        reviewed_by=user,
        reviewed_at=timezone.now(),
    )
    _record(review, WeekReviewEvent.Kind.APPROVED, user, note.strip())
    return review


@transaction.atomic
def publish(week: Week, *, user: User) -> bool:
    """Publish the week now (core.services.publish_week) and mark its review approved.
    False when it was already published."""
    if not publish_week(week=week):
        return False
    review, _ = WeekReview.objects.get_or_create(week=week)
    WeekReview.objects.filter(pk=review.pk).update(
        state=WeekReview.State.APPROVED,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    _record(review, WeekReviewEvent.Kind.PUBLISHED, user)
    return True


def review_queue(seminar: Seminar) -> list[WeekReview]:
    """Unpublished weeks of the seminar waiting for staff, oldest submission first."""
    return list(
        WeekReview.objects.filter(
            week__seminar=seminar,
            state=WeekReview.State.SUBMITTED,
        )
        .exclude(week__status=Week.Status.PUBLISHED)
        .select_related("week", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def review_queue_count(seminar: Seminar) -> int:
    return (
        WeekReview.objects.filter(week__seminar=seminar, state=WeekReview.State.SUBMITTED)
        .exclude(week__status=Week.Status.PUBLISHED)
        .count()
    )
