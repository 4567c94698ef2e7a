"""The permissions of `WeekDuty` keep their rows: 0004 renamed the model (and Django renamed
its content type), but permissions keep their codenames, so after it the content type still
had add/change/delete/view_teammember and the next migrate added *_weekduty beside them —
groups (the seminar staff group) held only the old ones and lost the WeekDuty admin.

Here the old permissions take the new codenames and names, when the new ones do not exist
yet (a database migrated from before 0004 in one go); a fresh database has none yet (they
are made after migrating) and a database that already has both is left as it is.
"""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(
    apps, schema_editor, old=("teammember", "team member"), new=("weekduty", "week duty")
):
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    duty_type = content_type.objects.using(db).filter(app_label="weeks", model="weekduty").first()
    if duty_type is None:
        return
    perms = permission.objects.using(db).filter(content_type=duty_type)
    for action in ACTIONS:
        if perms.filter(codename=f"{action}_{new[0]}").exists():
            continue
        perms.filter(codename=f"{action}_{old[0]}").update(
            codename=f"{action}_{new[0]}", name=f"Can {action} {new[1]}"
        )


def rename_permissions_back(apps, schema_editor):
    rename_permissions(
        apps, schema_editor, old=("weekduty", "week duty"), new=("teammember", "team member")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("weeks", "0005_extension"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(rename_permissions, rename_permissions_back, elidable=False),
    ]
