import secrets

from django.db import migrations, models

import accounts.models


def give_each_user_a_token(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(calendar_token__isnull=True).only("pk"):
        User.objects.filter(pk=user.pk).update(calendar_token=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_rosterentry"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="pronouns",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="user",
            name="email_reply_notices",
            field=models.CharField(
                choices=[
                    ("batched", "At most one email per thread every 15 minutes"),
                    ("daily", "A daily digest"),
                    ("off", "Never"),
                ],
                default="batched",
                max_length=8,
                verbose_name="replies to my comments",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="email_reminders",
            field=models.BooleanField(default=True, verbose_name="deadline and duty reminders"),
        ),
        migrations.AddField(
            model_name="user",
            name="email_announcements",
            field=models.BooleanField(default=True, verbose_name="announcements of new weeks"),
        ),
        migrations.AddField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_user_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(
                default=accounts.models.new_calendar_token,
                editable=False,
                help_text="The secret in the personal calendar feed's URL; reset it to revoke the old URL.",
                max_length=64,
                unique=True,
            ),
        ),
    ]
