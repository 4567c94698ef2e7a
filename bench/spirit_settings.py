"""Settings for the Spirit forum that bench/forum_compare.sh measures beside Seminar.

Spirit's own base settings, with what a production deployment would change: DEBUG off,
the cached template loader (Django's default without DEBUG), a local-memory cache (faster
than Spirit's default database cache), and the database from SPIRIT_DATABASE_URL
(sqlite:///PATH or postgres://USER@HOST:PORT/NAME).
"""

import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = "forum-benchmark-only-not-secret"  # noqa: S105
ST_SITE_URL = "http://127.0.0.1/"

_url = urlsplit(os.environ["SPIRIT_DATABASE_URL"])
if _url.scheme == "sqlite":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _url.path[1:]}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _url.path.lstrip("/"),
            "USER": _url.username or "",
            "PASSWORD": _url.password or "",
            "HOST": _url.hostname or "",
            "PORT": str(_url.port or ""),
        }
    }
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "st_rate_limit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
