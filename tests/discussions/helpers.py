"""Shared helpers for the discussion tests: URLs, posting as someone, htmx headers."""

from __future__ import annotations

from django.test import Client

from core.models import Question, Week
from discussions.models import Comment
from tests.conftest import PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def base(week: Week) -> str:
    return week.get_absolute_url()


def answer_url(week: Week, question: Question) -> str:
    return f"{base(week)}q/{question.pk}/answer/"


def general_url(week: Week) -> str:
    return f"{base(week)}general/comment/"


def comment_url(comment: Comment, action: str = "") -> str:
    return f"{base(comment.week)}c/{comment.pk}/{action + '/' if action else ''}"


def first_question(week: Week) -> Question:
    return Question.objects.filter(section__week=week).order_by("section__position", "position")[0]


def add_comment(week: Week, author, body: str = "An answer", question=None, parent=None, **kw):
    """A comment written straight to the database (the rules are tested elsewhere)."""
    if parent is not None:
        question = parent.question
        kw.setdefault("depth", parent.depth + 1)
    return Comment.objects.create(
        week=week, question=question, parent=parent, author=author, body=body, **kw
    )
