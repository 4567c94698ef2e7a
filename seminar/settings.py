"""Settings for the Seminar app, read from the environment.

A checkout with no environment just works: SQLite in the project folder, email to the
console, Celery tasks run in-process. Production differs only by environment variables
(see `.env.example`) and refuses to start without its secret key.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from seminar.deployment import email_settings, init_sentry, logging_config, media_storage

# Lets Django's generic classes be subscripted at run time as django-stubs types them
# (admin.ModelAdmin[Week], forms.ModelForm[Comment], ...); only adds __class_getitem__.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:  # empty (an env_file's `NAME=`) = unset
    return os.environ.get(name) or default


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", default=True)
TESTING = envbool("TESTING", default=False)


def development_secret_key(path: Path) -> str:
    """The key of this checkout in development: random, made on the first start and kept
    in `path` (readable by its owner only, ignored by git), so sessions and signed links
    survive restarts and are shared by every process, yet no two checkouts share a key."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        fd, name = tempfile.mkstemp(prefix=f"{path.name}.", dir=path.parent)  # mode 0600
        scratch = Path(name)
        with os.fdopen(fd, "w") as file:
            file.write(key + "\n")
        try:
            os.link(scratch, path)  # atomic: another process starting now may win
        except FileExistsError:
            key = path.read_text().strip()
        except OSError:  # a file system without hard links
            os.replace(scratch, path)
        finally:
            scratch.unlink(missing_ok=True)
    if not key:
        raise ImproperlyConfigured(
            f"{path} is empty: delete it (a new key is made) or set SECRET_KEY"
        )
    return key


SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = development_secret_key(BASE_DIR / ".secret_key")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "markdownx",
    "django_htmx",
    # Our apps, bottom layer first (the layers are drawn in pyproject.toml's
    # import-linter contract and in the README).
    "core",
    "accounts",
    "discussions",
    "teams",
    "participation",
    "blog",
    "leads",
    "notifications",
    "pages",
    "demo",
    "bench",
]
SOCIALACCOUNT_PROVIDER_APPS = envlist("SOCIALACCOUNT_PROVIDER_APPS")
INSTALLED_APPS += [f"allauth.socialaccount.providers.{n}" for n in SOCIALACCOUNT_PROVIDER_APPS]

MIDDLEWARE = [
    "core.lib.logs.RequestIDMiddleware",  # X-Request-ID, in every log line of the request
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, static files included (see below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # request.htmx: what an htmx request asks for (HX-Request, HX-Target, ...).
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.ViewerZoneMiddleware",  # times in the viewer's zone (core.timefmt)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "seminar.urls"
WSGI_APPLICATION = "seminar.wsgi.application"
ASGI_APPLICATION = "seminar.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "notifications.context_processors.unread_notices",
            ],
            "builtins": ["core.templatetags.when_tags"],  # |when: the one time wording
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for the writer instead of failing with "database is locked" under load.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, answered by a per-process local cache while Redis
            # is unreachable (logged), so rate limits never turn an outage into a 500.
            "BACKEND": "core.lib.cache.FailoverRedisCache",
            "LOCATION": REDIS_URL,
            # Only to share one Redis database between sites (or test runs), as CELERY_QUEUE.
            "KEY_PREFIX": env("CACHE_KEY_PREFIX"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
SITE_ID = 1

# django-allauth: email is the identity, verified before use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Seminar] "
# Invite-only: only an email on some seminar's roster may register (accounts/forms.py),
# without revealing which emails have accounts.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.RosterSignupForm"}
ACCOUNT_PREVENT_ENUMERATION = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded media: an S3-compatible store when configured (shared by every replica), else the
# local disk (MEDIA_ROOT); served at MEDIA_URL by the access-checking view (pages/media.py).
STORAGES = {
    "default": media_storage(
        env("MEDIA_STORAGE_URL"),
        {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            "region_name": env("AWS_S3_REGION_NAME"),
        },
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# nginx's internal location for the media view's X-Accel-Redirect; empty: the view streams.
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT").rstrip("/")

globals().update(email_settings(env("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Seminar <seminar@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise every task runs in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it ends, not when it starts: a killed worker's task goes back
# to the queue. A dead pool process: re-queued at once (reject_on_worker_lost); a dead
# worker (kill -9, lost machine): Redis restores it after the visibility timeout below.
# Safe because every task is idempotent (outbox keys, per-row claims; docs/email.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TIMEZONE = "UTC"
# Never let a request hang on a broker that is down: fail fast, the periodic sweep catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    "max_retries": 1,
    # An unacknowledged task is handed out again 45 s after delivery (default 1 h), checked
    # every 5 s: a killed worker's batch resumes within a minute. Outbox tasks stop
    # starting messages after 30 s (outbox.SEND_BUDGET_SECONDS); a longer task may run
    # twice at once, which sends nothing twice.
    "visibility_timeout": 45,
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Every minute: publish scheduled weeks whose publish_at has passed.
    "publish-scheduled-weeks": {"task": "core.tasks.weeks_publish_due", "schedule": 60.0},
}
# Enqueueing after commit: one try, else the outbox row waits for the sweep (outbox.py).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS["max_retries"] = 0  # publishing: one try (kombu: ~2 s more)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The queue tasks go to and workers read; change it only to share one Redis between sites.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE") or "celery"
# The notification jobs: each finds what is due by the state of the rows (never by ETA),
# so a missed beat loses nothing and an overlapping one sends nothing twice.
CELERY_BEAT_SCHEDULE |= {
    # Every 5 minutes: write the deadline reminders now due (48 h and 3 h before, per seminar).
    "deadline-reminders": {"task": "notifications.tasks.reminders_send_due", "schedule": 300.0},
    # Every 15 minutes: lead team 2 days before class, blogging team N days after.
    "duty-reminders": {"task": "notifications.tasks.duties_send_due", "schedule": 900.0},
    # Every minute: reply notices whose 15-minute batching window has passed.
    "reply-notices": {"task": "notifications.tasks.notices_send_due", "schedule": 60.0},
    # Every hour: the daily digest of replies (sent once a day, from 12:00 UTC).
    "reply-digest": {"task": "notifications.tasks.digests_send", "schedule": 3600.0},
    # Every minute, last: send outbox rows no task got to (broker down, worker killed).
    "outbox-sweep": {"task": "notifications.tasks.outbox_sweep", "schedule": 60.0},
}

MARKDOWNX_MARKDOWNIFY_FUNCTION = "core.lib.markdown.render_markdown"
MARKDOWN_MAX_LENGTH = 20_000
# The markdownx widget talks to our own guarded views (discussions/editor.py), never to
# markdownx.urls: its preview is unsanitised and its upload trusts the browser.
MARKDOWNX_URLS_PATH = "/editor/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/editor/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 750  # ms the widget waits before asking for a preview
PREVIEW_RATE = env("PREVIEW_RATE", "60/m")
# Image uploads: verified and re-encoded with Pillow, stored under random names.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_MAX_PIXELS = 20_000_000  # width × height of one frame
UPLOAD_MAX_TOTAL_PIXELS = 40_000_000  # over every frame of an animation, read from the header
# Django's own caps (its defaults, stated): a request body without files over 2.5 MB is
# refused, an uploaded file over 2.5 MB streams to a temporary file instead of memory. The
# editor's upload view refuses a body over UPLOAD_MAX_BYTES before reading any of it.
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_RATE = env("UPLOAD_RATE", "20/h")
# Posting per user: answers, replies, general comments and edits share POST_RATE; flags
# have FLAG_RATE. Over the limit the form comes back with a message and the text (429).
POST_RATE = env("POST_RATE", "20/m")
FLAG_RATE = env("FLAG_RATE", "10/m")

PAGE_STORE = envbool("PAGE_STORE", default=True)  # stored week pages (core/lib/page_store.py)
PAGE_STORE_MAX_BYTES = envint("PAGE_STORE_MAX_BYTES", 64 * 1024 * 1024)  # per process
JOINED_THREADS_MAX_BYTES = envint("JOINED_THREADS_MAX_BYTES", 16 * 1024 * 1024)  # assembly.py

# Production hardening: on whenever DEBUG is off.
# X-Forwarded-Proto only from a proxy that sets it (TRUST_PROXY=1, the compose file's nginx).
TRUST_PROXY = envbool("TRUST_PROXY", default=False)
if TRUST_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy (django-csp 4) on every response, the admin's too; README explains.
# Scripts: files under /static/ only (no inline code, no eval: htmx's allowEval is off in
# base.html); an inline script that must stay takes nonce="{{ request.csp_nonce }}". Styles:
# files only. KaTeX needs no 'unsafe-inline': katex.render sets styles through the CSSOM,
# which CSP allows; htmx's indicator <style> is off. img-src https: for markdown images from
# other sites (core/lib/markdown.py allows them). form-action only without social log-in:
# browsers apply it to the redirect to the provider, too.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "https:"],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
if not SOCIALACCOUNT_PROVIDER_APPS:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [SELF]

# LOG_FORMAT=json: a JSON object a line, else plain text; each line with its request's id.
LOGGING = logging_config(env("LOG_FORMAT", "plain"), env("LOG_LEVEL", "INFO"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING (LOG_FORMAT) too
# Error reporting when SENTRY_DSN is set (sentry-sdk is imported only then).
init_sentry(
    env("SENTRY_DSN"), env("SENTRY_ENVIRONMENT", "production"), env("SENTRY_TRACES_SAMPLE_RATE")
)
