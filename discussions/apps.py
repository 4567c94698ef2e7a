from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "discussions"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save

        # Imported here, once the app registry is ready (models load with the module).
        from discussions.page_cache import touch_renamed_author

        post_save.connect(
            touch_renamed_author,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="discussions.touch_renamed_author",
        )
