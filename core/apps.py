from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: seminars, enrolments, weeks, their questions and duties.

    The label stays "weeks" (the app's name before the layers were drawn), so the tables,
    migrations, content types and permissions of a running site carry on unchanged.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    label = "weeks"
    verbose_name = "Seminars and weeks"
