"""Enable pg_trgm for the near-duplicate check (discussions/duplicates.py).

TrigramExtension is a no-op on other databases (SQLite computes the same similarity in
Python), so this migration runs everywhere.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
    ]
