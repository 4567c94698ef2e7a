"""Loading what the weekly rule reads, for many weeks and students, in a few queries.

`load_weeks` gives each week its sections, its teams, the students' extensions and
overrides, and their live visible posts; participation.status computes over it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from core.lib.page_store import by_site
from core.models import Extension, QuestionSection, Seminar, Week, WeekDuty
from discussions.models import Comment
from participation.models import Alternatives, SeminarRule, StatusOverride, WeekRule


class PageComments(NamedTuple):
    """One week's comments as its page read them (discussions/page_cache.py), and each
    question's section: the week page's posts come from them, not from another query."""

    comments: Iterable[Comment]
    section_of: dict[int, int]  # question id -> section id


class Post(NamedTuple):
    """One live, visible comment, as the rule sees it."""

    id: int
    author_id: int
    section_id: int | None  # the answered question's section (answers and replies)
    is_answer: bool
    is_reply: bool
    credited: bool
    created_at: dt.datetime


@dataclass
class WeekData:
    week: Week
    sections: list[QuestionSection] = field(default_factory=list)
    alternatives: str = Alternatives.BOTH
    teams: dict[int, str] = field(default_factory=dict)
    extensions: dict[int, Extension] = field(default_factory=dict)
    overrides: dict[int, StatusOverride] = field(default_factory=dict)
    posts: dict[int, list[Post]] = field(default_factory=lambda: defaultdict(list))


def seminar_rule(seminar: Seminar) -> SeminarRule:
    """The seminar's rule (an unsaved default when staff never set one)."""
    rule = SeminarRule.objects.filter(seminar_id=seminar.pk).first()
    return rule or SeminarRule(seminar=seminar)


def load_weeks(
    weeks: Sequence[Week],
    *,
    user_ids: Iterable[int] | None = None,
    sections: Iterable[QuestionSection] | None = None,
    teams: dict[int, dict[int, str]] | None = None,
    page: PageComments | None = None,
) -> dict[int, WeekData]:
    """Everything the rule needs for these weeks (of one seminar), in at most 7 queries.

    `sections` (already loaded, of these weeks) and `teams` ({week_id: {user_id: team}})
    save their queries when the caller has them. For a few users (`user_ids`), one probe
    says whether any extension or override exists before loading them; the rules are only
    read when a credited reply or comment is among the posts.
    """
    data = {w.pk: WeekData(week=w) for w in weeks}
    if not data:
        return data
    users = None if user_ids is None else list(user_ids)
    _attach_sections(data, sections)
    has_extensions, has_overrides = _load_teams(data, users, teams)
    _load_exceptions(data, users, extensions=has_extensions, overrides=has_overrides)
    credited = _load_posts(data, users) if page is None else _page_posts(data, users, page)
    if credited:  # only credited alternatives make the rule's choice matter
        _load_alternatives(data, weeks[0].seminar)
    return data


def _only_users(qs: QuerySet[Any], users: list[int] | None, column: str = "user_id") -> Any:
    return qs if users is None else qs.filter(**{f"{column}__in": users})


def _attach_sections(data: dict[int, WeekData], sections: Iterable[QuestionSection] | None) -> None:
    if sections is None:
        sections = QuestionSection.objects.filter(week_id__in=list(data)).order_by(
            "week_id", "position"
        )
    for section in sections:
        section.week = data[section.week_id].week
        data[section.week_id].sections.append(section)


def _load_teams(
    data: dict[int, WeekData],
    users: list[int] | None,
    teams: dict[int, dict[int, str]] | None,
) -> tuple[bool, bool]:
    """Each week's duties; whether any extension and any override may exist."""
    has_extensions = has_overrides = True
    if users is not None and len(users) == 1:
        has_extensions, has_overrides = _probe_one_student(data, users[0], fill=teams is None)
    elif teams is None:
        members = _only_users(WeekDuty.objects.filter(week_id__in=list(data)), users)
        for week_id, user_id, team in members.values_list("week_id", "user_id", "team"):
            data[week_id].teams[user_id] = team
    for week_id, week_teams in (teams or {}).items():
        data[week_id].teams.update(week_teams)
    return has_extensions, has_overrides


def _probe_one_student(data: dict[int, WeekData], uid: int, *, fill: bool) -> tuple[bool, bool]:
    """One student: their team, and whether they have an extension or an override, for
    every week in one query (the common case is neither)."""
    week_ids = sorted(data)

    def probe() -> tuple[tuple[int, str | None, bool, bool], ...]:
        rows = Week.objects.filter(pk__in=week_ids).annotate(
            my_team=Subquery(
                WeekDuty.objects.filter(week=OuterRef("pk"), user_id=uid).values("team")[:1]
            ),
            has_extension=Exists(Extension.objects.filter(week=OuterRef("pk"), user_id=uid)),
            has_override=Exists(StatusOverride.objects.filter(week=OuterRef("pk"), user_id=uid)),
        )
        return tuple(rows.values_list("pk", "my_team", "has_extension", "has_override"))

    # Duties, extensions and overrides are outside the discussion: kept while `site` stays.
    probed = by_site(("participation-probe", tuple(week_ids), uid), probe)
    for week_id, team, _, _ in probed:
        if team and fill:
            data[week_id].teams[uid] = team
    return any(row[2] for row in probed), any(row[3] for row in probed)


def _load_exceptions(
    data: dict[int, WeekData], users: list[int] | None, *, extensions: bool, overrides: bool
) -> None:
    ids = list(data)
    if extensions:
        for extension in _only_users(Extension.objects.filter(week_id__in=ids), users):
            data[extension.week_id].extensions[extension.user_id] = extension
    if overrides:
        rows = _only_users(StatusOverride.objects.filter(week_id__in=ids), users)
        for override in rows.select_related("set_by").order_by("set_at", "id"):
            data[override.week_id].overrides[override.user_id] = override  # newest wins


def _load_posts(data: dict[int, WeekData], users: list[int] | None) -> bool:
    """Each student's live, visible posts; True when a credited alternative is among them."""
    comments = _only_users(
        Comment.objects.public().filter(week_id__in=list(data)),
        users,
        "author_id",
    ).order_by("created_at", "id")
    rows = comments.values_list(
        "id",
        "week_id",
        "author_id",
        "question__section_id",
        "question_id",
        "parent_id",
        "credited_substantive",
        "created_at",
    )
    any_credited = False
    for pk, week_id, author_id, section_id, question_id, parent_id, credited, created in rows:
        post = _post(pk, author_id, section_id, question_id, parent_id, credited, created)
        any_credited = any_credited or (credited and not post.is_answer)
        data[week_id].posts[author_id].append(post)
    return any_credited


def _page_posts(data: dict[int, WeekData], users: list[int] | None, page: PageComments) -> bool:
    """As _load_posts, for the one week of `data`, from the comments its page read."""
    (item,) = data.values()
    live = [c for c in page.comments if c.is_public and (users is None or c.author_id in users)]
    any_credited = False
    for c in sorted(live, key=lambda c: (c.created_at, c.pk)):
        section_id = page.section_of.get(c.question_id) if c.question_id is not None else None
        post = _post(
            c.pk, c.author_id, section_id, c.question_id, c.parent_id,
            c.credited_substantive, c.created_at,
        )  # fmt: skip
        any_credited = any_credited or (post.credited and not post.is_answer)
        item.posts[c.author_id].append(post)
    return any_credited


def _post(
    pk: int, author_id: int, section_id: int | None, question_id: int | None,
    parent_id: int | None, credited: bool, created: dt.datetime,
) -> Post:  # fmt: skip
    return Post(
        id=pk,
        author_id=author_id,
        section_id=section_id,
        is_answer=question_id is not None and parent_id is None,
        is_reply=parent_id is not None,
        credited=credited,
        created_at=created,
    )


def _load_alternatives(data: dict[int, WeekData], seminar: Seminar) -> None:
    default = seminar_rule(seminar).alternatives
    week_rules = dict(
        WeekRule.objects.filter(week_id__in=list(data))
        .exclude(alternatives="")
        .values_list("week_id", "alternatives")
    )
    for week_id, item in data.items():
        item.alternatives = week_rules.get(week_id, default)
