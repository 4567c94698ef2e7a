"""Reply notices become notices of every kind (replies, mentions, followed threads,
moderation, duties), read in the app and emailed from the same rows. Existing rows are
kept: each becomes a reply notice keyed on its comment, due for email while it was
pending."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    Notice = apps.get_model("notifications", "Notice")
    Comment = apps.get_model("discussions", "Comment")
    weeks = dict(
        Comment.objects.filter(
            pk__in=Notice.objects.values_list("comment_id", flat=True)
        ).values_list("pk", "week_id")
    )
    for notice in Notice.objects.all():
        notice.key = f"c{notice.comment_id}"
        notice.week_id = weeks[notice.comment_id]
        notice.email_due = notice.email_id is None
        notice.save(update_fields=["key", "week", "email_due"])


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_outbox_retry_until_useful"),
        ("discussions", "0003_submission_key"),
        ("weeks", "0006_weekduty_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="replynotice", name="reply_notice_unique"),
        migrations.RemoveIndex(model_name="replynotice", name="reply_notice_pending_idx"),
        migrations.RenameModel(old_name="ReplyNotice", new_name="Notice"),
        migrations.AlterModelOptions(name="notice", options={"ordering": ("-created_at", "-id")}),
        migrations.AddField(
            model_name="notice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reply", "Reply to your comment"),
                    ("mention", "Mention of you"),
                    ("thread", "Reply in a thread you follow"),
                    ("moderation", "Moderation of your comment"),
                    ("duty", "Your team duty"),
                ],
                default="reply",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="key",
            field=models.CharField(default="", max_length=80),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notice",
            name="week",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="weeks.week",
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                help_text="Who did it (the replier, the moderator); blank for duties.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="detail",
            field=models.CharField(
                blank=True,
                help_text="The moderation action and reason, or the team.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="notice", name="email_due", field=models.BooleanField(default=False)
        ),
        migrations.AddField(
            model_name="notice",
            name="read_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notice",
            name="week",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="weeks.week"
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="comment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to="discussions.comment",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="thread_key",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AlterField(
            model_name="notice",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(fields=("recipient", "key"), name="notice_unique_key"),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("read_at__isnull", True)),
                fields=["recipient"],
                name="notice_unread_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(fields=["recipient", "created_at"], name="notice_recipient_idx"),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("email_due", True)),
                fields=["recipient", "thread_key"],
                name="notice_email_due_idx",
            ),
        ),
    ]
