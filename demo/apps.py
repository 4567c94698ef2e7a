from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo seminar (`manage.py seed_demo`), built from real course material."""

    name = "demo"
