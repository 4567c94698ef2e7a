"""import_week, import_seminar and export_week as someone runs them from the shell."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from core.models import Question, Reading, Seminar, Week

WEEKFILES = Path(__file__).resolve().parent.parent / "fixtures" / "weekfiles"
SEED = WEEKFILES / "week2-alignment.md"


def run(*argv: str) -> int:
    """Run a command the way manage.py does (errors → stderr, exit code); returns the code.

    run_from_argv closes every connection when it ends, which would close the test's own.
    """
    with mock.patch.object(connections, "close_all"):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as exc:
            return int(exc.code or 0)
    return 0


# -- import_week -------------------------------------------------------------------------------


def test_import_week_creates_the_seminar_titled_after_its_slug(db, capsys):
    assert run("import_week", str(SEED), "--seminar", "fall-2023") == 0
    seminar = Seminar.objects.get(slug="fall-2023")
    assert seminar.title == "fall-2023"
    week = seminar.weeks.get()
    assert (week.slug, week.readings.count()) == ("week2", 17)
    out = capsys.readouterr().out
    assert "week2-alignment.md: imported 'Week 2: Alignment'" in out
    assert "4 required readings, 13 optional readings in 3 groups, 2 question sections" in out


def test_import_week_into_an_existing_seminar_uses_its_time_zone(db):
    Seminar.objects.create(title="Tokyo", slug="tokyo", timezone="Asia/Tokyo")
    call_command("import_week", str(SEED), seminar="tokyo")
    week = Week.objects.get(seminar__slug="tokyo")
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    assert week.deadline == dt.datetime(2023, 9, 3, 17, 29, tzinfo=tokyo)


def test_import_week_refuses_an_existing_slug_without_replace(db, capsys):
    assert run("import_week", str(SEED), "--seminar", "s") == 0
    capsys.readouterr()
    assert run("import_week", str(SEED), "--seminar", "s") == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "CommandError: week2-alignment.md: week 'week2' already exists in seminar 's'"
        " (use --replace to replace it)"
    )
    assert Week.objects.count() == 1


def test_import_week_with_replace_replaces(db, tmp_path, capsys):
    call_command("import_week", str(SEED), seminar="s")
    week = Week.objects.get()
    edited = tmp_path / "week2.md"
    edited.write_text(SEED.read_text().replace("Week 2: Alignment", "Week 2: Alignment, revised"))
    assert run("import_week", str(edited), "--seminar", "s", "--replace") == 0
    assert "replaced" in capsys.readouterr().out
    again = Week.objects.get()
    assert (again.pk, again.title) == (week.pk, "Week 2: Alignment, revised")
    assert Reading.objects.count() == 17 and Question.objects.count() == 8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# Readings\n", "bad.md: no TOML front matter (expected +++ … +++ at the top)"),
        ('+++\ntitle = "x\n+++\n', "bad.md: the front matter is not valid TOML"),
        ('+++\ndate = "03 Sep 2023"\n+++\n', "bad.md: the front matter has no title"),
    ],
)
def test_malformed_file_exits_1_with_one_line_and_imports_nothing(
    db, tmp_path, capsys, content, message
):
    bad = tmp_path / "bad.md"
    bad.write_text(content)
    assert run("import_week", str(bad), "--seminar", "new-seminar") == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"CommandError: {message}")
    assert "\n" not in err
    assert not Seminar.objects.filter(slug="new-seminar").exists()
    assert not Week.objects.exists()


def test_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_week", str(tmp_path / "nope.md"), seminar="s")


# -- import_seminar ----------------------------------------------------------------------------


@pytest.fixture
def term_dir(tmp_path) -> Path:
    for name in ("week2-alignment.md", "no-heading.md", "optional-bold-groups.md", "per-day.md"):
        shutil.copy(WEEKFILES / name, tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a week file")
    return tmp_path


def test_import_seminar_imports_every_week_file(db, term_dir, capsys):
    code = run(
        "import_seminar", str(term_dir), "--seminar", "ai-safety", "--title", "AI Safety",
        "--timezone", "America/Los_Angeles",
    )  # fmt: skip
    assert code == 0
    seminar = Seminar.objects.get(slug="ai-safety")
    assert (seminar.title, seminar.timezone) == ("AI Safety", "America/Los_Angeles")
    assert sorted(seminar.weeks.values_list("slug", flat=True)) == [
        "week10", "week2", "week3", "week8",
    ]  # fmt: skip
    out = capsys.readouterr().out
    assert out.index("no-heading.md") < out.index("optional-bold-groups.md") < out.index("week2")
    assert "4 week file(s) imported into ai-safety." in out
    week2 = seminar.weeks.get(slug="week2")
    la = zoneinfo.ZoneInfo("America/Los_Angeles")
    assert week2.deadline == dt.datetime(2023, 9, 3, 17, 29, tzinfo=la)
    assert seminar.weeks.get(slug="week8").status == Week.Status.DRAFT


def test_import_seminar_is_all_or_nothing(db, term_dir, capsys):
    (term_dir / "week99-broken.md").write_text('+++\ntitle = "Broken\n+++\n')
    assert run("import_seminar", str(term_dir), "--seminar", "ai-safety") == 1
    err = capsys.readouterr().err
    assert "week99-broken.md: the front matter is not valid TOML" in err
    assert "nothing was imported" in err
    assert not Seminar.objects.filter(slug="ai-safety").exists()
    assert not Week.objects.exists()


def test_import_seminar_sorts_week10_after_week9(db, tmp_path, capsys):
    for number in (10, 9):
        text = SEED.read_text().replace('slug = "week2"', f'slug = "week{number}"')
        (tmp_path / f"week{number}.md").write_text(text)
    call_command("import_seminar", str(tmp_path), seminar="s")
    out = capsys.readouterr().out
    assert out.index("week9.md") < out.index("week10.md")


def test_import_seminar_rejects_an_unknown_time_zone(db, term_dir):
    with pytest.raises(CommandError, match="not a known time zone"):
        call_command("import_seminar", str(term_dir), seminar="s", timezone="Mars/Base")
    assert not Seminar.objects.exists()


def test_import_seminar_needs_a_directory_of_week_files(db, tmp_path):
    with pytest.raises(CommandError, match="no .md week files"):
        call_command("import_seminar", str(tmp_path), seminar="s")


# -- export_week -------------------------------------------------------------------------------


def test_export_week_prints_a_file_that_imports_back(db, tmp_path, capsys):
    call_command("import_week", str(SEED), seminar="s")
    capsys.readouterr()
    assert run("export_week", "--seminar", "s", "week2") == 0
    exported = tmp_path / "week2.md"
    exported.write_text(capsys.readouterr().out)
    call_command("import_week", str(exported), seminar="copy")
    copy = Week.objects.get(seminar__slug="copy")
    assert copy.title == "Week 2: Alignment"
    assert (
        copy.readings.count() == 17 and Question.objects.filter(section__week=copy).count() == 4 + 4
    )


def test_export_week_unknown_week_exits_1(db, capsys):
    Seminar.objects.create(title="S", slug="s")
    assert run("export_week", "--seminar", "s", "week42") == 1
    assert "no week 'week42' in seminar 's'" in capsys.readouterr().err


def test_seminar_must_be_a_slug(db, capsys):
    assert run("import_week", str(SEED), "--seminar", "Fall 2023!") == 2
    assert "'Fall 2023!' is not a slug" in capsys.readouterr().err
    assert not Seminar.objects.exists()


def test_import_seminar_updates_title_and_time_zone_only_when_given(db, term_dir):
    Seminar.objects.create(title="Old title", slug="s", timezone="Europe/Paris")
    call_command("import_seminar", str(term_dir), seminar="s")
    seminar = Seminar.objects.get(slug="s")
    assert (seminar.title, seminar.timezone) == ("Old title", "Europe/Paris")
    call_command("import_seminar", str(term_dir), seminar="s", title="New", replace=True)
    seminar.refresh_from_db()
    assert (seminar.title, seminar.timezone) == ("New", "Europe/Paris")
    assert seminar.weeks.count() == 4
