"""The staff pages that form teams and write the rotation, over HTTP: they work for the
seminar's staff, refuse everyone else, reject the wrong method, and keep typed input."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Enrollment, Seminar, WeekDuty
from teams import services
from teams.models import Team, TeamMembership
from tests.conftest import enroll, make_user, make_week

SLUG = "llm-risks"


def url(name: str, **kwargs: object) -> str:
    return reverse(f"teams:{name}", kwargs={"seminar_slug": SLUG, **kwargs})


def last_message(response) -> str:
    """The message the response's view added (earlier ones may still be queued)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


@pytest.fixture
def team(seminar) -> Team:
    return Team.objects.create(seminar=seminar, name="Ada", position=1)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# Every staff page: (url name, extra kwargs, method).
STAFF_PAGES = [
    ("overview", {}, "get"),
    ("team_create", {}, "post"),
    ("generate", {}, "get"),
    ("generate", {}, "post"),
    ("import", {}, "get"),
    ("import", {}, "post"),
    ("import_apply", {}, "post"),
    ("team", {"team_id": None}, "get"),
    ("team", {"team_id": None}, "post"),
    ("team_delete", {"team_id": None}, "post"),
    ("member_add", {"team_id": None}, "post"),
    ("member_remove", {"team_id": None}, "post"),
    ("rotation", {}, "get"),
    ("rotation", {}, "post"),
    ("rotation_apply", {}, "post"),
    ("rotation_import", {}, "get"),
    ("rotation_import", {}, "post"),
    ("rotation_import_apply", {}, "post"),
    ("week", {"week_slug": "week1"}, "get"),
    ("week_swap", {"week_slug": "week1"}, "post"),
    ("week_add", {"week_slug": "week1"}, "post"),
    ("week_remove", {"week_slug": "week1"}, "post"),
]


def page_url(name: str, kwargs: dict, team: Team) -> str:
    return url(name, **{k: (team.pk if k == "team_id" else v) for k, v in kwargs.items()})


@pytest.mark.parametrize(("name", "kwargs", "method"), STAFF_PAGES)
@pytest.mark.parametrize(
    ("who", "status"), [("student", 403), ("auditor", 403), ("lead", 403), ("outsider", 404)]
)
def test_staff_pages_refuse_everyone_but_the_seminars_staff(
    client, request, team, week, name, kwargs, method, who, status
):
    client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(page_url(name, kwargs, team))
    assert response.status_code == status
    assert Team.objects.filter(pk=team.pk, name="Ada").exists()


@pytest.mark.parametrize(("name", "kwargs", "method"), STAFF_PAGES)
def test_staff_pages_send_visitors_to_log_in(client, team, week, name, kwargs, method):
    response = getattr(client, method)(page_url(name, kwargs, team))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_of_another_seminar_and_site_staff_are_refused(client, seminar, team):
    other = Seminar.objects.create(title="Other", slug="other")
    other_staff = enroll(make_user("ta@other.edu", is_staff=True), other, Enrollment.Role.STAFF)
    client.force_login(other_staff)
    assert client.get(url("overview")).status_code == 404
    seminar.visibility = Seminar.Visibility.PUBLIC
    seminar.save()
    assert client.get(url("overview")).status_code == 403


def test_a_superuser_may_manage_any_seminars_teams(client, team):
    client.force_login(make_user("root@example.edu", is_staff=True, is_superuser=True))
    assert client.get(url("overview")).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs", "method"),
    [(n, k, "get") for n, k, m in STAFF_PAGES if m == "post" and (n, k, "get") not in STAFF_PAGES]
    + [("overview", {}, "post"), ("week", {"week_slug": "week1"}, "post")],
)
def test_staff_pages_reject_the_wrong_method(staff_client, team, week, name, kwargs, method):
    response = getattr(staff_client, method)(page_url(name, kwargs, team))
    assert response.status_code == 405


def test_the_overview_lists_teams_members_and_students_in_no_team(
    staff_client, team, student, other_student
):
    services.team_member_add(team=team, user=student)

    response = staff_client.get(url("overview"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Teams of LLM Risks</h1>" in page
    team_section, unassigned = page.split('id="unassigned"')
    assert student.email in team_section and other_student.email not in team_section
    assert other_student.email in unassigned


def test_overview_queries_do_not_grow_with_teams(
    staff_client, seminar, students, django_assert_max_num_queries
):
    students(4)
    services.teams_generate(seminar=seminar, count=2, seed=1)
    students(1)
    with django_assert_max_num_queries(9):
        small = staff_client.get(url("overview"))
    students(30)
    services.teams_generate(seminar=seminar, count=8, seed=1)
    students(5)
    with django_assert_max_num_queries(9):
        large = staff_client.get(url("overview"))
    assert small.status_code == large.status_code == 200


# --- forming teams by hand ------------------------------------------------------------


def test_staff_create_rename_and_delete_a_team(staff_client, seminar):
    response = staff_client.post(url("team_create"), {"name": "  Bayes "})
    team = Team.objects.get(seminar=seminar)
    assert response.status_code == 302
    assert response["Location"] == url("team", team_id=team.pk)
    assert team.name == "Bayes"
    assert last_message(response) == "Created team Bayes."

    response = staff_client.post(url("team", team_id=team.pk), {"name": "Curie"})
    team.refresh_from_db()
    assert team.name == "Curie"
    assert last_message(response) == "Renamed team Bayes to Curie."

    response = staff_client.post(url("team_delete", team_id=team.pk))
    assert response["Location"] == url("overview")
    assert not Team.objects.exists()


def test_creating_a_team_with_a_taken_name_keeps_the_typed_name(staff_client, team):
    response = staff_client.post(url("team_create"), {"name": "ADA"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is already a team called" in page
    assert 'value="ADA"' in page
    assert Team.objects.count() == 1


def test_renaming_to_a_taken_name_is_refused_with_the_input_kept(staff_client, seminar, team):
    Team.objects.create(seminar=seminar, name="Bayes", position=2)
    response = staff_client.post(url("team", team_id=team.pk), {"name": "bayes"})
    page = response.content.decode()
    assert "There is already a team called" in page
    assert 'value="bayes"' in page
    assert "<h1>Team Ada</h1>" in page
    team.refresh_from_db()
    assert team.name == "Ada"


def test_staff_add_and_remove_a_member(staff_client, team, student):
    response = staff_client.post(url("member_add", team_id=team.pk), {"user": student.pk})
    assert response.status_code == 302
    assert TeamMembership.objects.filter(team=team, user=student).exists()
    assert last_message(response) == "Added Sam Student to Ada."

    page = staff_client.get(url("team", team_id=team.pk)).content.decode()
    assert student.email in page

    response = staff_client.post(url("member_remove", team_id=team.pk), {"user": student.pk})
    assert not TeamMembership.objects.exists()
    assert last_message(response) == "Removed Sam Student from Ada."


def test_adding_a_student_of_another_team_says_where_they_are(staff_client, seminar, team, student):
    other = Team.objects.create(seminar=seminar, name="Bayes", position=2)
    services.team_member_add(team=other, user=student)

    response = staff_client.post(url("member_add", team_id=team.pk), {"user": student.pk})

    assert response.status_code == 200
    assert "Already in Bayes; remove them there first." in response.content.decode()
    assert TeamMembership.objects.get(user=student).team == other


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_only_students_of_the_seminar_can_be_added(staff_client, request, team, who):
    user = request.getfixturevalue(who)
    response = staff_client.post(url("member_add", team_id=team.pk), {"user": user.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not TeamMembership.objects.exists()


def test_a_team_of_another_seminar_is_404(staff_client):
    other = Seminar.objects.create(title="Other", slug="other")
    foreign = Team.objects.create(seminar=other, name="Elsewhere")
    assert staff_client.get(url("team", team_id=foreign.pk)).status_code == 404
    assert staff_client.post(url("team_delete", team_id=foreign.pk)).status_code == 404
    assert Team.objects.filter(pk=foreign.pk).exists()


def test_generate_balanced_teams_from_the_form(staff_client, seminar, students):
    students(10)
    response = staff_client.post(url("generate"), {"count": "3", "seed": "5"})
    assert response.status_code == 302
    sizes = sorted(t.memberships.count() for t in Team.objects.filter(seminar=seminar))
    assert sizes == [3, 3, 4]
    assert last_message(response) == "Dealt the class at random into 3 teams."


def test_regenerating_teams_needs_the_replace_box(staff_client, seminar, students):
    students(6)
    services.teams_generate(seminar=seminar, count=2, seed=1)
    before = set(TeamMembership.objects.values_list("team", "user"))

    response = staff_client.post(url("generate"), {"count": "3", "seed": "9"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "tick this to replace them" in page
    assert 'value="3"' in page and 'value="9"' in page
    assert set(TeamMembership.objects.values_list("team", "user")) == before

    response = staff_client.post(url("generate"), {"count": "3", "replace": "on"})
    assert response.status_code == 302
    assert Team.objects.filter(seminar=seminar).count() == 3


def test_generating_more_teams_than_students_is_refused_with_a_reason(staff_client, students):
    students(2)
    response = staff_client.post(url("generate"), {"count": "5"})
    assert "5 teams need at least 5 students; the roster has 2." in response.content.decode()
    assert not Team.objects.exists()


# --- team CSV -------------------------------------------------------------------------


def test_team_csv_upload_previews_then_applies(staff_client, seminar, students):
    a, b = students(2)
    csv = f"team,email\nRed,{a.email}\nBlue,{b.email}\nRed,ghost@example.edu\n"
    upload = SimpleUploadedFile("teams.csv", csv.encode(), content_type="text/csv")

    response = staff_client.post(url("import"), {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 to add, 0 to move, 0 unchanged, 1 invalid" in page
    assert "ghost@example.edu" in page and "no account" in page
    assert not Team.objects.exists()

    text = csv
    digest = hashlib.sha256(text.encode()).hexdigest()
    response = staff_client.post(url("import_apply"), {"text": text, "digest": digest})
    assert response.status_code == 302
    assert (
        last_message(response)
        == "Teams imported: 2 added, 0 moved, 0 unchanged, 1 invalid row(s) skipped."
    )
    assert set(Team.objects.values_list("name", flat=True)) == {"Red", "Blue"}

    response = staff_client.post(url("import_apply"), {"text": text, "digest": digest})
    assert (
        last_message(response)
        == "Teams imported: 0 added, 0 moved, 2 unchanged, 1 invalid row(s) skipped."
    )


def test_pasted_csv_with_windows_line_endings_applies_after_its_preview(staff_client, students):
    (a,) = students(1)
    text = f"Red,{a.email}\r\n"
    preview = staff_client.post(url("import"), {"text": text}).content.decode()
    digest = preview.split('name="digest" value="')[1].split('"')[0]

    response = staff_client.post(url("import_apply"), {"text": text, "digest": digest})

    assert response.status_code == 302
    assert TeamMembership.objects.filter(user=a).exists()


def test_applying_a_csv_edited_after_its_preview_shows_a_new_preview(staff_client, students):
    a, b = students(2)
    digest = hashlib.sha256(f"Red,{a.email}\n".encode()).hexdigest()

    response = staff_client.post(
        url("import_apply"), {"text": f"Red,{a.email}\nBlue,{b.email}\n", "digest": digest}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The CSV changed since the preview" in page
    assert "2 to add" in page
    assert not TeamMembership.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  \n"}, "Choose a CSV file or paste its rows."),
        ({"file": SimpleUploadedFile("t.csv", "é".encode("latin-1"))}, "not UTF-8"),
        ({"text": 'Red,"unclosed\nBlue,x@example.edu'}, "not valid CSV"),
    ],
)
def test_bad_team_csv_is_refused_with_a_message(staff_client, data, message):
    response = staff_client.post(url("import"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<h1>Import teams from a CSV</h1>" in response.content.decode()


def test_refused_pasted_csv_keeps_the_text(staff_client):
    response = staff_client.post(url("import"), {"text": 'Red,"unclosed'})
    assert "Red,&quot;unclosed" in response.content.decode()


# --- rotation -------------------------------------------------------------------------


@pytest.fixture
def four_teams(seminar, students) -> list[Team]:
    students(12)
    services.teams_generate(seminar=seminar, count=4, seed=3)
    return list(Team.objects.filter(seminar=seminar))


def test_rotation_preview_marks_staff_run_weeks_and_writes_nothing(
    staff_client, seminar, four_teams
):
    make_week(seminar, number=1)
    make_week(seminar, number=2, staff_run=True)
    make_week(seminar, number=3)

    response = staff_client.post(url("rotation"), {"blog_offset": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Staff-run: skipped" in page
    assert "<td>Team 1</td><td>Team 2</td>" in page
    assert "<td>Team 2</td><td>Team 3</td>" in page
    assert 'name="blog_offset" value="1"' in page
    assert not WeekDuty.objects.exists()


def test_rotation_apply_writes_it_and_says_what_it_did(staff_client, seminar, four_teams):
    students_list = list(four_teams[0].memberships.values_list("user__email", flat=True))
    make_week(seminar, number=1)
    make_week(seminar, number=2, staff_run=True)

    response = staff_client.post(url("rotation_apply"), {"blog_offset": "3"})

    assert response["Location"] == url("rotation")
    assert (
        last_message(response)
        == "Rotation written: 1 week(s) assigned, 1 staff-run week(s) skipped."
    )
    leads = WeekDuty.objects.filter(team="lead").values_list("user__email", flat=True)
    assert sorted(leads) == sorted(students_list)
    page = staff_client.get(url("rotation")).content.decode()
    assert "Team 1" in page and "Team 4" in page


@pytest.mark.parametrize("target", ["rotation", "rotation_apply"])
def test_rotation_with_too_few_teams_says_so(staff_client, seminar, team, target):
    make_week(seminar, number=1)
    response = staff_client.post(url(target), {"blog_offset": "3"})
    assert response.status_code == 200
    assert "Form at least two teams" in response.content.decode()
    assert 'value="3"' in response.content.decode()


def test_rotation_offset_that_makes_a_team_blog_its_own_week_is_refused(
    staff_client, seminar, four_teams
):
    make_week(seminar, number=1)
    response = staff_client.post(url("rotation"), {"blog_offset": "4"})
    assert "pick an offset that is not a multiple" in response.content.decode()


def test_rotation_csv_previews_then_applies(staff_client, seminar, students):
    a, b, c = students(3)
    week = make_week(seminar, number=1)
    text = f"week_slug,lead_emails,blog_emails\nweek1,{a.email};{b.email},{c.email}\nweek7,,\n"

    preview = staff_client.post(url("rotation_import"), {"text": text}).content.decode()
    assert "1 week to change, 1 invalid row." in preview
    assert "no week &#x27;week7&#x27; in this seminar" in preview
    assert not WeekDuty.objects.exists()

    digest = hashlib.sha256(text.encode()).hexdigest()
    response = staff_client.post(url("rotation_import_apply"), {"text": text, "digest": digest})
    assert (
        last_message(response)
        == "Rotation imported: 1 week(s) changed, 0 unchanged, 1 invalid row(s) skipped."
    )
    assert WeekDuty.objects.filter(week=week).count() == 3


# --- one week's teams -----------------------------------------------------------------


@pytest.fixture
def rotated(seminar, four_teams):
    week = make_week(seminar, number=1)
    services.rotation_generate(seminar=seminar, blog_offset=1)  # Team 1 leads, Team 2 blogs
    return week


def test_week_page_shows_the_lead_and_blogging_teams(staff_client, rotated):
    page = staff_client.get(url("week", week_slug="week1")).content.decode()
    assert "<h1>Teams of Week 1</h1>" in page
    assert "Team 1" in page and "Team 2" in page


def test_swap_the_blogging_team_for_one_week(staff_client, rotated, four_teams):
    response = staff_client.post(
        url("week_swap", week_slug="week1"), {"team_kind": "blog", "team": four_teams[2].pk}
    )
    assert last_message(response) == "Team 3 now blogs Week 1."
    bloggers = set(WeekDuty.objects.filter(team="blog").values_list("user", flat=True))
    assert bloggers == set(four_teams[2].memberships.values_list("user", flat=True))


def test_swapping_in_the_lead_team_as_bloggers_is_refused_with_the_choice_kept(
    staff_client, rotated, four_teams
):
    response = staff_client.post(
        url("week_swap", week_slug="week1"), {"team_kind": "blog", "team": four_teams[0].pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Already on this week&#x27;s other team" in page
    assert f'<option value="{four_teams[0].pk}" selected>' in page


def test_add_and_remove_one_person_for_one_week(staff_client, seminar, rotated, four_teams):
    extra = four_teams[3].memberships.first().user
    response = staff_client.post(
        url("week_add", week_slug="week1"), {"team_kind": "lead", "user": extra.pk}
    )
    assert response.status_code == 302
    assert WeekDuty.objects.filter(week=rotated, user=extra, team="lead").exists()

    response = staff_client.post(url("week_remove", week_slug="week1"), {"user": extra.pk})
    assert not WeekDuty.objects.filter(week=rotated, user=extra).exists()
    assert last_message(response) == f"Removed {extra.name} from Week 1."


def test_adding_a_blogger_as_lead_is_refused_with_a_reason(staff_client, rotated, four_teams):
    blogger = four_teams[1].memberships.first().user
    response = staff_client.post(
        url("week_add", week_slug="week1"), {"team_kind": "lead", "user": blogger.pk}
    )
    assert response.status_code == 200
    assert "remove them there first" in response.content.decode()


def test_removing_someone_without_a_duty_changes_nothing(staff_client, rotated, student):
    before = WeekDuty.objects.count()
    response = staff_client.post(url("week_remove", week_slug="week1"), {"user": student.pk})
    assert last_message(response) == "That person has no duty in Week 1; nothing changed."
    assert WeekDuty.objects.count() == before


def test_draft_weeks_are_editable_by_staff_and_unknown_weeks_are_404(staff_client, seminar):
    make_week(seminar, number=4, status="draft")
    assert staff_client.get(url("week", week_slug="week4")).status_code == 200
    assert staff_client.get(url("week", week_slug="nope")).status_code == 404
