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

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from core.lib import page_writes  # its models import needs the app registry ready

        # Every connection reports its writes to the stored pages' counters.
        connection_created.connect(page_writes.install, dispatch_uid="page_writes.install")
