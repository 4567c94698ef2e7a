"""The admin staff use to build and run weeks: pages, inlines, actions, time zones, access."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from core.models import Question, QuestionSection, Reading, Seminar, Week, WeekDuty
from teams.models import Team, TeamMembership
from tests.conftest import enroll, make_user, make_week
from tests.forms import admin_form_data

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def boss(db) -> User:
    return make_user("boss@example.edu", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, boss):
    client.force_login(boss)
    return client


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def week_form(seminar: Seminar, **fields: str) -> dict[str, str]:
    """POST data for the week add page with every inline empty."""
    data = {
        "seminar": str(seminar.pk),
        "number": "7",
        "title": "Week 7: Agents",
        "slug": "week7",
        "class_date": "2026-03-02",
        "status": Week.Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
        "deadline_0": "",
        "deadline_1": "",
        "cutoff_0": "",
        "cutoff_1": "",
        "late_policy": "",
        "intro": "",
        "discussion_intro": "",
        **management("readings"),
        **management("sections"),
        **management("week_duties"),
    }
    data.update(fields)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "admin:weeks_seminar_changelist",
        "admin:weeks_seminar_add",
        "admin:weeks_week_changelist",
        "admin:weeks_week_add",
        "admin:weeks_questionsection_changelist",
        "admin:weeks_questionsection_add",
        "admin:teams_team_changelist",
        "admin:teams_team_add",
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:weeks_week_import",
    ],
)
def test_staff_superuser_opens_each_list_and_add_page(admin_client, week, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_staff_superuser_opens_each_change_page(admin_client, week, student, boss):
    team = Team.objects.create(seminar=week.seminar, name="Team A")
    TeamMembership.objects.create(team=team, user=student)
    pages = [
        reverse("admin:weeks_seminar_change", args=[week.seminar_id]),
        reverse("admin:weeks_week_change", args=[week.pk]),
        reverse("admin:weeks_questionsection_change", args=[week.sections.first().pk]),
        reverse("admin:teams_team_change", args=[team.pk]),
        reverse("admin:accounts_user_change", args=[student.pk]),
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url


def test_changelists_search_and_filter(admin_client, week):
    url = reverse("admin:weeks_week_changelist")
    assert week.title in admin_client.get(url, {"q": "A paper"}).content.decode()  # reading
    assert "0 weeks" in admin_client.get(url, {"q": "nothing like this"}).content.decode()
    response = admin_client.get(
        url, {"status__exact": "published", "seminar__id__exact": week.seminar_id}
    )
    assert week.title in response.content.decode()
    seminars = admin_client.get(reverse("admin:weeks_seminar_changelist"), {"q": "llm"})
    assert "llm-risks" in seminars.content.decode()


def test_seminar_list_counts_its_weeks(admin_client, seminar):
    make_week(seminar, 1)
    make_week(seminar, 2)
    response = admin_client.get(reverse("admin:weeks_seminar_changelist"))
    assert '<td class="field-week_count">2</td>' in response.content.decode()


def test_week_list_shows_the_deadline_in_the_seminar_time_zone(admin_client, seminar):
    seminar.timezone = "Asia/Tokyo"
    seminar.save()
    make_week(seminar, deadline=dt.datetime(2026, 3, 1, 17, 0, tzinfo=TOKYO))
    response = admin_client.get(reverse("admin:weeks_week_changelist"))
    page = response.content.decode()
    assert "Sun 1 Mar" in page and "5:00 pm JST" in page


def test_non_staff_are_sent_to_the_admin_login(client, student, week):
    client.force_login(student)
    for url in (
        reverse("admin:weeks_week_changelist"),
        reverse("admin:weeks_week_change", args=[week.pk]),
        reverse("admin:weeks_week_import"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_anonymous_visitors_are_sent_to_log_in(client, week, settings):
    response = client.get(reverse("admin:weeks_week_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_admin_staff_who_are_staff_of_no_seminar_cannot_run_actions_or_import(
    client, seminar, week
):
    """is_staff lets one into the admin; only a staff enrolment gives rights there."""
    helper = enroll(make_user("helper@example.edu", is_staff=True), seminar)  # a student
    client.force_login(helper)
    assert client.get(reverse("admin:weeks_week_import")).status_code == 403
    assert client.get(reverse("admin:weeks_week_changelist")).status_code == 403
    response = client.post(
        reverse("admin:weeks_week_changelist"),
        {"action": "unpublish_action", "_selected_action": [week.pk]},
    )
    assert response.status_code == 403
    assert Week.objects.get(pk=week.pk).status == Week.Status.PUBLISHED


def test_staff_of_another_seminar_cannot_unpublish_this_seminars_weeks(client, week):
    other = Seminar.objects.create(title="Other", slug="other")
    teacher = enroll(make_user("teacher@example.edu", is_staff=True), other, "staff")
    client.force_login(teacher)
    run_action(client, "unpublish_action", week)
    assert Week.objects.get(pk=week.pk).status == Week.Status.PUBLISHED
    page = client.get(reverse("admin:weeks_week_change", args=[week.pk]))
    assert page.status_code == 302 and page["Location"] == reverse("admin:index")


def test_seminar_staff_build_and_publish_weeks_without_any_django_permission(
    client, staff, seminar
):
    """Seminar staff need not be superusers, nor hold Django permissions: being staff
    of the seminar gives them its weeks, teams and people in the admin."""
    assert not staff.user_permissions.exists() and not staff.groups.exists()
    client.force_login(staff)
    draft = make_week(seminar, status=Week.Status.DRAFT)
    for url in (
        reverse("admin:weeks_week_changelist"),
        reverse("admin:weeks_week_change", args=[draft.pk]),
        reverse("admin:weeks_week_import"),
        reverse("admin:weeks_seminar_change", args=[seminar.pk]),
    ):
        assert client.get(url).status_code == 200, url
    run_action(client, "publish_action", draft)
    run_action(client, "duplicate_action", draft)
    assert Week.objects.get(pk=draft.pk).status == Week.Status.PUBLISHED
    assert Week.objects.filter(slug="week1-copy", status=Week.Status.DRAFT).exists()
    suggestions = client.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "weeks", "model_name": "weekduty", "field_name": "user"},
    )
    assert suggestions.status_code == 200


# --- inlines ---------------------------------------------------------------------------


def test_adding_a_week_saves_its_readings_sections_and_teams(admin_client, seminar, student):
    data = week_form(
        seminar,
        **management("readings", total=2),
        **{
            "readings-0-position": "1",
            "readings-0-kind": "required",
            "readings-0-number": "1",
            "readings-0-title": "Constitutional AI",
            "readings-0-url": "https://arxiv.org/abs/2212.08073",
            "readings-0-citation": "Bai et al., 2022",
            "readings-1-position": "2",
            "readings-1-kind": "optional",
            "readings-1-group": "Background",
            "readings-1-title": "A blog post",
        },
        **management("sections", total=1),
        **{
            "sections-0-position": "0",
            "sections-0-title": "Questions about Constitutional AI",
            "sections-0-required_answers": "1",
            "sections-0-reveal_policy": "always",
            "sections-0-deadline_0": "",
            "sections-0-deadline_1": "",
        },
        **management("week_duties", total=1),
        **{"week_duties-0-team": "lead", "week_duties-0-user": str(student.pk)},
    )
    response = admin_client.post(reverse("admin:weeks_week_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    week = Week.objects.get(slug="week7")
    assert [r.title for r in week.readings.order_by("position")] == [
        "Constitutional AI",
        "A blog post",
    ]
    assert week.readings.get(position=1).citation_html.strip()
    assert week.sections.get().title == "Questions about Constitutional AI"
    assert list(week.week_duties.values_list("user__email", "team")) == [(student.email, "lead")]


def test_week_duties_must_be_students_of_the_seminar(admin_client, seminar, outsider, auditor):
    for intruder in (outsider, auditor):
        data = week_form(
            seminar,
            **management("week_duties", total=1),
            **{"week_duties-0-team": "blog", "week_duties-0-user": str(intruder.pk)},
        )
        response = admin_client.post(reverse("admin:weeks_week_add"), data)
        assert response.status_code == 200
        assert "Teams are made of students enrolled in this seminar." in response.content.decode()
    assert not Week.objects.filter(slug="week7").exists()


def test_week_duties_of_a_saved_week_are_checked_too(admin_client, week, outsider):
    url = reverse("admin:weeks_week_change", args=[week.pk])
    data = admin_form_data(admin_client, url)
    data.update(management("week_duties", total=1))
    data.update({"week_duties-0-team": "lead", "week_duties-0-user": str(outsider.pk)})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Teams are made of students enrolled in this seminar." in response.content.decode()
    assert not week.week_duties.exists()


def test_section_admin_saves_its_questions(admin_client, week):
    section = week.sections.order_by("position").first()
    url = reverse("admin:weeks_questionsection_change", args=[section.pk])
    data = admin_form_data(admin_client, url)
    total = int(data["questions-TOTAL_FORMS"])
    data["questions-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"questions-{total}-position": "9",
            f"questions-{total}-number": "5",
            f"questions-{total}-body": "What about **$x^2$**?",
        }
    )
    data["questions-0-body"] = "Edited question?"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    questions = list(section.questions.order_by("position"))
    assert [q.number for q in questions] == ["1", "2", "5"]
    assert questions[0].body == "Edited question?"
    assert "<strong>" in questions[2].body_html


def test_swapping_two_positions_in_one_save_works(admin_client, week):
    url = reverse("admin:weeks_week_change", args=[week.pk])
    data = admin_form_data(admin_client, url)
    assert (data["sections-0-position"], data["sections-1-position"]) == ("0", "1")
    data["sections-0-position"], data["sections-1-position"] = "1", "0"
    assert admin_client.post(url, data).status_code == 302
    titles = list(week.sections.order_by("position").values_list("title", flat=True))
    assert titles == ["Questions about section 2", "Questions about section 1"]


def test_two_rows_with_the_same_position_are_refused(admin_client, week):
    url = reverse("admin:weeks_week_change", args=[week.pk])
    data = admin_form_data(admin_client, url)
    data["sections-1-position"] = "0"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Please correct the duplicate" in response.content.decode()


def test_week_page_links_each_section_to_its_own_admin(admin_client, week):
    response = admin_client.get(reverse("admin:weeks_week_change", args=[week.pk]))
    for section in week.sections.all():
        assert reverse("admin:weeks_questionsection_change", args=[section.pk]) in (
            response.content.decode()
        )


def test_readings_inline_lists_required_readings_first(admin_client, week):
    Reading.objects.filter(week=week, title="A paper").update(position=3)
    Reading.objects.create(week=week, kind="optional", position=0, title="Optional first")
    response = admin_client.get(reverse("admin:weeks_week_change", args=[week.pk]))
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert [f.instance.title for f in forms] == ["A paper", "Optional first"]


def test_a_scheduled_week_needs_a_publish_time(admin_client, seminar):
    response = admin_client.post(
        reverse("admin:weeks_week_add"), week_form(seminar, status=Week.Status.SCHEDULED)
    )
    assert response.status_code == 200
    assert "A scheduled week needs a publish time." in response.content.decode()
    assert not Week.objects.filter(slug="week7").exists()


def test_week_change_page_queries_do_not_grow_with_rows(
    admin_client, seminar, django_assert_max_num_queries
):
    small = make_week(seminar, 1)
    big = make_week(seminar, 2)
    for position in range(1, 15):
        Reading.objects.create(week=big, position=position, title=f"Paper {position}")
    for position in range(2, 10):
        QuestionSection.objects.create(week=big, position=position, title=f"S{position}")
    for n in range(8):
        user = enroll(make_user(f"s{n}@example.edu"), seminar)
        WeekDuty.objects.create(week=big, user=user, team="lead" if n % 2 else "blog")
    user = enroll(make_user("one@example.edu"), seminar)
    WeekDuty.objects.create(week=small, user=user, team="lead")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        admin_client.get(reverse("admin:weeks_week_change", args=[small.pk]))
    with django_assert_max_num_queries(len(small_queries)):
        response = admin_client.get(reverse("admin:weeks_week_change", args=[big.pk]))
    assert response.status_code == 200


def test_seminar_change_page_queries_do_not_grow_with_enrollments(
    admin_client, seminar, django_assert_max_num_queries
):
    make_week(seminar, 1)
    enroll(make_user("first@example.edu"), seminar)
    url = reverse("admin:weeks_seminar_change", args=[seminar.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for n in range(12):
        enroll(make_user(f"s{n}@example.edu"), seminar)
        make_week(seminar, n + 2)
    with django_assert_max_num_queries(len(few)):
        assert admin_client.get(url).status_code == 200


# --- time zones ------------------------------------------------------------------------


@pytest.fixture
def tokyo(db) -> Seminar:
    return Seminar.objects.create(title="Tokyo seminar", slug="tokyo", timezone="Asia/Tokyo")


def test_week_times_are_typed_in_the_seminar_time_zone(admin_client, tokyo, settings):
    assert settings.TIME_ZONE != "Asia/Tokyo"
    data = week_form(
        tokyo,
        status=Week.Status.SCHEDULED,
        publish_at_0="2026-02-27",
        publish_at_1="09:00:00",
        deadline_0="2026-03-01",
        deadline_1="17:29:00",
        cutoff_0="2026-03-02",
        cutoff_1="08:00:00",
    )
    response = admin_client.post(reverse("admin:weeks_week_add"), data)
    assert response.status_code == 302
    week = Week.objects.get(slug="week7")
    assert week.deadline == dt.datetime(2026, 3, 1, 17, 29, tzinfo=TOKYO)
    assert week.deadline == dt.datetime(2026, 3, 1, 8, 29, tzinfo=dt.UTC)
    assert week.cutoff == dt.datetime(2026, 3, 2, 8, 0, tzinfo=TOKYO)
    assert week.publish_at == dt.datetime(2026, 2, 27, 9, 0, tzinfo=TOKYO)


def test_week_times_are_shown_in_the_seminar_time_zone(admin_client, tokyo):
    week = make_week(tokyo, deadline=dt.datetime(2026, 3, 1, 8, 29, tzinfo=dt.UTC))
    QuestionSection.objects.filter(week=week, position=1).update(
        deadline=dt.datetime(2026, 2, 28, 23, 0, tzinfo=TOKYO)
    )
    response = admin_client.get(reverse("admin:weeks_week_change", args=[week.pk]))
    html = response.content.decode()
    assert 'name="deadline_1" value="17:29:00"' in html
    assert 'name="sections-1-deadline_1" value="23:00:00"' in html
    assert "Entered and shown in the seminar&#x27;s time zone (Asia/Tokyo)." in html


def test_editing_a_week_keeps_its_times_in_the_seminar_time_zone(admin_client, tokyo):
    deadline = dt.datetime(2026, 3, 1, 17, 29, tzinfo=TOKYO)
    week = make_week(tokyo, deadline=deadline)
    url = reverse("admin:weeks_week_change", args=[week.pk])
    data = admin_form_data(admin_client, url)
    data["title"] = "Renamed"
    assert admin_client.post(url, data).status_code == 302
    week.refresh_from_db()
    assert (week.title, week.deadline) == ("Renamed", deadline)


def test_section_deadline_is_typed_in_the_seminar_time_zone(admin_client, tokyo):
    week = make_week(tokyo)
    section = week.sections.order_by("position").first()
    url = reverse("admin:weeks_questionsection_change", args=[section.pk])
    data = admin_form_data(admin_client, url)
    data.update({"deadline_0": "2026-03-01", "deadline_1": "20:00:00"})
    assert admin_client.post(url, data).status_code == 302
    section.refresh_from_db()
    assert section.deadline == dt.datetime(2026, 3, 1, 20, 0, tzinfo=TOKYO)


def test_add_page_preselects_the_seminar_and_its_time_zone(admin_client, tokyo):
    response = admin_client.get(reverse("admin:weeks_week_add"), {"seminar": tokyo.pk})
    assert response.context["adminform"].form.initial["seminar"] == str(tokyo.pk)
    assert "(Asia/Tokyo)" in response.content.decode()


def test_a_bad_seminar_parameter_falls_back_to_the_site_time_zone(admin_client, tokyo):
    response = admin_client.get(reverse("admin:weeks_week_add"), {"seminar": "nope"})
    assert response.status_code == 200
    assert "the chosen seminar&#x27;s time zone" in response.content.decode()


# --- actions ---------------------------------------------------------------------------


def run_action(client, action: str, *weeks: Week):
    return client.post(
        reverse("admin:weeks_week_changelist"),
        {"action": action, "_selected_action": [w.pk for w in weeks]},
        follow=True,
    )


def test_publish_action_publishes_drafts_and_says_how_many(admin_client, seminar):
    draft = make_week(seminar, 1, status=Week.Status.DRAFT)
    published = make_week(seminar, 2)
    response = run_action(admin_client, "publish_action", draft, published)
    draft.refresh_from_db()
    assert draft.status == Week.Status.PUBLISHED
    assert draft.published_at is not None
    texts = messages_of(response)
    assert "1 week published." in texts
    assert "1 week was already published: left as they were." in texts


def test_unpublish_action_returns_weeks_to_draft(admin_client, seminar):
    weeks = [make_week(seminar, 1), make_week(seminar, 2)]
    response = run_action(admin_client, "unpublish_action", *weeks)
    assert set(Week.objects.values_list("status", flat=True)) == {Week.Status.DRAFT}
    assert "2 weeks moved back to draft." in messages_of(response)


def test_publishing_through_the_status_field_stamps_and_announces_the_week(
    admin_client, seminar, student
):
    from notifications.models import OutboxEmail

    draft = make_week(seminar, 1, status=Week.Status.DRAFT)
    url = reverse("admin:weeks_week_change", args=[draft.pk])
    data = admin_form_data(admin_client, url)
    data["status"] = Week.Status.PUBLISHED
    assert admin_client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Week.Status.PUBLISHED
    assert draft.published_at is not None
    announcements = OutboxEmail.objects.filter(
        kind=OutboxEmail.Kind.ANNOUNCEMENT, recipient=student
    )
    assert announcements.count() == 1
    # Saving the published week again neither restamps it nor announces it again.
    stamped = draft.published_at
    assert admin_client.post(url, admin_form_data(admin_client, url)).status_code == 302
    draft.refresh_from_db()
    assert draft.published_at == stamped
    assert announcements.count() == 1
    # Back to draft through the field: no longer stamped as published.
    data = admin_form_data(admin_client, url)
    data["status"] = Week.Status.DRAFT
    assert admin_client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is None


def test_duplicate_action_creates_a_draft_copy(admin_client, week, lead):
    response = run_action(admin_client, "duplicate_action", week)
    copy = Week.objects.get(slug="week1-copy")
    assert copy.status == Week.Status.DRAFT
    assert copy.number == 2
    assert copy.readings.count() == week.readings.count()
    assert Question.objects.filter(section__week=copy).count() == 4
    assert not copy.week_duties.exists()
    [message] = messages_of(response)
    assert reverse("admin:weeks_week_change", args=[copy.pk]) in message


# --- users and teams -------------------------------------------------------------------


def test_user_admin_adds_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.edu",
            "display_name": "New Person",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.edu")
    assert user.check_password("a-long-enough-passphrase")
    assert user.display_name == "New Person"


def test_user_admin_refuses_an_email_taken_in_another_case(admin_client, student):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": student.email.upper(),
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 200
    assert "A user with this email address already exists." in response.content.decode()


def test_user_list_searches_by_email_and_name(admin_client, student, other_student):
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "Olive"})
    html = response.content.decode()
    assert other_student.email in html
    assert student.email not in html


def test_team_autocomplete_suggests_only_students_of_the_week_seminar(
    admin_client, week, student, auditor, outsider
):
    elsewhere = Seminar.objects.create(title="Other", slug="other")
    stranger = enroll(make_user("stranger@example.edu"), elsewhere)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "example", "app_label": "weeks", "model_name": "weekduty", "field_name": "user"},
        headers={"referer": reverse("admin:weeks_week_change", args=[week.pk])},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert student.pk in ids
    assert not ids & {auditor.pk, outsider.pk, stranger.pk}


def test_team_admin_adds_members_who_are_students(admin_client, seminar, student, outsider):
    team = Team.objects.create(seminar=seminar, name="Team A")
    url = reverse("admin:teams_team_change", args=[team.pk])
    data = admin_form_data(admin_client, url)
    data["memberships-0-user"] = str(outsider.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Teams are made of students enrolled in this seminar." in response.content.decode()
    data["memberships-0-user"] = str(student.pk)
    assert admin_client.post(url, data).status_code == 302
    assert list(team.memberships.values_list("user__email", flat=True)) == [student.email]


def test_seminar_change_page_links_to_its_roster_import(admin_client, week):
    page = admin_client.get(reverse("admin:weeks_seminar_change", args=[week.seminar_id]))
    roster_url = reverse("admin:accounts_roster_import", args=[week.seminar_id])
    assert f'href="{roster_url}"' in page.content.decode()
    assert admin_client.get(roster_url).status_code == 200
