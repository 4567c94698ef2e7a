"""Who has met the weekly rule: the one place that computes participation.

Public API (other apps rely on it — keep the signatures):

- `week_statuses(week, *, now=None) -> dict[user_id, StudentWeekStatus]` for everyone
  enrolled in the week's seminar (staff and auditors come back exempt);
- `students_owing(week, *, section=None, now=None) -> list[User]`: enrolled students, not
  exempt, still owing a post (for `section`: still owing that section);
- `effective_deadline(week, user, section=None)`: the deadline that applies to this
  student (their extension moves it; never earlier than the class's). The rule itself is
  core.posting's posting window: this only loads the student's extension first.

`statuses_for(weeks, ...)` computes many weeks × students in a fixed number of queries
(about eight, whatever the number of weeks, students or comments); everything else here is
pure computation over what it loaded.

The rule: each question section asks for `required_answers` answers (top-level answers to
its questions). Each reply or general comment credited as substantive — as far as the
week's rule allows that kind — stands in for one missing answer. Hidden and deleted
comments count for nothing. An answer is on time when posted by its section's deadline
(the student's own, with an extension); an alternative is on time for a section when
posted by that section's deadline. The state is:

- exempt: this week's lead or blogging team, staff, auditors;
- met: everything required, on time;
- met_late: everything required, some of it late;
- not_yet: something still owed and none of its deadlines passed;
- missed: something still owed whose deadline passed.

Staff may override the state (the newest `StatusOverride` wins).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from core.display import number_word
from core.exemption import exempt_reason
from core.models import Enrollment, Extension, QuestionSection, Seminar, Week
from core.posting import extension_for, posting_window, student_deadline
from core.timefmt import format_time
from participation.loading import PageComments, Post, WeekData, load_weeks
from participation.models import Alternatives, State, StatusOverride

OWING = (State.NOT_YET, State.MISSED)  # the states of someone who still owes posts


@dataclass
class SectionCount:
    """One section of one student's week: required, answered, covered by alternatives."""

    section: QuestionSection
    index: int  # 1-based, as the rule names it ("section 2")
    required: int
    deadline: dt.datetime | None
    answered: int = 0
    answered_on_time: int = 0
    covered: int = 0  # missing answers stood in for by credited alternatives

    @property
    def owed(self) -> int:
        return max(0, self.required - self.answered - self.covered)

    @property
    def is_done(self) -> bool:
        return self.owed == 0

    @property
    def label(self) -> str:
        label = f"section {self.index}"
        return f"{label} ({self.section.day_label})" if self.section.day_label else label


@dataclass
class StudentWeekStatus:
    week: Week
    user_id: int
    state: str
    computed_state: str
    exempt_reason: str = ""
    sections: list[SectionCount] = field(default_factory=list)
    alternatives: int = 0  # credited alternatives the rule accepts this week
    alternatives_used: int = 0
    posts: list[Post] = field(default_factory=list)
    deadline: dt.datetime | None = None  # the student's week deadline
    cutoff: dt.datetime | None = None
    extension: Extension | None = None
    override: StatusOverride | None = None
    now: dt.datetime | None = None

    @property
    def label(self) -> str:
        return State(self.state).label

    @property
    def is_exempt(self) -> bool:
        return self.state == State.EXEMPT

    @property
    def owes(self) -> bool:
        return self.state in OWING

    @property
    def required_sections(self) -> list[SectionCount]:
        return [s for s in self.sections if s.required > 0]

    @property
    def owed_counts(self) -> list[SectionCount]:
        return [s for s in self.sections if s.owed > 0]

    @property
    def owed_sections(self) -> list[QuestionSection]:
        return [s.section for s in self.owed_counts]

    @property
    def sections_done(self) -> int:
        return sum(1 for s in self.required_sections if s.is_done)

    @property
    def answers(self) -> int:
        return sum(1 for p in self.posts if p.is_answer)

    @property
    def progress(self) -> str:
        """`1 of 2 sections answered`."""
        total = len(self.required_sections)
        if total == 0:
            return "No answers required"
        noun = "section" if total == 1 else "sections"
        return f"{self.sections_done} of {total} {noun} answered"

    @property
    def todo(self) -> str:
        """`answer one question in section 2 by Sun 5:29 pm`, grouped by deadline."""
        groups: dict[dt.datetime | None, list[str]] = {}
        for count in self.owed_counts:
            more = " more" if count.answered + count.covered else ""
            noun = "question" if count.owed == 1 else "questions"
            groups.setdefault(count.deadline, []).append(
                f"{number_word(count.owed)}{more} {noun} in {count.label}"
            )
        parts = []
        for when, items in sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or 0)):
            text = " and ".join(items)
            if when is not None:
                passed = self.now is not None and when <= self.now
                text += f" {'(due' if passed else 'by'} {short_time(when, self.week)}"
                text += ")" if passed else ""
            parts.append(text)
        return ("answer " + "; ".join(parts)) if parts else ""

    @property
    def summary(self) -> str:
        """The sentence a student reads on the week page."""
        if self.state == State.EXEMPT:
            return f"Exempt this week: {self.exempt_reason or 'set by staff'}."
        if self.override is not None and self.override.state:
            return f"{self.label} (set by staff)."
        credited = ""
        if self.alternatives_used:
            n = self.alternatives_used
            credited = f", {n} by a credited {'post' if n == 1 else 'posts'}"
        if self.state == State.MET:
            return f"Done: {self.progress}{credited}."
        if self.state == State.MET_LATE:
            return f"Done, late: {self.progress}{credited}."
        if self.state == State.MISSED:
            return f"Missed: {self.progress}{credited} — {self.todo}."
        return f"{self.progress}{credited} — {self.todo}."


def short_time(when: dt.datetime, week: Week) -> str:
    """`Sun 3 Sep, 5:29 pm EDT` (core.timefmt) in the zone being rendered: the viewer's on
    pages (core.access.decorators), the recipient's in emails."""
    return format_time(when, timezone.get_current_timezone())


# --- Deadlines ---------------------------------------------------------------------------


def effective_deadline(
    week: Week, user: User, section: QuestionSection | None = None
) -> dt.datetime | None:
    """The deadline this student works to for the week (or one section of it): core.posting's
    window with the student's extension (one query for it)."""
    return student_deadline(week, section, extension_for(week, user))


def enrolled_roles(seminar: Seminar, user_ids: Iterable[int] | None = None) -> dict[int, str]:
    enrollments = Enrollment.objects.filter(seminar_id=seminar.pk)
    if user_ids is not None:
        enrollments = enrollments.filter(user_id__in=list(user_ids))
    return dict(enrollments.values_list("user_id", "role"))


# --- The rule ------------------------------------------------------------------------------


def counts_as_alternative(post: Post, alternatives: str) -> bool:
    if not post.credited or post.is_answer:
        return False
    if post.is_reply:
        return alternatives in (Alternatives.BOTH, Alternatives.REPLIES)
    return alternatives in (Alternatives.BOTH, Alternatives.GENERAL)


def compute(item: WeekData, user_id: int, role: str | None, now: dt.datetime) -> StudentWeekStatus:
    """One student's status for one week, from loaded data (no queries)."""
    week = item.week
    extension = item.extensions.get(user_id)
    override = item.overrides.get(user_id)
    if override is not None and not override.state:
        override = None  # cleared
    posts = item.posts.get(user_id, [])
    window = posting_window(week, extension=extension)  # the student's week deadline
    status = StudentWeekStatus(
        week=week,
        user_id=user_id,
        state=State.EXEMPT,
        computed_state=State.EXEMPT,
        posts=posts,
        deadline=window.deadline,
        cutoff=window.cutoff,
        extension=extension,
        override=override,
        now=now,
    )
    reason = exempt_reason(role, item.teams.get(user_id))
    if reason is not None:
        status.exempt_reason = reason
    else:
        status.computed_state = evaluate(status, item, now)
    status.state = override.state if override is not None else status.computed_state
    return status


def evaluate(status: StudentWeekStatus, item: WeekData, now: dt.datetime) -> str:
    week, extension = item.week, status.extension
    counts = []
    by_section: dict[int, SectionCount] = {}
    for index, section in enumerate(item.sections, start=1):
        count = SectionCount(
            section=section,
            index=index,
            required=section.required_answers,
            deadline=student_deadline(week, section, extension),
        )
        counts.append(count)
        by_section[section.pk] = count
    alternatives = []
    for post in status.posts:
        if post.is_answer and post.section_id in by_section:
            count = by_section[post.section_id]
            count.answered += 1
            if count.deadline is None or post.created_at <= count.deadline:
                count.answered_on_time += 1
        elif counts_as_alternative(post, item.alternatives):
            alternatives.append(post.created_at)
    status.sections = counts
    status.alternatives = len(alternatives)

    # Alternatives fill missing answers, earliest deadline first.
    order = sorted(
        (c for c in counts if c.required), key=lambda c: (c.deadline is None, c.deadline or now)
    )
    spare = len(alternatives)
    for count in order:
        use = min(spare, max(0, count.required - count.answered))
        count.covered, spare = use, spare - use
    status.alternatives_used = len(alternatives) - spare
    if any(c.owed for c in counts):
        passed = any(c.deadline is not None and c.deadline <= now for c in counts if c.owed)
        return State.MISSED if passed else State.NOT_YET

    # Met: on time if every missing on-time answer has an alternative posted in time.
    available = sorted(alternatives)
    used = 0
    for count in order:
        for _ in range(max(0, count.required - count.answered_on_time)):
            if used < len(available) and (
                count.deadline is None or available[used] <= count.deadline
            ):
                used += 1
            else:
                return State.MET_LATE
    return State.MET


def statuses_for(
    weeks: Sequence[Week],
    *,
    user_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
    students_only: bool = False,
    roles: dict[int, str] | None = None,
    sections: Sequence[QuestionSection] | None = None,
    teams: dict[int, dict[int, str]] | None = None,
    page: PageComments | None = None,
) -> dict[tuple[int, int], StudentWeekStatus]:
    """{(week_id, user_id): status} for weeks of one seminar and its enrolled users.

    `roles` ({user_id: Enrollment.Role}) saves the enrollment query when the caller knows;
    `page` (one week) the posts' query, from the comments the week page read.
    """
    if not weeks:
        return {}
    now = now or timezone.now()
    ids = None if user_ids is None else list(user_ids)
    if roles is None:
        roles = enrolled_roles(weeks[0].seminar, ids)
    if students_only:
        roles = {u: r for u, r in roles.items() if r == Enrollment.Role.STUDENT}
    data = load_weeks(weeks, user_ids=ids, sections=sections, teams=teams, page=page)
    result = {}
    for week_id, item in data.items():
        for user_id, role in roles.items():
            result[(week_id, user_id)] = compute(item, user_id, role, now)
    return result


# --- The promised API ----------------------------------------------------------------------


def week_statuses(week: Week, *, now: dt.datetime | None = None) -> dict[int, StudentWeekStatus]:
    """{user_id: status} for everyone enrolled in the week's seminar."""
    statuses = statuses_for([week], now=now)
    return {user_id: status for (_, user_id), status in statuses.items()}


def students_owing(
    week: Week, *, section: QuestionSection | None = None, now: dt.datetime | None = None
) -> list[User]:
    """Enrolled students, not exempt, who still owe a post this week (or in `section`)."""
    owing = []
    for user_id, status in week_statuses(week, now=now).items():
        if not status.owes:
            continue
        if section is not None and section.pk not in {s.pk for s in status.owed_sections}:
            continue
        owing.append(user_id)
    return list(User.objects.filter(pk__in=owing).order_by("email"))


def student_week_status(
    week: Week, user: User, *, role: str | None = None, now: dt.datetime | None = None
) -> StudentWeekStatus | None:
    """One user's status (None when not enrolled)."""
    statuses = statuses_for([week], user_ids=[user.pk], now=now)
    return statuses.get((week.pk, user.pk))
