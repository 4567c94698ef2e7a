"""`manage.py seed_demo`: the demo seminar a new user logs into."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.models import (
    Enrollment,
    PostingState,
    Question,
    QuestionSection,
    Reading,
    Seminar,
    Week,
    WeekDuty,
)
from demo.weeks import DEFAULT_PASSWORD, build_demo
from discussions.models import Comment, Flag, ModerationAction
from leads.brief import week_brief

pytestmark = pytest.mark.django_db
DEMO_EMAILS = {
    "staff@example.edu",
    "lead@example.edu",
    "blogger@example.edu",
    *(f"student{n}@example.edu" for n in range(1, 13)),
}
MODELS = (Seminar, User, EmailAddress, Enrollment, Week, Reading, QuestionSection, Question,
          WeekDuty, Comment, ModerationAction, Flag)  # fmt: skip


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo():
    return build_demo(DEFAULT_PASSWORD)


def test_demo_seminar_is_enrolled_only_with_the_seminar_timezone(demo):
    seminar = Seminar.objects.get(slug="demo")
    assert seminar.visibility == Seminar.Visibility.ENROLLED
    assert seminar.timezone == "America/New_York"
    assert seminar.title.startswith("Demo: ")


def test_open_week_is_the_seed_week_imported_with_the_deadline_a_few_days_ahead(demo):
    week = demo.weeks["open"]
    assert (week.slug, week.title, week.status) == ("week2", "Week 2: Alignment", "published")
    required = week.readings.filter(kind=Reading.Kind.REQUIRED)
    assert list(required.values_list("number", flat=True)) == [1, 2, 4, 5]
    optional = week.readings.filter(kind=Reading.Kind.OPTIONAL)
    assert sorted(set(optional.values_list("group", flat=True))) == [
        "Adversarial Attacks / Jailbreaking",
        "Alignment Readings",
        "Background / Motivation",
    ]
    assert [s.questions.count() for s in week.sections.all()] == [4, 4]
    assert timezone.now() + dt.timedelta(days=2) < week.deadline
    assert week.deadline < timezone.now() + dt.timedelta(days=6)
    local = week.deadline.astimezone(demo.seminar.tz)
    assert (local.hour, local.minute) == (17, 29)
    assert week.class_date == local.date() + dt.timedelta(days=1)
    assert week.posting_state() == PostingState.OPEN


def test_open_week_text_states_the_moved_deadline_day(demo):
    week = demo.weeks["open"]
    local = week.deadline.astimezone(demo.seminar.tz)
    assert f"{local:%A, %B} {local.day}" in week.discussion_intro
    assert "September 3" not in week.discussion_intro


def test_closed_week_is_published_with_its_deadline_passed(demo):
    week = demo.weeks["closed"]
    assert week.status == Week.Status.PUBLISHED
    assert week.deadline < week.cutoff < timezone.now()
    assert week.posting_state() == PostingState.CLOSED
    assert week.number < demo.weeks["open"].number


def test_draft_week_has_sections_with_their_own_day_deadlines(demo):
    week = demo.weeks["draft"]
    assert week.status == Week.Status.DRAFT
    monday, wednesday = week.sections.all()
    assert (monday.day_label, wednesday.day_label) == ("Monday", "Wednesday")
    assert monday.deadline < wednesday.deadline <= week.deadline


def test_other_weeks_have_real_readings_with_abstracts_and_questions(demo):
    for key in ("closed", "draft"):
        week = demo.weeks[key]
        assert week.readings.filter(kind=Reading.Kind.REQUIRED).count() >= 3
        assert week.readings.exclude(abstract="").count() >= 3
        assert Question.objects.filter(section__week=week).count() >= 6
        text = " ".join(week.readings.values_list("abstract", flat=True)) + week.intro
        assert "lorem" not in text.lower()
        assert week.intro_html  # rendered through the markdown renderer on save


def test_every_demo_account_is_enrolled_with_a_verified_primary_address(demo):
    users = User.objects.filter(email__in=DEMO_EMAILS)
    assert users.count() == len(DEMO_EMAILS)
    for user in users:
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()
        role = Enrollment.objects.get(user=user, seminar=demo.seminar).role
        expected = "staff" if user.email == "staff@example.edu" else "student"
        assert role == expected
        assert user.check_password(DEFAULT_PASSWORD)


def test_staff_is_admin_staff_but_not_superuser_and_manages_the_demo_seminars_weeks(demo, client):
    """Their rights come from being staff of the seminar, not from global permissions."""
    staff = User.objects.get(email="staff@example.edu")
    assert staff.is_staff and not staff.is_superuser
    assert not staff.get_all_permissions()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/weeks/week/").status_code == 200
    draft = demo.weeks["draft"]
    assert client.get(f"/admin/weeks/week/{draft.pk}/change/").status_code == 200
    # The seminar's page carries its reminder timing and participation rule for them too.
    page = client.get(f"/admin/weeks/seminar/{demo.seminar.pk}/change/").content.decode()
    assert "participation rule" in page.lower()
    assert "notification_settings-TOTAL_FORMS" in page


def test_students_are_not_admin_staff(demo):
    assert not User.objects.filter(email__startswith="student", is_staff=True).exists()


def test_lead_and_blogger_are_on_the_open_weeks_teams(demo):
    week = demo.weeks["open"]
    teams = dict(week.week_duties.values_list("user__email", "team"))
    assert teams["lead@example.edu"] == "lead"
    assert teams["blogger@example.edu"] == "blog"
    assert "student1@example.edu" not in teams  # student1 owes posts in the open week


# --- The demo's fixed teams and rotation (teams/demo.py) -------------------------------------


def team_people(week: Week, kind: str) -> set[str]:
    return set(week.week_duties.filter(team=kind).values_list("user__email", flat=True))


def members_of(name: str) -> set[str]:
    from teams.models import TeamMembership

    memberships = TeamMembership.objects.filter(team__seminar__slug="demo", team__name=name)
    return set(memberships.values_list("user__email", flat=True))


def test_demo_has_four_named_teams_covering_every_student(demo):
    from teams.models import Team, TeamMembership

    names = list(Team.objects.filter(seminar=demo.seminar).values_list("name", flat=True))
    assert names == ["Lovelace", "Turing", "Hopper", "Shannon"]
    students = Enrollment.objects.filter(seminar=demo.seminar, role=Enrollment.Role.STUDENT)
    in_teams = TeamMembership.objects.filter(seminar=demo.seminar)
    assert in_teams.count() == students.count() == 14
    assert "lead@example.edu" in members_of("Turing")
    assert "blogger@example.edu" in members_of("Lovelace")


def test_every_demo_week_has_a_whole_team_leading_and_another_blogging(demo):
    rotation = {"closed": ("Lovelace", "Shannon"), "open": ("Turing", "Lovelace"),
                "draft": ("Hopper", "Turing")}  # fmt: skip
    for key, (lead_team, blog_team) in rotation.items():
        week = demo.weeks[key]
        assert team_people(week, "lead") == members_of(lead_team), key
        assert team_people(week, "blog") == members_of(blog_team), key


def test_the_draft_weeks_leads_can_prepare_it(demo, client):
    draft = demo.weeks["draft"]
    lead = draft.week_duties.filter(team="lead").order_by("user__email").first().user
    client.force_login(lead)
    home = client.get(demo.seminar.get_absolute_url()).content.decode()
    assert f"Prepare week {draft.number}" in home
    assert client.get(f"{draft.get_absolute_url()}prepare/").status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_demo_teams_survive_a_rerun_unchanged(demo):
    from teams.models import Team, TeamMembership

    before = (
        set(TeamMembership.objects.values_list("team__name", "user__email")),
        set(WeekDuty.objects.values_list("week_id", "user__email", "team")),
        Team.objects.count(),
    )
    build_demo(DEFAULT_PASSWORD)
    after = (
        set(TeamMembership.objects.values_list("team__name", "user__email")),
        set(WeekDuty.objects.values_list("week_id", "user__email", "team")),
        Team.objects.count(),
    )
    assert after == before


def test_running_twice_duplicates_nothing_and_keeps_the_same_rows(demo):
    before = row_counts()
    week_ids = {key: week.pk for key, week in demo.weeks.items()}
    again = build_demo(DEFAULT_PASSWORD)
    assert row_counts() == before
    assert {key: week.pk for key, week in again.weeks.items()} == week_ids


def test_a_later_run_moves_the_deadlines_forward(demo):
    later = timezone.now() + dt.timedelta(days=30)
    summary = build_demo(DEFAULT_PASSWORD, now=later)
    week = summary.weeks["open"]
    assert later < week.deadline < later + dt.timedelta(days=6)
    local = week.deadline.astimezone(summary.seminar.tz)
    assert f"{local:%A, %B} {local.day}" in week.discussion_intro
    assert summary.weeks["closed"].deadline < later


def test_command_sets_the_password_and_prints_the_logins(client):
    out = StringIO()
    call_command("seed_demo", "--password", "another-demo-pass", stdout=out)
    output = out.getvalue()
    assert "'another-demo-pass'" in output
    for email in DEMO_EMAILS:
        assert email in output
    assert client.login(email="student1@example.edu", password="another-demo-pass")
    call_command("seed_demo", stdout=StringIO())
    assert client.login(email="student1@example.edu", password=DEFAULT_PASSWORD)


def test_command_refuses_an_empty_password():
    with pytest.raises(CommandError, match="password"):
        call_command("seed_demo", "--password", " ", stdout=StringIO())
    assert not Seminar.objects.filter(slug="demo").exists()


def test_student_sees_the_open_week_but_not_the_draft(demo, client):
    client.force_login(User.objects.get(email="student1@example.edu"))
    assert client.get(demo.weeks["open"].get_absolute_url()).status_code == 200
    assert client.get(demo.weeks["draft"].get_absolute_url()).status_code == 404


def test_staff_sees_the_draft_week_with_its_banner(demo, client):
    client.force_login(User.objects.get(email="staff@example.edu"))
    response = client.get(demo.weeks["draft"].get_absolute_url())
    assert response.status_code == 200
    assert "Draft" in response.content.decode()


def test_anonymous_visitors_cannot_see_the_demo_seminar(demo, client):
    response = client.get(demo.seminar.get_absolute_url())
    assert response.status_code in (302, 404)


# --- The demo discussion (discussions/demo.py) --------------------------------------------


def test_open_week_has_answers_to_most_questions_by_many_students(demo):
    week = demo.weeks["open"]
    answers = Comment.objects.filter(week=week, question__isnull=False, parent__isnull=True)
    answered = set(answers.values_list("question__number", flat=True))
    assert len(answered) >= 6
    authors = set(answers.values_list("author__email", flat=True))
    assert len(authors & {s.email for s in demo.students}) >= 10
    for body in Comment.objects.filter(week=week).values_list("body", flat=True):
        assert len(body.split()) >= 30 and "lorem" not in body.lower()


def test_open_week_has_replies_a_reply_to_a_reply_and_general_comments(demo):
    week = demo.weeks["open"]
    replies = Comment.objects.filter(week=week, parent__isnull=False)
    assert replies.count() >= 5
    assert replies.filter(depth=2).exists()
    assert all(r.question_id == r.parent.question_id for r in replies)
    general = Comment.objects.filter(week=week, question__isnull=True, parent__isnull=True)
    assert general.count() >= 2
    assert general.filter(author=demo.lead, is_pinned=True).exists()


def test_open_week_has_one_hidden_comment_with_a_reason_and_one_endorsed_answer(demo):
    week = demo.weeks["open"]
    hidden = Comment.objects.get(week=week, is_hidden=True)
    assert hidden.hidden_by == demo.lead and "jailbreak" in hidden.hidden_reason
    endorsed = Comment.objects.get(week=week, is_endorsed=True)
    assert endorsed.is_answer and endorsed.endorsed_by == demo.lead
    actions = set(ModerationAction.objects.filter(week=week).values_list("action", flat=True))
    assert {"hide", "endorse", "pin", "credit"} <= actions


def test_the_open_weeks_lead_brief_shows_real_figures(demo, client):
    """Posts new in the last day, answers waiting for a reply, student1 among those who
    have not answered section 1 yet, and the one open flag a classmate raised."""
    brief = week_brief(demo.weeks["open"])

    assert brief.totals["answers"] >= 20 and brief.totals["new"] > 0
    assert brief.without_reply
    student1 = User.objects.get(email="student1@example.edu")
    assert student1 in brief.not_answered[0].students
    assert [flag.reason[:8] for flag in brief.flags] == ["The part"]
    client.force_login(demo.lead)
    page = client.get(f"{demo.weeks['open'].get_absolute_url()}brief/").content.decode()
    assert "Open flags (1)" in page


def test_open_week_posts_are_spread_over_the_last_two_days_and_none_late(demo):
    week = demo.weeks["open"]
    times = list(Comment.objects.filter(week=week).values_list("created_at", flat=True))
    assert min(times) > timezone.now() - dt.timedelta(days=2)
    assert max(times) < timezone.now()
    assert not Comment.objects.filter(week=week, is_late=True).exists()


def test_closed_week_has_a_few_comments_and_one_late_post(demo):
    week = demo.weeks["closed"]
    assert Comment.objects.filter(week=week).count() >= 4
    late = Comment.objects.get(week=week, is_late=True)
    assert week.deadline < late.created_at < week.cutoff


def test_student1_has_not_answered_question_1_of_the_open_week(demo):
    question = Question.objects.get(section__week=demo.weeks["open"], number="1")
    student1 = User.objects.get(email="student1@example.edu")
    assert question.comments.exclude(author=student1).exists()
    assert not question.comments.filter(author=student1).exists()


def test_demo_discussion_survives_a_rerun_with_the_students_own_posts(demo):
    week = demo.weeks["open"]
    student1 = User.objects.get(email="student1@example.edu")
    question = Question.objects.get(section__week=week, number="1")
    mine = Comment.objects.create(week=week, question=question, author=student1, body="Mine.")
    edited = Comment.objects.filter(week=week, author=demo.students[1]).first()
    Comment.objects.filter(pk=edited.pk).update(body="Edited in the demo.")
    before = row_counts()
    build_demo(DEFAULT_PASSWORD)
    assert row_counts() == before
    assert Comment.objects.filter(pk=mine.pk).exists()
    assert Comment.objects.get(pk=edited.pk).body == "Edited in the demo."


def test_student1_sees_the_discussion_with_the_hidden_comment_withheld(demo, client):
    client.force_login(User.objects.get(email="student1@example.edu"))
    page = client.get(demo.weeks["open"].get_absolute_url()).content.decode()
    assert "Camila Reyes" in page and "endorsed" in page
    assert "Hidden by a moderator." in page
    assert "pasted in full here" not in page


def test_some_demo_people_give_pronouns_and_the_week_page_shows_them(demo, client):
    members = User.objects.filter(enrollments__seminar=demo.seminar)
    assert 0 < members.exclude(pronouns="").count() < members.count()
    authors = set(
        Comment.objects.filter(week=demo.weeks["open"]).values_list("author__pronouns", flat=True)
    )
    assert "they/them" in authors
    client.force_login(demo.staff)
    page = client.get(demo.weeks["open"].get_absolute_url()).content.decode()
    assert '<span class="pronouns">(they/them)</span>' in page


def test_demo_staff_see_only_the_demo_seminar_in_the_admin(demo, client):
    other = Seminar.objects.create(title="Another department's seminar", slug="elsewhere")
    hidden = Week.objects.create(seminar=other, number=1, slug="w1", title="Hidden week")
    client.force_login(User.objects.get(email="staff@example.edu"))
    weeks = client.get("/admin/weeks/week/").content.decode()
    assert demo.weeks["draft"].title in weeks
    assert "Hidden week" not in weeks and "Another department" not in weeks
    assert client.get(f"/admin/weeks/week/{hidden.pk}/change/").status_code == 302
    assert client.get(f"/admin/weeks/seminar/{other.pk}/change/").status_code == 302


def test_reseeding_takes_global_permissions_from_the_old_staff_group(demo):
    from django.contrib.auth.models import Group, Permission

    from demo.weeks import STAFF_GROUP

    group = Group.objects.get(name=STAFF_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="weeks"))
    build_demo()
    assert not group.permissions.exists()
    assert not User.objects.get(email="staff@example.edu").get_all_permissions()


def test_for_you_shows_the_demos_replies_to_their_authors_once_and_mails_nobody(demo, client):
    from notifications.models import Notice  # this test alone reads the notices

    week = demo.weeks["open"]
    replies = Comment.objects.filter(week=week, parent__isnull=False, deleted_at__isnull=True)
    reply = replies.exclude(author=F("parent__author")).exclude(is_hidden=True).first()
    assert reply is not None
    author = reply.parent.author
    assert Notice.objects.filter(recipient=author, comment=reply).count() == 1
    assert not Notice.objects.filter(email_due=True).exists()
    client.force_login(author)
    page = client.get("/notifications/").content.decode()
    assert f"{reply.author.name} replied to your comment" in page

    before = Notice.objects.count()
    build_demo(DEFAULT_PASSWORD)  # seeding again adds no notice
    assert Notice.objects.count() == before
