from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """The lead team prepares its week through forms; staff review it."""

    name = "leads"
