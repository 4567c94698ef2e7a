"""Migrating a database from the previous layout keeps every row.

The previous layout is weeks (core) at 0003 — before `TeamMember` became `WeekDuty` — and
participation at 0001, when `Extension` was participation's. The test builds rows there
with the historical models, migrates forward to the latest migrations, and checks that
every table has the same number of rows and the moved and renamed models the same values.
(bench/migrate_check.sh does the same against a PostgreSQL database seeded by the commit
before the restructuring.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Extension, WeekDuty

pytestmark = pytest.mark.django_db(transaction=True)

PREVIOUS = [("weeks", "0003_week_review"), ("participation", "0001_initial")]
RENAMED_TABLES = {
    "weeks_teammember": "weeks_weekduty",
    "notifications_replynotice": "notifications_notice",  # reply notices became notices
}
RECORD = "django_migrations"  # gains one row per migration applied, by design
DEADLINE = dt.datetime(2030, 3, 3, 22, 29, tzinfo=dt.UTC)


def migrate(targets: list[tuple[str, str]] | None = None):
    """Migrate to `targets` (None: the latest); the historical apps of the database then
    (every app as far as it is migrated)."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return state.apps


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - introspected names
            counts[RENAMED_TABLES.get(table, table)] = cursor.fetchone()[0]
    return counts


def seed_previous_layout(apps) -> dict[str, object]:
    """A seminar with a week, a lead (a TeamMember row) and a student's extension, made
    with the models as they were before the restructuring."""
    user_model = apps.get_model("accounts", "User")
    lead = user_model.objects.create(email="lead@example.edu")
    student = user_model.objects.create(email="sam@example.edu")
    seminar = apps.get_model("weeks", "Seminar").objects.create(title="LLM Risks", slug="llm")
    week = apps.get_model("weeks", "Week").objects.create(
        seminar=seminar, number=1, slug="w1", title="Week 1", deadline=DEADLINE
    )
    enrollment = apps.get_model("weeks", "Enrollment")
    for user in (lead, student):
        enrollment.objects.create(user=user, seminar=seminar, role="student")
    duty = apps.get_model("weeks", "TeamMember").objects.create(week=week, user=lead, team="lead")
    extension = apps.get_model("participation", "Extension").objects.create(
        week=week,
        user=student,
        deadline=DEADLINE + dt.timedelta(days=2),
        cutoff=DEADLINE + dt.timedelta(days=3),
        note="Conference travel",
        granted_by=lead,
    )
    permission = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="weeks", codename="add_teammember"
    )
    group = apps.get_model("auth", "Group").objects.create(name="Seminar staff")
    group.permissions.add(permission)
    return {"duty": duty, "extension": extension, "week": week, "lead": lead, "student": student}


@pytest.mark.parametrize(
    "first",
    [None, ("weeks", "0005_extension"), ("participation", "0002_extension_moves_to_core")],
    ids=["all-at-once", "core-first", "participation-first"],
)
def test_migrating_from_the_previous_layout_keeps_every_row_and_value(first):
    old_apps = migrate(PREVIOUS)
    try:
        content_types = old_apps.get_model("contenttypes", "ContentType").objects
        old_type = content_types.get_or_create(app_label="participation", model="extension")[0]
        made = seed_previous_layout(old_apps)
        before = row_counts()
        assert (
            "participation_extension" in before
            and "weeks_teammember" in connection.introspection.table_names()
        )
        if first is not None:
            migrate([first])
    finally:
        new_apps = migrate()
    after = row_counts()

    assert after.pop(RECORD) > before.pop(RECORD)
    assert {table: after.get(table) for table in before} == before
    duty = WeekDuty.objects.get()
    assert (duty.pk, duty.week_id, duty.user_id, duty.team) == (
        made["duty"].pk,
        made["week"].pk,
        made["lead"].pk,
        WeekDuty.Team.LEAD,
    )
    extension = Extension.objects.get()
    old = made["extension"]
    assert (extension.pk, extension.week_id, extension.user_id, extension.granted_by_id) == (
        old.pk,
        made["week"].pk,
        made["student"].pk,
        made["lead"].pk,
    )
    assert (extension.deadline, extension.cutoff, extension.note) == (
        old.deadline,
        old.cutoff,
        old.note,
    )
    # The model's content type moved with it (its permissions stay attached).
    moved = new_apps.get_model("contenttypes", "ContentType").objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("weeks", "extension")
    # The staff group's permission on team members is now the one on week duties.
    group = new_apps.get_model("auth", "Group").objects.get(name="Seminar staff")
    assert list(group.permissions.values_list("codename", "content_type__model")) == [
        ("add_weekduty", "weekduty")
    ]
