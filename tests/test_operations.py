"""Operations: liveness apart from readiness, request ids, JSON logs, the media store and
the proxy settings, all read from the environment."""

from __future__ import annotations

import json
import logging
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from core.lib.logs import JSONFormatter, RequestIDFilter, request_id_var

SETTINGS = Path(__file__).resolve().parents[1] / "seminar" / "settings.py"
NAMES = (
    "DEBUG", "SECRET_KEY", "MEDIA_STORAGE_URL", "AWS_STORAGE_BUCKET_NAME", "TRUST_PROXY",
    "LOG_FORMAT", "SENTRY_DSN", "MEDIA_ROOT",
)  # fmt: skip


@pytest.fixture
def load_settings(monkeypatch):
    def load(**env: str) -> dict[str, Any]:
        for name in NAMES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load


def test_healthz_is_liveness_and_touches_no_database(client):
    # No django_db mark: a query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_the_database(client, settings):
    settings.REDIS_URL = None
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_every_response_carries_a_request_id_and_a_sane_one_is_kept(client):
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/healthz")["X-Request-ID"] != fresh
    sent = client.get("/healthz", headers={"X-Request-ID": "abc12345-from-nginx"})
    assert sent["X-Request-ID"] == "abc12345-from-nginx"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\nInjected: 1"})
    assert forged["X-Request-ID"] != "x\nInjected: 1" and len(forged["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id():
    record = logging.makeLogRecord({"name": "seminar", "levelname": "WARNING", "msg": "hi %s"})
    record.args = ("there",)
    token = request_id_var.set("req-1234567")
    try:
        RequestIDFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JSONFormatter().format(record))
    assert line["message"] == "hi there"
    assert line["request_id"] == "req-1234567"
    assert line["level"] == "WARNING" and line["logger"] == "seminar"


def test_log_format_json_switches_the_console_formatter(load_settings):
    assert load_settings(LOG_FORMAT="json")["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert load_settings()["LOGGING"]["handlers"]["console"]["formatter"] == "plain"


def test_media_go_to_the_object_store_when_configured(load_settings):
    local = load_settings()["STORAGES"]["default"]
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"

    s3 = load_settings(MEDIA_STORAGE_URL="s3://key:se%2Fcret@minio:9000/media?secure=0")
    default = s3["STORAGES"]["default"]
    assert default["BACKEND"] == "core.lib.storage.PrivateS3Storage"
    assert default["OPTIONS"]["bucket_name"] == "media"
    assert default["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert default["OPTIONS"]["secret_key"] == "se/cret"

    aws = load_settings(AWS_STORAGE_BUCKET_NAME="b")["STORAGES"]["default"]
    assert aws["OPTIONS"]["bucket_name"] == "b" and aws["OPTIONS"]["endpoint_url"] is None


def test_the_forwarded_proto_header_is_trusted_only_behind_a_proxy(load_settings):
    assert "SECURE_PROXY_SSL_HEADER" not in load_settings()
    header = load_settings(TRUST_PROXY="1")["SECURE_PROXY_SSL_HEADER"]
    assert header == ("HTTP_X_FORWARDED_PROTO", "https")


def test_an_empty_value_means_the_default(load_settings, tmp_path):
    assert load_settings(MEDIA_ROOT="")["MEDIA_ROOT"] == SETTINGS.parents[1] / "media"


def test_sentry_is_imported_only_with_a_dsn(load_settings, monkeypatch):
    monkeypatch.delitem(sys.modules, "sentry_sdk", raising=False)
    load_settings()
    assert "sentry_sdk" not in sys.modules
