from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "participation"
    verbose_name = "Participation"

    def ready(self) -> None:
        from core import hooks  # imported here: models load once the registry is ready
        from participation.week_file import WeekRuleFile  # imported here: it imports models

        hooks.provide_week_rule(WeekRuleFile())
