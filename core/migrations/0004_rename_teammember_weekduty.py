"""`TeamMember` becomes `WeekDuty` (a look-alike of teams.TeamMembership); rows are kept:
the table is renamed, not rebuilt."""

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("weeks", "0003_week_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("TeamMember", "WeekDuty"),
        migrations.AlterField(
            model_name="weekduty",
            name="week",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="week_duties",
                to="weeks.week",
            ),
        ),
        migrations.AlterField(
            model_name="weekduty",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="week_duties",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
