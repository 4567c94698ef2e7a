"""The seminar's home (its weeks) and the week page (readings, questions, discussion)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from blog import selectors as blog_selectors
from core import display
from core.access import SeminarAccess, WeekAccess, seminar_view, week_view, weeks_visible
from core.display import numbered_required, optional_groups
from core.lib.conditional import private_page
from core.lib.markdown import render_markdown
from core.lib.page_store import by_site, stored_page
from core.lib.splice import render_spliced
from core.models import Question, QuestionSection, Reading, Week, WeekDuty
from discussions.selectors import week_discussion_context
from discussions.unread import unread_by_week
from leads import selectors as lead_selectors
from notifications.status import staff_email_warning
from participation import selectors as participation_selectors
from participation.loading import PageComments
from teams.selectors import WeekTeams, week_teams


@dataclass(frozen=True)
class WeekRow:
    week: Week
    deadline: display.Deadline | None
    new: int = 0  # comments new for the viewer (discussions/unread.py)


@require_safe
@login_not_required  # public seminars are readable logged out; the decorator checks
@seminar_view()
def seminar_home(request: HttpRequest, access: SeminarAccess) -> HttpResponse:
    now = timezone.now()
    sections = QuestionSection.objects.only("id", "week_id", "deadline", "reveal_policy")
    weeks = weeks_visible(access).prefetch_related(Prefetch("sections", queryset=sections))
    rows = []
    for week in weeks:
        week.seminar = access.seminar
        deadlines = [s.deadline for s in week.sections.all() if s.deadline]
        deadlines += [week.deadline] if week.deadline else []
        state = display.week_state(week, deadlines, now, access.tz)
        rows.append(WeekRow(week=week, deadline=state))
    unread = unread_by_week(access, [row.week for row in rows])
    rows = [replace(row, new=unread.get(row.week.pk, 0)) for row in rows]
    context = {
        "access": access,
        "seminar": access.seminar,
        "current_seminar": access.seminar,
        "description_html": render_markdown(access.seminar.description),
        "rows": rows,
        **participation_selectors.term_summary(access, [row.week for row in rows]),
    }
    context.update(blog_selectors.blog_home_context(access))
    context.update(lead_selectors.seminar_home_context(access))
    context["email_warning"] = staff_email_warning(access.is_staff)
    return render(request, "weeks/seminar_home.html", context)


@require_safe
@private_page  # gzip, Cache-Control, ETag and 304 (core/lib/conditional.py)
@login_not_required  # public seminars are readable logged out; the decorator checks
@week_view()
@stored_page  # a repeat view: the page as assembled before (core/lib/page_store.py)
def week_detail(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    context = discussion_page_context(request, access)
    context.update(blog_selectors.week_blog_context(access))
    return render_spliced(request, "weeks/week_detail.html", context)


def discussion_page_context(request: HttpRequest, access: WeekAccess) -> dict[str, Any]:
    """What the week page and a question's page both show: the week, the viewer's
    participation and the discussion (sorted as asked), reading the questions and duties once."""
    context = week_page_context(access, request)
    questions = page_questions(context)
    context.update(
        week_discussion_context(
            access,
            sort=request.GET.get("sort", ""),
            questions=questions,
            teams=page_duties(context),
        )
    )
    # The student's posts as the discussion shows them: its comments, not another query.
    comments = context["discussion"].comments.values()
    page = PageComments(comments, {q.pk: q.section_id for q in questions})
    context.update(participation_selectors.week_page_status(access, context["sections"], page=page))
    return context


@require_safe
@week_view()
def participation_box(request: HttpRequest, access: WeekAccess) -> HttpResponse:
    """The student's participation box alone, for the week page to refresh it in place
    after a post (discussions, a layer below participation, cannot render it: it says
    "comment-posted" in an HX-Trigger header and the box asks here)."""
    context: dict[str, Any] = {"access": access, "week": access.week, "box_only": True}
    context.update(participation_selectors.week_page_status(access))
    return render(request, "participation/_week_status.html", context)


@require_safe
@login_not_required  # public seminars are readable logged out; the decorator checks
@week_view()
@stored_page  # as the week page (core/lib/page_store.py)
def question_detail(request: HttpRequest, access: WeekAccess, question_id: int) -> HttpResponse:
    """One question with its thread, on a page of its own: a link to share, and where a
    post without JavaScript comes back to. The week page's reads, one thread shown."""
    context = discussion_page_context(request, access)
    discussion = context["discussion"]
    thread = next((t for t in discussion.threads.values() if t.question.pk == question_id), None)
    if thread is None:
        raise Http404("No such question")
    discussion.focus = thread
    context.update(question=thread.question, thread=thread)
    return render_spliced(request, "weeks/question_detail.html", context)


def page_questions(context: dict[str, Any]) -> list[Question]:
    """The week's questions as the page read them (sections in order, each question's
    `section` set by the prefetch): the discussion's threads, without reading them again."""
    return [q for section in context["sections"] for q in section.question_list]


def page_duties(context: dict[str, Any]) -> dict[int, str]:
    """The week's duties (user id -> "lead" or "blog") from the teams the page read."""
    teams = context["week_teams"]
    lead, blog = WeekDuty.Team.LEAD.value, WeekDuty.Team.BLOG.value
    return {u.pk: lead for u in teams.lead_people} | {u.pk: blog for u in teams.blog_people}


@dataclass(frozen=True)
class WeekStructure:
    """What the week page reads of the week outside its discussion, shared by the requests
    of one value of the `site` counter (core.lib.page_store.by_site): never changed."""

    required_readings: list[tuple[int, Reading]]
    optional_groups: list[tuple[str, list[Reading]]]
    sections: list[QuestionSection]  # each with its questions prefetched
    teams: WeekTeams


def week_structure(week: Week) -> WeekStructure:
    readings = list(week.readings.all())
    sections = list(
        week.sections.select_related("reading").prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position"))
        )
    )
    for section in sections:
        for question in section.questions.all():  # the index's; copied with each question
            question.first_words = display.first_words(question.body_html)  # type: ignore[attr-defined]
    return WeekStructure(
        numbered_required(readings), optional_groups(readings), sections, week_teams(week)
    )


def request_sections(week: Week, shared: list[QuestionSection], now: Any, tz: Any) -> list[Any]:
    """This request's copies of the shared sections and their questions, with what the
    page reads set on them: the week (effective deadlines read it without a query), the
    questions (weeks/_question_section.html; the editor's preview sets its own), and the
    section's own deadline as the viewer's zone writes it."""
    sections = []
    for shared_section in shared:
        section: Any = copy.copy(shared_section)
        section.week = week
        section.question_list = [copy.copy(q) for q in shared_section.questions.all()]
        for question in section.question_list:
            question.section = section
        section.own_deadline = (
            display.deadline_for(week, section.deadline, now, tz)
            if section.deadline and section.deadline != week.deadline
            else None
        )
        sections.append(section)
    return sections


def week_page_context(access: WeekAccess, request: HttpRequest | None = None) -> dict[str, Any]:
    """Everything the week page shows, in a fixed number of queries whatever its size; the
    week's structure read once per value of the `site` counter when `request` was read
    through a stored page (core/lib/page_store.py)."""
    week = access.week
    now = timezone.now()
    if request is None:
        structure = week_structure(week)
    else:
        structure = by_site(("week-structure", week.pk), lambda: week_structure(week))
    sections = request_sections(week, structure.sections, now, access.tz)
    teams = structure.teams
    return {
        "access": access,
        "week": week,
        "seminar": week.seminar,
        "current_seminar": week.seminar,
        "required_readings": structure.required_readings,
        "optional_groups": structure.optional_groups,
        "sections": sections,
        "rule": display.posting_rule(week, sections, now, access.tz),
        "week_teams": teams,
        "lead_team": [user.name for user in teams.lead_people],
        "blog_team": [user.name for user in teams.blog_people],
        "can_edit_week": access.can_edit_week(None),  # the week editor's link
        "publish_at": (
            display.deadline_for(week, week.publish_at, now, access.tz) if week.publish_at else None
        ),
    }
