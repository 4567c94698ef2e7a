""" "Public" (live and not hidden by a moderator) has one home, discussions.models: the
queryset form (CommentQuerySet.public) and the one for a comment already read
(Comment.is_public) say the same, and what counts, quotes or is checked for duplicates
asks them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from discussions.models import Comment
from tests.discussions.helpers import add_comment, first_question

pytestmark = pytest.mark.django_db


def test_public_is_live_and_not_hidden_in_sql_and_in_python(week, student):
    question = first_question(week)
    kept = add_comment(week, student, "kept", question=question)
    hidden = add_comment(week, student, "hidden", question=question)
    deleted = add_comment(week, student, "deleted", question=question)
    both = add_comment(week, student, "both", question=question)
    now = timezone.now()
    Comment.objects.filter(pk__in=[hidden.pk, both.pk]).update(is_hidden=True, hidden_at=now)
    Comment.objects.filter(pk__in=[deleted.pk, both.pk]).update(deleted_at=now)

    in_sql = set(Comment.objects.public().values_list("pk", flat=True))
    in_python = {c.pk for c in Comment.objects.all() if c.is_public}
    assert in_sql == in_python == {kept.pk}
