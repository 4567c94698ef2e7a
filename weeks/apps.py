from django.apps import AppConfig


class WeeksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "weeks"
