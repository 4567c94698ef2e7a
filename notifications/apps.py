from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Email and notifications"

    def ready(self) -> None:
        from notifications import receivers  # imported here: models must be loaded first

        receivers.connect()
