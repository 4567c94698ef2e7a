"""The structured week editor: forms for the week, its readings, sections and questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.importer import import_week_file
from core.lead_models import WeekReview
from core.models import Enrollment, Question, QuestionSection, Reading, Seminar, Week, WeekDuty
from demo.weeks import build_demo
from pages.week_editor_forms import week_data
from tests.conftest import PASSWORD, enroll, make_user, make_week
from tests.discussions.helpers import add_comment
from tests.weeks.test_lead_prepare import client_for, prepare_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seminar) -> Week:
    publish_at = timezone.now() + dt.timedelta(days=10)
    return make_week(seminar, number=3, status=Week.Status.DRAFT, publish_at=publish_at)


@pytest.fixture
def draft_lead(seminar, draft):
    user = enroll(make_user("drafter@example.edu", first_name="Dana"), seminar)
    WeekDuty.objects.create(week=draft, user=user, team=WeekDuty.Team.LEAD)
    return user


def saved_data(week: Week) -> dict[str, str]:
    """What the editor's forms send back untouched (the page renders exactly this)."""
    sections = list(week.sections.prefetch_related("questions").order_by("position"))
    return week_data(week, sections).dict()


def preview_url(week: Week) -> str:
    return reverse("weeks:lead_preview", args=[week.seminar.slug, week.slug])


def writes(queries) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(verbs) and "django_session" not in q["sql"]
    ]


def test_the_lead_opens_the_editor_with_the_week_as_forms(draft, draft_lead):
    response = client_for(draft_lead).get(prepare_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="week-title" value="Week 3"' in html
    assert 'name="readings-0-title" value="A paper"' in html
    assert "Question **1**?" in html  # the question's markdown, in its textarea
    assert "Download as week file" in html and "Import a week file" in html
    assert '<h4 class="question-title" id="question-' in html  # the saved week's preview


def test_opening_previewing_and_moving_write_nothing(draft, draft_lead):
    client = client_for(draft_lead)
    data = saved_data(draft)
    with CaptureQueriesContext(connection) as queries:
        client.get(prepare_url(draft))
        client.post(prepare_url(draft), {**data, "action": "preview"})
        client.post(preview_url(draft), data)
        client.post(prepare_url(draft), {**data, "op": "down:readings-0"})
        client.post(prepare_url(draft), {**data, "op": "add:sections"})
    assert writes(queries.captured_queries) == []


def test_saving_edits_rows_in_place_and_reorders(draft, draft_lead):
    before = list(Question.objects.filter(section__week=draft).values_list("pk", flat=True))
    data = saved_data(draft)
    data.update({"week-title": "Week 3: Oversight", "readings-0-citation": "Bowman, 2022."})
    data.update({"sections-0-order": "2", "sections-1-order": "1"})  # swap the sections
    data["sections-1-q-0-body"] = "Edited *question*?"
    response = client_for(draft_lead).post(prepare_url(draft), {**data, "action": "save"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Week 3: Oversight" and draft.status == Week.Status.DRAFT
    assert draft.readings.get().citation_html.strip() == "<p>Bowman, 2022.</p>"
    sections = list(draft.sections.order_by("position"))
    assert [s.title for s in sections] == [
        "Questions about section 2",
        "Questions about section 1",
    ]
    first = list(sections[0].questions.order_by("position"))
    assert (first[0].number, first[0].body_html.strip()) == (
        "1",
        "<p>Edited <em>question</em>?</p>",
    )
    after = set(Question.objects.filter(section__week=draft).values_list("pk", flat=True))
    assert after == set(before)  # the same rows: ids (and any answers) kept
    assert WeekReview.objects.get(week=draft).events.get().kind == "saved"


def test_adding_a_reading_keeps_what_was_typed_and_saves_nothing(draft, draft_lead):
    data = {**saved_data(draft), "week-title": "Typed title", "readings-0-title": "Typed"}
    response = client_for(draft_lead).post(prepare_url(draft), {**data, "op": "add:readings"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Typed title"' in html and 'name="readings-0-title" value="Typed"' in html
    assert 'name="readings-1-title"' in html and "errorlist" not in html
    assert Week.objects.get(pk=draft.pk).title == "Week 3"


def test_a_new_reading_section_and_questions_are_saved_in_order(draft, draft_lead):
    client = client_for(draft_lead)
    data = saved_data(draft)
    data.update(
        {"readings-TOTAL_FORMS": "2", "readings-1-title": "Second", "readings-1-order": "0"}
    )
    data.update({"readings-1-kind": "optional", "readings-1-url": "https://example.org/2"})
    data.update({"sections-TOTAL_FORMS": "3", "sections-2-title": "New", "sections-2-order": "9"})
    data.update({"sections-2-reveal_policy": "after_own", "sections-2-q-TOTAL_FORMS": "2"})
    data.update({"sections-2-q-INITIAL_FORMS": "0", "sections-2-q-0-body": "First?"})
    data.update({"sections-2-q-1-body": "Second?"})
    response = client.post(prepare_url(draft), {**data, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    readings = list(draft.readings.order_by("position").values_list("title", "kind", "number"))
    assert readings == [("Second", "optional", None), ("A paper", "required", 1)]
    new = QuestionSection.objects.get(week=draft, title="New")
    assert (new.position, new.reveal_policy) == (2, "after_own")
    assert list(new.questions.values_list("number", "body")) == [("5", "First?"), ("6", "Second?")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("readings-0-url", "not a link", "Enter a full link"),
        ("sections-0-q-0-body", "", "Write the question, or remove it."),
        ("sections-0-deadline", "2030-01-01T10:00", "after the week&#x27;s late cut-off"),
        ("week-cutoff", "2000-01-01T10:00", "The cut-off must come after the deadline."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_keeps_the_text(
    draft, draft_lead, field, value, message
):
    data = {**saved_data(draft), "week-title": "Kept title", field: value}
    data["week-cutoff"] = data["week-cutoff"] if field == "week-cutoff" else "2029-01-01T10:00"
    response = client_for(draft_lead).post(prepare_url(draft), {**data, "action": "save"})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'value="Kept title"' in html
    assert Week.objects.get(pk=draft.pk).title == "Week 3"


def test_a_section_needs_a_question(draft, draft_lead):
    data = {**saved_data(draft), "sections-TOTAL_FORMS": "3", "sections-2-title": "Alone"}
    data.update({"sections-2-q-TOTAL_FORMS": "1", "sections-2-q-INITIAL_FORMS": "0"})
    response = client_for(draft_lead).post(prepare_url(draft), {**data, "action": "save"})
    assert response.status_code == 400
    assert "Add at least one question to this section" in response.content.decode()


def test_a_question_added_to_a_new_section_comes_after_its_first(draft, draft_lead):
    client = client_for(draft_lead)
    data = {**saved_data(draft), "sections-TOTAL_FORMS": "3", "sections-2-title": "New"}
    data.update({"sections-2-q-TOTAL_FORMS": "1", "sections-2-q-INITIAL_FORMS": "0"})
    data.update({"sections-2-q-0-body": "First?"})  # no order: as a section just added
    html = client.post(prepare_url(draft), {**data, "op": "add:sections-2-q"}).content.decode()
    assert html.index('name="sections-2-q-0-body"') < html.index('name="sections-2-q-1-body"')


def test_removing_and_moving_by_buttons(draft, draft_lead):
    client = client_for(draft_lead)
    data = saved_data(draft)
    html = client.post(prepare_url(draft), {**data, "op": "up:sections-1"}).content.decode()
    assert html.index("Questions about section 2") < html.index("Questions about section 1")
    html = client.post(prepare_url(draft), {**data, "op": "remove:readings-0"}).content.decode()
    assert 'name="readings-0-DELETE" value="on"' in html
    data.update({"readings-0-DELETE": "on", "action": "save"})
    assert client.post(prepare_url(draft), data).status_code == 302
    assert not draft.readings.exists()


def test_the_htmx_buttons_swap_only_the_forms_and_tell_the_preview(draft, draft_lead):
    response = client_for(draft_lead).post(
        prepare_url(draft), {**saved_data(draft), "op": "add:sections-0-q"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor-forms"') or 'id="editor-forms"' in html[:400]
    assert "<html" not in html and response["HX-Trigger"] == "week-edited"
    assert 'name="sections-0-q-2-body"' in html


def test_the_live_preview_renders_the_unsaved_week(draft, draft_lead):
    data = {**saved_data(draft), "sections-0-q-0-body": "Unsaved *question*?"}
    response = client_for(draft_lead).post(preview_url(draft), data)
    html = response.content.decode()
    assert "<p>Unsaved <em>question</em>?</p>" in html and "A paper" in html
    bad = {**data, "readings-0-url": "nope"}
    html = client_for(draft_lead).post(preview_url(draft), bad).content.decode()
    assert "need attention" in html


def test_a_question_with_answers_cannot_be_removed(week, staff, student):
    question = Question.objects.filter(section__week=week).first()
    add_comment(week, student, "An answer", question=question)
    client = client_for(staff)
    data = saved_data(week)
    html = client.get(prepare_url(week)).content.decode()
    assert 'value="remove:sections-0-q-0"' not in html  # no Remove button for it
    assert 'value="remove:sections-0"' not in html and 'value="remove:sections-1"' in html
    html = client.post(prepare_url(week), {**data, "op": "remove:sections-0-q-0"}).content.decode()
    assert "has answers from students" in html
    forced = {**data, "sections-0-q-0-DELETE": "on", "action": "save"}
    response = client.post(prepare_url(week), forced)
    assert response.status_code == 400
    assert Question.objects.filter(pk=question.pk).exists()


def test_staff_edit_a_published_week_from_its_page_and_the_admin(week, staff):
    client = client_for(staff)
    url = prepare_url(week)
    assert f'href="{url}"' in client.get(week.get_absolute_url()).content.decode()
    admin = reverse("admin:weeks_week_change", args=[week.pk])
    assert f'href="{url}"' in client.get(admin).content.decode()
    data = {**saved_data(week), "week-title": "Renamed", "action": "save"}
    assert client.post(url, data).status_code == 302
    week.refresh_from_db()
    assert (week.title, week.status) == ("Renamed", Week.Status.PUBLISHED)


def test_only_staff_set_the_publish_time(draft, draft_lead, staff):
    later = "2031-05-01T09:00"
    data = {**saved_data(draft), "week-publish_at": later, "action": "save"}
    client_for(draft_lead).post(prepare_url(draft), data)
    assert Week.objects.get(pk=draft.pk).publish_at == draft.publish_at
    client_for(staff).post(prepare_url(draft), data)
    expected = dt.datetime(2031, 5, 1, 9, 0, tzinfo=draft.seminar.tz)
    assert Week.objects.get(pk=draft.pk).publish_at == expected


def test_who_may_open_and_save_the_editor(draft, draft_lead, week, lead, student, staff):
    elsewhere = Seminar.objects.create(title="Other", slug="other", timezone="UTC")
    other_staff = enroll(make_user("else@example.edu"), elsewhere, Enrollment.Role.STAFF)
    data = {**saved_data(draft), "action": "save"}
    for user, status in ((student, 404), (lead, 404), (other_staff, 404), (draft_lead, 200)):
        assert client_for(user).get(prepare_url(draft)).status_code == status, user
    assert client_for(other_staff).post(prepare_url(draft), data).status_code == 404
    assert client_for(other_staff).post(preview_url(draft), data).status_code == 404
    assert client_for(lead).get(prepare_url(week)).status_code == 403  # published: staff only
    client = client_for(draft_lead)
    client.post(prepare_url(draft), {**data, "action": "submit"})
    assert client.post(prepare_url(draft), data).status_code == 403  # waiting for review
    assert Week.objects.get(pk=draft.pk).title == "Week 3"


def test_the_week_file_downloads(draft, draft_lead):
    url = reverse("weeks:lead_download", args=[draft.seminar.slug, draft.slug])
    response = client_for(draft_lead).get(url)
    assert response["Content-Disposition"] == 'attachment; filename="week3.md"'
    assert 'title = "Week 3"' in response.content.decode()


def test_the_editor_queries_do_not_grow_with_the_week(draft, draft_lead, staff):
    client = client_for(draft_lead)
    with CaptureQueriesContext(connection) as small:
        client.get(prepare_url(draft))
    section = draft.sections.first()
    for n in range(10):
        Reading.objects.create(week=draft, position=10 + n, title=f"R{n}")
        Question.objects.create(section=section, position=10 + n, number=str(n), body="Q?")
    with CaptureQueriesContext(connection) as big:
        client.get(prepare_url(draft))
    assert len(big.captured_queries) == len(small.captured_queries)


def test_a_week_with_make_week_defaults_is_valid_as_saved(seminar, staff):
    week = make_week(seminar, number=7, status=Week.Status.DRAFT)
    response = client_for(staff).post(prepare_url(week), {**saved_data(week), "action": "save"})
    assert response.status_code == 302


def test_a_form_older_than_the_last_save_is_refused_and_kept(draft, draft_lead, staff):
    stale = {**saved_data(draft), "week-title": "Typed by the lead", "action": "save"}
    draft.readings.all().delete()  # staff removed the reading meanwhile
    response = client_for(draft_lead).post(prepare_url(draft), stale)
    html = response.content.decode()
    assert response.status_code == 400
    assert "no longer in this week" in html and 'value="Typed by the lead"' in html
    assert Week.objects.get(pk=draft.pk).title == "Week 3"


FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "weekfiles").glob("*.md"))


def content(week: Week) -> tuple[list[tuple], list[tuple]]:
    readings = list(
        week.readings.order_by("position").values_list("kind", "group", "title", "url", "citation")
    )
    sections = list(
        Question.objects.filter(section__week=week)
        .order_by("section__position", "position")
        .values_list("section__title", "section__deadline", "section__reveal_policy", "body")
    )
    return readings, sections


def save_unchanged(week: Week, user) -> None:
    response = client_for(user).post(prepare_url(week), {**saved_data(week), "action": "save"})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_imported_shape_saves_unchanged_through_the_forms(seminar, staff, path):
    week = import_week_file(path.read_text(), seminar=seminar, source=path.name).week
    before = content(week)
    save_unchanged(week, staff)
    assert content(week) == before


def test_every_demo_week_saves_unchanged_through_the_forms():
    build_demo(PASSWORD)
    staff = User.objects.get(email="staff@example.edu")
    for week in Week.objects.all():
        before = content(week)
        save_unchanged(week, staff)
        assert content(week) == before, week
