"""Settings of a deployment, built from the values settings.py reads from the environment:
the media store (S3-compatible or the local disk), email, logging and error reporting.
Kept apart from settings.py, which stays a list of values (and under 400 lines)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def media_storage(url: str, aws: dict[str, str]) -> dict[str, Any]:
    """STORAGES["default"]: the S3-compatible store of MEDIA_STORAGE_URL,
    s3://KEY:SECRET@host:port/bucket?region=R&secure=0 (no host: AWS itself), or, without
    it, of django-storages' names in `aws` (bucket_name, endpoint_url, access_key,
    secret_key, region_name); the local disk when neither is set."""
    options: dict[str, Any] = {"addressing_style": "path", "signature_version": "s3v4"}
    if url:
        parts = urlparse(url)
        if parts.scheme != "s3" or not parts.path.strip("/"):
            raise ImproperlyConfigured(
                "MEDIA_STORAGE_URL must look like s3://key:secret@host:port/bucket"
            )
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        secure = query.get("secure", "1").lower() not in ("0", "false", "no", "off")
        options |= {
            "bucket_name": parts.path.strip("/"),
            "access_key": unquote(parts.username or "") or None,
            "secret_key": unquote(parts.password or "") or None,
            "region_name": query.get("region") or None,
        }
        if parts.hostname:
            scheme, port = ("https" if secure else "http"), f":{parts.port}" if parts.port else ""
            options["endpoint_url"] = f"{scheme}://{parts.hostname}{port}"
    elif aws.get("bucket_name"):
        options |= {key: value or None for key, value in aws.items()}
    else:
        return FILE_SYSTEM
    return {"BACKEND": "core.lib.storage.PrivateS3Storage", "OPTIONS": options}


def email_settings(url: str) -> dict[str, object]:
    """Turn EMAIL_URL (console://, smtp://user:pass@host:port, smtp+tls://, smtp+ssl://)
    into Django's email settings."""
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parts = urlparse(url)
    if parts.scheme not in ("smtp", "smtp+tls", "smtp+ssl"):
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be console, smtp, smtp+tls or smtp+ssl: {url!r}"
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": 10,
    }


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """Console logging, every line with the request's id (core/lib/logs.py): plain text, or
    with LOG_FORMAT=json one JSON object a line, for a log collector."""
    if log_format not in ("plain", "json"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.lib.logs.RequestIDFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
            "json": {"()": "core.lib.logs.JSONFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }


def init_sentry(dsn: str, environment: str, traces_sample_rate: str) -> None:
    """Error reporting to Sentry (or GlitchTip): sentry-sdk is imported only when a DSN is
    set. No personal data is sent."""
    if not dsn:
        return
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=float(traces_sample_rate or 0),
        send_default_pii=False,
    )
