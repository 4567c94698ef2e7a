"""Writing the week's post and moving it through review.

Each function validates before writing and raises ValidationError with a message the
view shows on its form; none checks permissions (views ask core.access first). All
are atomic and lock the post row, so two teammates saving at once serialise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from blog.events import blog_step
from blog.models import BlogFeedback, BlogPost, BlogRevision
from core.models import Week

BODY_MAX_LENGTH = 100_000  # posts are long: the seed summary alone is 18,000 characters
FEEDBACK_MAX_LENGTH = 10_000
# Autosaves by one writer within this window update their last snapshot instead of
# piling up one revision every few seconds.
COALESCE_WINDOW = dt.timedelta(minutes=10)
STALE = (
    "A teammate saved a newer version while you were writing. Your text is kept here: "
    "open the history to compare, then save again to keep yours."
)


def default_title(week: Week) -> str:
    return f"{week.title}: summary"


def validate_content(title: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = "Give the post a title."
    if len(title) > 200:
        errors["title"] = f"The title is too long: at most 200 characters (it has {len(title)})."
    if len(body) > BODY_MAX_LENGTH:
        errors["body"] = (
            f"The post is too long: at most {BODY_MAX_LENGTH:,} characters "
            f"(it has {len(body):,}). Your text is still here."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def post_save(
    *,
    week: Week,
    author: User | None,
    title: str,
    body: str,
    base_version: int | None,
    kind: str = BlogRevision.Kind.SAVE,
) -> BlogPost:
    """Create or update the week's post and snapshot it as a revision by `author`.

    `base_version` is the version the writer started from: a save based on an older one
    raises ValidationError (STALE) rather than overwrite a teammate's work; None skips the
    check (imports). An unchanged text writes nothing. Retry-safe: saving the same text
    twice leaves one revision.
    """
    body = body.replace("\r\n", "\n")  # browsers send CRLF; diffs and "unchanged" compare LF
    if kind == BlogRevision.Kind.AUTOSAVE and not title.strip():
        title = default_title(week)
    validate_content(title, body)
    post = BlogPost.objects.select_for_update().filter(week=week).first()
    if post is None:
        post = BlogPost(week=week, created_by=author, version=0)
    elif is_stale(post, author=author, base_version=base_version, title=title, body=body):
        raise ValidationError(STALE, code="stale")
    if post.pk and (post.title, post.body) == (title, body):
        return post
    post.title, post.body, post.updated_by = title, body, author
    post.version += 1
    post.save()
    snapshot(post, author=author, kind=kind)
    return post


def post_restore(*, revision: BlogRevision, author: User) -> BlogPost:
    """Make an earlier version the current text again (a new revision: nothing is lost)."""
    post = revision.post
    return post_save(
        week=post.week,
        author=author,
        title=revision.title,
        body=revision.body,
        base_version=None,
        kind=BlogRevision.Kind.RESTORE,
    )


def is_stale(
    post: BlogPost, *, author: User | None, base_version: int | None, title: str, body: str
) -> bool:
    """Whether saving would overwrite a teammate's newer text. The writer's own newer
    save (an autosave still in flight when they pressed Save) is not a conflict."""
    if base_version is None or base_version == post.version:
        return False
    if author is not None and post.updated_by_id == author.pk:
        return False
    return (post.title, post.body) != (title, body)


def snapshot(post: BlogPost, *, author: User | None, kind: str) -> BlogRevision:
    last = post.revisions.order_by("-created_at", "-id").first()
    fields = {"title": post.title, "body": post.body, "version": post.version}
    if (
        last is not None
        and timezone.now() - last.created_at < COALESCE_WINDOW
        and author is not None
        and last.author_id == author.pk
        and last.kind == BlogRevision.Kind.AUTOSAVE
        and kind in (BlogRevision.Kind.AUTOSAVE, BlogRevision.Kind.SAVE)
    ):
        for name, value in fields.items():
            setattr(last, name, value)
        last.kind = kind
        last.save()
        return last
    return BlogRevision.objects.create(post=post, author=author, kind=kind, **fields)


def _locked(post: BlogPost, allowed: Collection[str], message: str) -> BlogPost:
    locked = BlogPost.objects.select_for_update().get(pk=post.pk)
    if locked.status not in allowed:
        raise ValidationError(message)
    return locked


@transaction.atomic
def post_share(*, post: BlogPost, actor: User) -> BlogPost:
    """Open the draft to the class for feedback."""
    post = _locked(post, BlogPost.SHAREABLE, "Only a draft can be shared with the class.")
    post.status, post.shared_at = BlogPost.Status.SHARED, timezone.now()
    post.save(update_fields=["status", "shared_at", "updated_at"])
    return post


@transaction.atomic
def post_submit(*, post: BlogPost, actor: User) -> BlogPost:
    """Hand the post to staff for review (feedback from the class closes)."""
    post = _locked(post, BlogPost.SUBMITTABLE, "This post cannot be submitted now.")
    if not post.body.strip():
        raise ValidationError("Write the post before submitting it.")
    post.status, post.submitted_at = BlogPost.Status.SUBMITTED, timezone.now()
    post.save(update_fields=["status", "submitted_at", "updated_at"])
    blog_step.send(
        BlogPost, post=post, kind="submitted", actor=actor
    )  # staff hear of it, in this transaction
    return post


@transaction.atomic
def post_withdraw(*, post: BlogPost, actor: User) -> BlogPost:
    """Back to a private draft (unshare, or take back a submission)."""
    post = _locked(post, BlogPost.WITHDRAWABLE, "This post is not shared or submitted.")
    post.status = BlogPost.Status.DRAFT
    post.save(update_fields=["status", "updated_at"])
    return post


@transaction.atomic
def post_request_changes(*, post: BlogPost, actor: User, note: str) -> BlogPost:
    """Staff send a submitted post back to the team with a note."""
    if not note.strip():
        raise ValidationError({"note": "Tell the team what to change."})
    post = _locked(post, {BlogPost.Status.SUBMITTED}, "Only a submitted post can be reviewed.")
    post.status = BlogPost.Status.CHANGES_REQUESTED
    post.review_note, post.reviewed_by, post.reviewed_at = note.strip(), actor, timezone.now()
    post.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    blog_step.send(
        BlogPost, post=post, kind="changes_requested", actor=actor
    )  # the blogging team hears of it
    return post


@transaction.atomic
def post_publish(*, post: BlogPost, actor: User | None) -> BlogPost:
    """Publish; a re-published post keeps its first publication date."""
    unpublished = set(BlogPost.Status) - {BlogPost.Status.PUBLISHED}
    post = _locked(post, unpublished, "This post is already published.")
    if not post.body.strip():
        raise ValidationError("An empty post cannot be published.")
    post.status, post.published_by = BlogPost.Status.PUBLISHED, actor
    post.published_at = post.published_at or timezone.now()
    post.review_note = ""
    post.save(update_fields=["status", "published_by", "published_at", "review_note", "updated_at"])
    return post


@transaction.atomic
def post_unpublish(*, post: BlogPost, actor: User) -> BlogPost:
    """Take a published post down; it goes back to the team as a draft."""
    post = _locked(post, {BlogPost.Status.PUBLISHED}, "This post is not published.")
    post.status = BlogPost.Status.DRAFT
    post.save(update_fields=["status", "updated_at"])
    return post


def feedback_with_key(
    *, post: BlogPost, author: User, submission_key: str | None
) -> BlogFeedback | None:
    """The feedback this user already sent with this one-time form key, if any."""
    if not submission_key:
        return None
    return BlogFeedback.objects.filter(
        post=post, author=author, submission_key=submission_key
    ).first()


def feedback_add(
    *, post: BlogPost, author: User, body: str, submission_key: str | None = None
) -> BlogFeedback:
    """A classmate's comment on the shared draft; with a `submission_key` (the form's
    one-time key) stored once however often it is sent."""
    if existing := feedback_with_key(post=post, author=author, submission_key=submission_key):
        return existing
    if not body.strip():
        raise ValidationError({"body": "Write your feedback first."})
    if len(body) > FEEDBACK_MAX_LENGTH:
        raise ValidationError(
            {"body": f"Too long: at most {FEEDBACK_MAX_LENGTH:,} characters ({len(body):,})."}
        )
    if not post.is_shared:
        raise ValidationError("This draft is no longer open for feedback.")
    try:
        with transaction.atomic():  # a savepoint: the unique key decides a race
            return BlogFeedback.objects.create(
                post=post, author=author, body=body, submission_key=submission_key or None
            )
    except IntegrityError:
        existing = feedback_with_key(post=post, author=author, submission_key=submission_key)
        if existing is None:
            raise
        return existing
