"""A seminar exported as one zip, and its weeks restored into a new term."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import RosterEntry
from blog.models import BlogPost
from core.importer import import_week_file
from core.models import Question, QuestionSection, Reading, Seminar, Week, WeekDuty
from discussions.models import Comment
from pages.archive import build_archive, read_archive
from teams.models import Team, TeamMembership
from tests.conftest import PASSWORD, make_week

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "weekfiles" / "week2-alignment.md"
READING_FIELDS = ("position", "kind", "group", "number", "title", "url", "citation", "note")
SECTION_FIELDS = ("position", "title", "intro", "day_label", "required_answers", "reading__title")


@pytest.fixture
def term(seminar, staff, lead, blogger, student, week):
    """A seminar with the seed week (week 2), `week` (week 1) and a draft with a
    Monday section due earlier; teams, a roster and a discussion with a reply."""
    seed = import_week_file(SEED.read_text(), seminar=seminar, status=Week.Status.PUBLISHED).week
    draft = make_week(
        seminar,
        number=3,
        status=Week.Status.DRAFT,
        class_date=dt.date(2023, 9, 18),
        deadline=dt.datetime(2023, 9, 19, 21, 0, tzinfo=seminar.tz),
        cutoff=dt.datetime(2023, 9, 21, 21, 0, tzinfo=seminar.tz),
        staff_run=True,
    )
    QuestionSection.objects.filter(week=draft, position=0).update(
        day_label="Monday", deadline=dt.datetime(2023, 9, 17, 17, 29, tzinfo=seminar.tz)
    )
    ada = Team.objects.create(seminar=seminar, name="Ada", position=1)
    TeamMembership.objects.create(team=ada, user=lead)
    RosterEntry.objects.create(seminar=seminar, email="new@example.edu", name="New Person")
    question = Question.objects.filter(section__week=week).order_by("pk").first()
    answer = Comment.objects.create(
        week=week, question=question, author=student, body="My **answer**"
    )
    Comment.objects.create(
        week=week, question=question, parent=answer, depth=1, author=lead, body="A reply"
    )
    gone = Comment.objects.create(week=week, author=student, body="Regretted this")
    Comment.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    return {"seed": seed, "week": week, "draft": draft, "answer": answer}


def archive_of(seminar) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(build_archive(seminar)))


def load(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def week_shape(week: Week) -> dict:
    return {
        "title": week.title,
        "number": week.number,
        "intro": week.intro,
        "discussion_intro": week.discussion_intro,
        "readings": list(week.readings.order_by("position").values_list(*READING_FIELDS)),
        "abstracts": list(week.readings.order_by("position").values_list("abstract", flat=True)),
        "sections": list(week.sections.order_by("position").values_list(*SECTION_FIELDS)),
        "questions": list(
            Question.objects.filter(section__week=week)
            .order_by("section__position", "position")
            .values_list("section__position", "number", "body")
        ),
    }


def test_the_archive_holds_every_week_file_and_a_manifest(seminar, term):
    archive = archive_of(seminar)
    names = archive.namelist()
    assert "manifest.json" in names
    assert {"weeks/01-week1.md", "weeks/02-week2.md", "weeks/03-week3.md"} <= set(names)
    manifest = load(archive, "manifest.json")
    assert manifest["format"] == "seminar-archive"
    assert manifest["seminar"]["slug"] == "llm-risks"
    assert [w["slug"] for w in manifest["weeks"]] == ["week1", "week2", "week3"]
    draft = manifest["weeks"][2]
    assert (draft["status"], draft["staff_run"]) == ("draft", True)
    assert archive.read("weeks/02-week2.md").decode().startswith("+++\ntitle = ")


def test_the_archive_keeps_the_discussion_threads_with_authors(seminar, term):
    comments = load(archive_of(seminar), "discussions.json")
    answer = next(c for c in comments if c["body"] == "My **answer**")
    reply = next(c for c in comments if c["body"] == "A reply")
    assert answer["author"] == {"email": "student@example.edu", "name": "Sam Student"}
    assert (answer["week"], answer["question"], answer["parent"]) == ("week1", "1", None)
    assert reply["parent"] == answer["id"]
    assert reply["author"]["email"] == "lead@example.edu"
    deleted = next(c for c in comments if c["deleted_at"])
    assert deleted["body"] == ""  # a deleted comment keeps its place, not its text


def test_the_archive_holds_teams_duties_and_roster(seminar, term):
    archive = archive_of(seminar)
    teams = load(archive, "teams.json")
    assert teams["teams"] == [{"name": "Ada", "position": 1, "members": ["lead@example.edu"]}]
    assert {"week": "week1", "team": "lead", "email": "lead@example.edu"} in teams["duties"]
    roster = load(archive, "roster.json")
    assert roster["roster"][0]["email"] == "new@example.edu"
    roles = {e["email"]: e["role"] for e in roster["enrollments"]}
    assert roles["staff@example.edu"] == "staff" and roles["student@example.edu"] == "student"


def test_the_archive_holds_the_blog_posts(seminar, term):
    BlogPost.objects.create(week=term["week"], title="What we learned", body="Lots.")
    posts = load(archive_of(seminar), "blog.json")
    assert posts[0]["week"] == "week1"
    assert (posts[0]["title"], posts[0]["body"]) == ("What we learned", "Lots.")


def test_round_trip_restores_the_same_weeks_as_drafts_in_a_new_seminar(seminar, term, tmp_path):
    path = tmp_path / "llm.zip"
    call_command("export_seminar", "llm-risks", "--out", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_seminar", str(path), "--seminar", "llm-2024", "--term", "Fall 2024",
                 stdout=out)  # fmt: skip
    new = Seminar.objects.get(slug="llm-2024")
    assert (new.title, new.term, new.timezone) == ("LLM Risks", "Fall 2024", seminar.timezone)
    assert "3 week(s) restored into llm-2024" in out.getvalue()
    assert "nothing was published by the import" in out.getvalue()
    old_weeks = list(Week.objects.filter(seminar=seminar).order_by("number"))
    new_weeks = list(Week.objects.filter(seminar=new).order_by("number"))
    assert [w.slug for w in new_weeks] == [w.slug for w in old_weeks]
    for old, restored in zip(old_weeks, new_weeks, strict=True):
        assert week_shape(restored) == week_shape(old)
        assert restored.status == Week.Status.DRAFT
        assert restored.deadline == old.deadline
    assert new_weeks[2].staff_run and new_weeks[2].cutoff == old_weeks[2].cutoff
    # people, teams and discussions stay behind
    assert not WeekDuty.objects.filter(week__seminar=new).exists()
    assert not Comment.objects.filter(week__seminar=new).exists()
    assert not Team.objects.filter(seminar=new).exists()
    assert not new.enrollments.exists()


def test_restoring_moves_dates_to_the_first_class_date_keeping_local_times(seminar, term, tmp_path):
    path = tmp_path / "llm.zip"
    path.write_bytes(build_archive(seminar))
    draft = term["draft"]
    seed = term["seed"]
    earliest = min(w.class_date for w in Week.objects.filter(seminar=seminar) if w.class_date)
    call_command("import_seminar", str(path), "--seminar", "next", "--first-class-date",
                 "2024-09-05", stdout=io.StringIO())  # fmt: skip
    days = (dt.date(2024, 9, 5) - earliest).days
    moved = Week.objects.get(seminar__slug="next", slug="week3")
    assert moved.class_date == draft.class_date + dt.timedelta(days=days)
    tz = seminar.tz
    local = moved.deadline.astimezone(tz)
    assert local.date() == draft.deadline.astimezone(tz).date() + dt.timedelta(days=days)
    assert (local.hour, local.minute) == (21, 0)
    monday = moved.sections.get(position=0).deadline.astimezone(tz)
    assert (monday.date(), monday.hour, monday.minute) == (
        dt.date(2023, 9, 17) + dt.timedelta(days=days),
        17,
        29,
    )
    seed_moved = Week.objects.get(seminar__slug="next", slug=seed.slug)
    assert seed_moved.class_date == seed.class_date + dt.timedelta(days=days)


def test_shift_days_moves_every_date_by_that_many_days(seminar, term, tmp_path):
    path = tmp_path / "llm.zip"
    path.write_bytes(build_archive(seminar))
    call_command("import_seminar", str(path), "--seminar", "next", "--shift-days", "364",
                 stdout=io.StringIO())  # fmt: skip
    moved = Week.objects.get(seminar__slug="next", slug="week3")
    assert moved.class_date == dt.date(2024, 9, 16)
    assert moved.deadline.astimezone(seminar.tz) == dt.datetime(
        2024, 9, 17, 21, 0, tzinfo=seminar.tz
    )


def test_restoring_over_existing_weeks_imports_nothing(seminar, term, tmp_path):
    path = tmp_path / "llm.zip"
    path.write_bytes(build_archive(seminar))
    target = Seminar.objects.create(title="Next", slug="next")
    Week.objects.create(seminar=target, number=9, slug="week2", title="Already here")
    with pytest.raises(CommandError, match="already exists.*nothing was imported"):
        call_command("import_seminar", str(path), "--seminar", "next", stdout=io.StringIO())
    assert Week.objects.filter(seminar=target).count() == 1


def test_a_zip_that_is_not_an_archive_is_refused_in_one_line(db, tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as handle:
        handle.writestr("hello.txt", "hi")
    with pytest.raises(CommandError) as error:
        call_command("import_seminar", str(path), "--seminar", "next", stdout=io.StringIO())
    assert "has no manifest.json" in str(error.value)
    assert "\n" not in str(error.value)
    assert not Seminar.objects.filter(slug="next").exists()


def test_read_archive_gives_the_week_files_in_number_order(seminar, term):
    data = read_archive(io.BytesIO(build_archive(seminar)))
    assert [w.entry["slug"] for w in data.weeks] == ["week1", "week2", "week3"]
    assert data.seminar["title"] == "LLM Risks"


def test_a_directory_import_can_shift_its_dates_too(seminar, tmp_path):
    (tmp_path / "week2.md").write_text(SEED.read_text())
    call_command("import_seminar", str(tmp_path), "--seminar", "shifted", "--shift-days", "7",
                 stdout=io.StringIO())  # fmt: skip
    original = import_week_file(SEED.read_text(), seminar=seminar).week
    moved = Week.objects.get(seminar__slug="shifted")
    assert moved.class_date == original.class_date + dt.timedelta(days=7)
    assert moved.deadline - original.deadline == dt.timedelta(days=7)


def test_export_seminar_refuses_an_unknown_seminar(db, tmp_path):
    with pytest.raises(CommandError, match="no seminar 'nope'"):
        call_command("export_seminar", "nope", "--out", str(tmp_path / "x.zip"))


def test_staff_download_the_archive_from_the_seminar(seminar, term, staff):
    client = Client()
    client.login(email=staff.email, password=PASSWORD)
    page = client.get(reverse("weeks:archive", args=[seminar.slug]))
    assert page.status_code == 200
    download = reverse("weeks:archive_download", args=[seminar.slug])
    assert download in page.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="llm-risks-archive-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "weeks/02-week2.md" in archive.namelist()


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("lead", 403), ("outsider", 404)])
def test_only_staff_export_the_seminar(request, seminar, term, who, status):
    client = Client()
    client.login(email=request.getfixturevalue(who).email, password=PASSWORD)
    for name in ("weeks:archive", "weeks:archive_download"):
        assert client.get(reverse(name, args=[seminar.slug])).status_code == status


def test_restored_readings_match_including_optional_groups(seminar, term, tmp_path):
    path = tmp_path / "llm.zip"
    path.write_bytes(build_archive(seminar))
    call_command("import_seminar", str(path), "--seminar", "next", stdout=io.StringIO())
    restored = Week.objects.get(seminar__slug="next", slug="week2")
    groups = set(
        restored.readings.filter(kind=Reading.Kind.OPTIONAL).values_list("group", flat=True)
    )
    assert "Background / Motivation" in groups
    assert restored.readings.count() == term["seed"].readings.count()


def test_the_seminar_admin_exports_one_seminar_as_a_zip(seminar, term, staff):
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="weeks"))
    client = Client()
    client.login(email=staff.email, password=PASSWORD)
    response = client.post(
        reverse("admin:weeks_seminar_changelist"),
        {"action": "export_archive_action", "_selected_action": [seminar.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
