"""The team and rotation services, called directly: forming teams, the rotation, the CSV
flows (preview writes nothing, apply is idempotent) and per-week edits."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from core.access import seminar_access, week_access
from core.lib.csv_rows import MAX_CSV_BYTES, decode_upload
from core.models import Enrollment, Seminar, Week, WeekDuty
from teams import services
from teams.models import Team, TeamMembership
from tests.conftest import enroll, make_user, make_week


def team_of(user) -> str | None:
    membership = TeamMembership.objects.filter(user=user).select_related("team").first()
    return membership.team.name if membership else None


def duties(week: Week) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"lead": set(), "blog": set()}
    for email, kind in WeekDuty.objects.filter(week=week).values_list("user__email", "team"):
        found[kind].add(email)
    return found


def make_teams(seminar: Seminar, members: list, size: int) -> list[Team]:
    teams = []
    for index in range(0, len(members), size):
        team = Team.objects.create(
            seminar=seminar, name=f"T{index // size + 1}", position=index // size + 1
        )
        for user in members[index : index + size]:
            TeamMembership.objects.create(team=team, user=user)
        teams.append(team)
    return teams


# --- team CSV -------------------------------------------------------------------------


def test_team_csv_preview_names_each_invalid_row_and_writes_nothing(
    seminar, students, auditor, outsider
):
    a, b, c = students(3)
    text = (
        "team,email\n"
        f"Red,{a.email}\n"
        f"Blue,{b.email.upper()}\n"
        "Red,nobody@example.edu\n"
        f"Red,{auditor.email}\n"
        f"Red,{outsider.email}\n"
        f"Blue,{a.email}\n"
        ",x@example.edu\n"
        "Red,\n"
        f"Red,{c.email},extra\n"
    )
    preview = services.teams_from_csv_preview(seminar=seminar, text=text)

    assert [(ch.user, ch.team_name) for ch in preview.adds] == [(a, "Red"), (b, "Blue")]
    assert preview.new_teams == ["Red", "Blue"]
    reasons = {row.line: row.reason for row in preview.invalid}
    assert reasons == {
        4: "no account",
        5: "not enrolled as a student in this seminar",
        6: "not enrolled as a student in this seminar",
        7: f"duplicate: {a.email} is already on line 2",
        8: "the team name is missing",
        9: "the email is missing",
        10: "expected two columns: team,email",
    }
    assert not Team.objects.exists()
    assert not TeamMembership.objects.exists()


def test_team_csv_apply_creates_teams_and_reapplying_changes_nothing(seminar, students):
    a, b, c = students(3)
    text = f"team,email\nRed,{a.email}\nRed,{b.email}\nBlue,{c.email}\n"

    first = services.teams_from_csv_apply(seminar=seminar, text=text)
    second = services.teams_from_csv_apply(seminar=seminar, text=text)

    assert len(first.adds) == 3
    assert not second.has_changes
    assert len(second.unchanged) == 3
    assert list(Team.objects.filter(seminar=seminar).values_list("name", "position")) == [
        ("Red", 1),
        ("Blue", 2),
    ]
    assert (team_of(a), team_of(b), team_of(c)) == ("Red", "Red", "Blue")


def test_team_csv_moves_a_student_and_keeps_students_not_in_the_file(seminar, students):
    a, b = students(2)
    services.teams_from_csv_apply(seminar=seminar, text=f"Red,{a.email}\nRed,{b.email}\n")

    preview = services.teams_from_csv_apply(seminar=seminar, text=f"Blue,{a.email}\n")

    assert [(m.user, m.from_team, m.team_name) for m in preview.moves] == [(a, "Red", "Blue")]
    assert (team_of(a), team_of(b)) == ("Blue", "Red")


def test_team_csv_matches_an_existing_team_name_whatever_its_case(seminar, students):
    (a,) = students(1)
    Team.objects.create(seminar=seminar, name="Red", position=1)

    preview = services.teams_from_csv_apply(seminar=seminar, text=f"red,{a.email}\n")

    assert preview.new_teams == []
    assert team_of(a) == "Red"
    assert Team.objects.filter(seminar=seminar).count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('Red,"unclosed\nBlue,s00@example.edu\n', "not valid CSV"),
        ("Red\0,s00@example.edu\n", "NUL character"),
    ],
)
def test_team_csv_that_is_not_csv_is_refused(seminar, students, text, message):
    students(1)
    with pytest.raises(ValidationError, match=message):
        services.teams_from_csv_preview(seminar=seminar, text=text)


def test_uploads_that_are_not_utf8_text_or_too_large_are_refused():
    with pytest.raises(ValidationError, match="not UTF-8"):
        decode_upload("Équipe,é@example.edu".encode("latin-1"))
    with pytest.raises(ValidationError, match="too large"):
        decode_upload(b"x" * (MAX_CSV_BYTES + 1))
    assert decode_upload("\ufeffteam,email\n".encode()) == "team,email\n"


# --- random balanced teams ------------------------------------------------------------


def test_generated_teams_are_balanced_and_place_every_student_once(seminar, students, auditor):
    class_list = students(23)

    teams = services.teams_generate(seminar=seminar, count=5, seed=7)

    sizes = sorted(team.memberships.count() for team in teams)
    assert sizes == [4, 4, 5, 5, 5]
    placed = Counter(TeamMembership.objects.filter(seminar=seminar).values_list("user", flat=True))
    assert set(placed) == {u.pk for u in class_list}
    assert set(placed.values()) == {1}
    assert [t.name for t in teams] == [f"Team {n}" for n in range(1, 6)]


def test_generated_teams_are_the_same_for_the_same_seed(seminar, students):
    students(12)

    def layout() -> set[frozenset[int]]:
        teams = services.teams_generate(seminar=seminar, count=3, seed=42)
        return {frozenset(t.memberships.values_list("user", flat=True)) for t in teams}

    assert layout() == layout()


def test_generating_fewer_teams_keeps_the_first_names_and_drops_the_rest(seminar, students):
    students(6)
    for position, name in enumerate(["Ada", "Bayes", "Curie"], start=1):
        Team.objects.create(seminar=seminar, name=name, position=position)

    teams = services.teams_generate(seminar=seminar, count=2, seed=1)

    assert [t.name for t in teams] == ["Ada", "Bayes"]
    assert list(Team.objects.filter(seminar=seminar).values_list("name", flat=True)) == [
        "Ada",
        "Bayes",
    ]


@pytest.mark.parametrize("count", [0, 4])
def test_generating_an_impossible_number_of_teams_is_refused(seminar, students, count):
    students(3)
    with pytest.raises(ValidationError):
        services.teams_generate(seminar=seminar, count=count)
    assert not Team.objects.exists()


# --- rotation -------------------------------------------------------------------------


@pytest.fixture
def six_teams(seminar, students) -> list[Team]:
    return make_teams(seminar, students(12), size=2)


def test_rotation_blog_team_is_lead_team_plus_offset(seminar, six_teams):
    weeks = [make_week(seminar, number=n) for n in range(1, 9)]

    summary = services.rotation_generate(seminar=seminar, blog_offset=3)

    assert summary.weeks_assigned == 8
    for index, row in enumerate(summary.rows):
        assert row.lead == six_teams[index % 6]
        assert row.blog == six_teams[(index + 3) % 6]
    members = {t: {m.user.email for m in t.memberships.all()} for t in six_teams}
    assert duties(weeks[0]) == {"lead": members[six_teams[0]], "blog": members[six_teams[3]]}
    assert duties(weeks[7]) == {"lead": members[six_teams[1]], "blog": members[six_teams[4]]}


def test_rotation_skips_staff_run_weeks_without_losing_a_turn(seminar, six_teams, students):
    make_week(seminar, number=1)
    staff_week = make_week(seminar, number=2, staff_run=True)
    make_week(seminar, number=3)
    WeekDuty.objects.create(week=staff_week, user=students(1)[0], team=WeekDuty.Team.BLOG)

    rows = services.rotation_generate(seminar=seminar).rows

    assert [(r.lead, r.blog) for r in rows] == [
        (six_teams[0], six_teams[3]),
        (None, None),
        (six_teams[1], six_teams[4]),
    ]
    # The staff-run week keeps what staff put there by hand.
    assert WeekDuty.objects.filter(week=staff_week).count() == 1


def test_regenerating_the_rotation_changes_nothing(seminar, six_teams):
    for n in range(1, 4):
        make_week(seminar, number=n)
    services.rotation_generate(seminar=seminar)
    before = set(WeekDuty.objects.values_list("week", "user", "team"))

    services.rotation_generate(seminar=seminar)

    assert set(WeekDuty.objects.values_list("week", "user", "team")) == before


def test_regenerating_with_another_offset_replaces_the_assignments(seminar, six_teams):
    week = make_week(seminar, number=1)
    services.rotation_generate(seminar=seminar, blog_offset=3)

    services.rotation_generate(seminar=seminar, blog_offset=1)

    blog = {m.user.email for m in six_teams[1].memberships.all()}
    assert duties(week)["blog"] == blog


def test_rotation_plan_writes_nothing(seminar, six_teams):
    make_week(seminar, number=1)
    services.rotation_plan(seminar=seminar)
    assert not WeekDuty.objects.exists()


@pytest.mark.parametrize(("team_count", "offset"), [(1, 3), (3, 3), (2, 0)])
def test_rotation_refuses_plans_where_a_team_would_lead_and_blog(
    seminar, students, team_count, offset
):
    make_teams(seminar, students(team_count * 2), size=2)
    make_week(seminar, number=1)
    with pytest.raises(ValidationError):
        services.rotation_generate(seminar=seminar, blog_offset=offset)
    assert not WeekDuty.objects.exists()


# --- rotation CSV ---------------------------------------------------------------------


def test_rotation_csv_preview_then_apply_then_reapply(seminar, students, outsider):
    a, b, c, d = students(4)
    make_week(seminar, number=1)
    make_week(seminar, number=2)
    text = (
        "week_slug,lead_emails,blog_emails\n"
        f"week1,{a.email}; {b.email},{c.email}\n"
        f"week2,{c.email},{d.email};{a.email}\n"
        f"week9,{a.email},{b.email}\n"
        f"week1,{d.email},\n"
        f"week2,{outsider.email},{a.email};{a.email}\n"
    )
    preview = services.rotation_preview_csv(seminar=seminar, text=text)

    assert [(r.week.slug, r.changed) for r in preview.rows] == [("week1", True), ("week2", True)]
    assert {row.line: row.reason for row in preview.invalid} == {
        4: "no week 'week9' in this seminar",
        5: "duplicate: week week1 is already on line 2",
        6: (
            "duplicate: week week2 is already on line 3; "
            "outsider@example.edu: not enrolled as a student in this seminar"
        ),
    }
    assert not WeekDuty.objects.exists()

    services.rotation_apply_csv(seminar=seminar, text=text)
    again = services.rotation_apply_csv(seminar=seminar, text=text)

    week1, week2 = Week.objects.order_by("number")
    assert duties(week1) == {"lead": {a.email, b.email}, "blog": {c.email}}
    assert duties(week2) == {"lead": {c.email}, "blog": {d.email, a.email}}
    assert not again.has_changes


def test_rotation_csv_row_naming_someone_to_lead_and_blog_is_invalid(seminar, students):
    (a,) = students(1)
    make_week(seminar, number=1)

    preview = services.rotation_preview_csv(seminar=seminar, text=f"week1,{a.email},{a.email}\n")

    assert preview.rows == []
    assert [row.reason for row in preview.invalid] == [f"{a.email} cannot both lead and blog"]


def test_rotation_csv_replaces_only_the_weeks_it_names(seminar, six_teams, students):
    make_week(seminar, number=1)
    week2 = make_week(seminar, number=2)
    services.rotation_generate(seminar=seminar)
    week2_before = duties(week2)
    (a,) = students(1)

    services.rotation_apply_csv(seminar=seminar, text=f"week1,{a.email},\n")

    assert duties(Week.objects.get(number=1)) == {"lead": {a.email}, "blog": set()}
    assert duties(week2) == week2_before


# --- per-week edits -------------------------------------------------------------------


@pytest.fixture
def rotated_week(seminar, six_teams) -> Week:
    week = make_week(seminar, number=1)
    services.rotation_generate(seminar=seminar)  # T1 leads, T4 blogs
    return week


def test_swapping_the_lead_team_replaces_only_the_lead_team(rotated_week, six_teams):
    blog_before = duties(rotated_week)["blog"]

    services.week_team_swap(week=rotated_week, team_kind="lead", team=six_teams[1])

    lead = {m.user.email for m in six_teams[1].memberships.all()}
    assert duties(rotated_week) == {"lead": lead, "blog": blog_before}


def test_swapping_in_the_blogging_team_as_lead_is_refused(rotated_week, six_teams):
    before = duties(rotated_week)
    with pytest.raises(ValidationError, match="Already on this week's other team"):
        services.week_team_swap(week=rotated_week, team_kind="lead", team=six_teams[3])
    assert duties(rotated_week) == before


def test_swapping_in_a_team_of_another_seminar_is_refused(rotated_week):
    other = Seminar.objects.create(title="Other", slug="other")
    team = Team.objects.create(seminar=other, name="Elsewhere")
    with pytest.raises(ValidationError, match="this week's seminar"):
        services.week_team_swap(week=rotated_week, team_kind="blog", team=team)


def test_adding_and_removing_one_person_for_one_week(seminar, rotated_week, students):
    (extra,) = students(1)
    week2 = make_week(seminar, number=2)
    services.rotation_generate(seminar=seminar)
    week2_before = duties(week2)

    services.week_team_add(week=rotated_week, user=extra, team_kind="blog")
    assert extra.email in duties(rotated_week)["blog"]
    services.week_team_add(week=rotated_week, user=extra, team_kind="blog")  # no-op
    assert WeekDuty.objects.filter(week=rotated_week, user=extra).count() == 1

    assert services.week_team_remove(week=rotated_week, user=extra) is True
    assert services.week_team_remove(week=rotated_week, user=extra) is False
    assert extra.email not in duties(rotated_week)["blog"]
    assert duties(week2) == week2_before


def test_adding_a_lead_to_the_blogging_team_is_refused(rotated_week, six_teams):
    lead = six_teams[0].memberships.first().user
    with pytest.raises(ValidationError, match="remove them there first"):
        services.week_team_add(week=rotated_week, user=lead, team_kind="blog")


@pytest.mark.parametrize("role", [Enrollment.Role.AUDITOR, Enrollment.Role.STAFF])
def test_adding_someone_who_is_not_a_student_is_refused(seminar, rotated_week, role):
    user = enroll(make_user(f"{role}@example.org"), seminar, role)
    with pytest.raises(ValidationError, match="not enrolled as a student"):
        services.week_team_add(week=rotated_week, user=user, team_kind="lead")


def test_unknown_team_kind_is_refused(rotated_week, student):
    with pytest.raises(ValidationError, match="Unknown team kind"):
        services.week_team_add(week=rotated_week, user=student, team_kind="chair")


# --- exemption ------------------------------------------------------------------------


def test_a_student_on_a_team_of_a_week_is_exempt_that_week_only(seminar, rotated_week, six_teams):
    week2 = make_week(seminar, number=2)
    lead = six_teams[0].memberships.first().user
    blogger = six_teams[3].memberships.first().user
    bystander = six_teams[2].memberships.first().user

    def exempt(user, week) -> bool:
        return week_access(seminar_access(user, seminar), week).is_exempt

    assert exempt(lead, rotated_week)
    assert exempt(blogger, rotated_week)
    assert not exempt(bystander, rotated_week)
    assert not exempt(lead, week2)

    services.week_team_remove(week=rotated_week, user=lead)
    assert not exempt(lead, rotated_week)
