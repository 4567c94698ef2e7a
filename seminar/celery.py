"""The Celery app: autodiscovers each app's tasks.py; settings in the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seminar.settings")

app = Celery("seminar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
