"""`Extension` moves from participation to core (app label "weeks"), where the posting
window (core.posting) reads it. Its table keeps its name, `participation_extension`, and
every row: this migration and participation's 0002 change only Django's idea of which app
owns the model (SeparateDatabaseAndState with no database operation).

It depends on participation's 0001, which creates the table, so that on a fresh database
the table exists once this model is core's; participation's 0002 (which forgets the model
there) depends on this one, so there is never a state without it. The content type (and
so the permissions on extensions, and admin log entries) moves with the model.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="participation", target="weeks"):
    """Re-label the model's content type, keeping its permissions attached (a fresh
    database has none yet: its content types are made after migrating)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = content_type.objects.using(db)
    if types.filter(app_label=target, model="extension").exists():
        return
    types.filter(app_label=source, model="extension").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="weeks", target="participation")


class Migration(migrations.Migration):
    dependencies = [
        ("weeks", "0004_rename_teammember_weekduty"),
        ("participation", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Extension",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "deadline",
                            models.DateTimeField(help_text="The student's own posting deadline."),
                        ),
                        (
                            "cutoff",
                            models.DateTimeField(
                                blank=True,
                                help_text="Optional: late posts accepted until then.",
                                null=True,
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("granted_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "granted_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="extensions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "week",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="extensions",
                                to="weeks.week",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "participation_extension",
                        "ordering": ("week", "user"),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("week", "user"), name="extension_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("cutoff__isnull", True),
                                    ("cutoff__gt", models.F("deadline")),
                                    _connector="OR",
                                ),
                                name="extension_cutoff_after_deadline",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=False),
    ]
