from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The top layer: pages that assemble several features (week page, seminar home,
    profile, calendar, archive)."""

    name = "pages"
