"""`Extension` is core's now (weeks' 0005 takes it over): participation forgets the model
without touching its table, `participation_extension`, or its rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
        ("weeks", "0005_extension"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Extension")],
            database_operations=[],
        ),
    ]
