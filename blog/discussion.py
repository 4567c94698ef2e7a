"""The week's whole discussion as one markdown file, for the blogging team to work from.

Questions in order, each followed by its visible answers (author, time, permalink) with
their replies indented below; then the general thread. Hidden and deleted comments are
left out; sections whose answers the viewer may not see yet under the reveal policy say
so instead. Three queries whatever the size of the discussion.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch

from core.access import WeekAccess
from core.models import Question
from core.timefmt import format_time
from discussions.models import Comment
from discussions.selectors import answered_sections


def _quote(text: str, depth: int) -> str:
    prefix = "> " * depth
    return "\n".join(f"{prefix}{line}".rstrip() for line in text.strip().splitlines())


def _comment_block(comment: Comment, base_url: str, tz: dt.tzinfo, depth: int) -> list[str]:
    when = format_time(comment.created_at, tz)
    link = f"{base_url}#{comment.anchor}"
    kind = "Reply" if comment.parent_id else "Answer"
    late = " (late)" if comment.is_late else ""
    head = f"**{kind} by {comment.author.name}**, {when}{late} — [permalink]({link})"
    return [_quote(head, depth), _quote(comment.body, depth) if depth else comment.body, ""]


def _tree(comment: Comment, children: dict, base_url: str, tz: dt.tzinfo, depth: int) -> list[str]:
    lines = _comment_block(comment, base_url, tz, depth)
    for child in children.get(comment.pk, []):
        lines += _tree(child, children, base_url, tz, depth + 1)
    return lines


def discussion_markdown(access: WeekAccess, *, base_url: str) -> str:
    """The discussion as markdown; `base_url` is the week page's absolute URL."""
    week = access.week
    tz = access.tz
    questions = Question.objects.order_by("position")
    sections = list(week.sections.prefetch_related(Prefetch("questions", queryset=questions)))
    comments = list(
        Comment.objects.public()
        .filter(week=week)
        .select_related("author")
        .order_by("created_at", "id")
    )
    visible_ids = {c.pk for c in comments}
    children: dict[int | None, list[Comment]] = defaultdict(list)
    roots: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is None:
            roots[comment.question_id].append(comment)
        elif comment.parent_id in visible_ids:
            children[comment.parent_id].append(comment)
    answered = answered_sections(access, sections)
    lines = [f"# {week.title} — the discussion", "", f"From {base_url}", ""]
    for section in sections:
        lines += [f"## {section.title}", ""]
        shown = access.can_see_answers(section, answered_section_ids=answered)
        for question in section.questions.all():
            lines += [f"### Question {question.number}", "", question.body.strip(), ""]
            answers = roots.get(question.pk, [])
            if not shown:
                answers = [c for c in answers if access.is_author(c)]
                lines += ["*Classmates' answers in this section are not visible to you yet.*", ""]
            if not answers:
                lines += ["*No answers.*", ""]
            for answer in answers:
                lines += _tree(answer, children, base_url, tz, 0)
    general = roots.get(None, [])
    if general:
        lines += ["## General discussion", ""]
        for comment in general:
            lines += _tree(comment, children, base_url, tz, 0)
    return "\n".join(lines).rstrip() + "\n"
