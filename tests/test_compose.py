"""docker-compose.yml's promises, checked without Docker (CI also runs `docker-compose
config -q` when docker-compose is installed): the whole .env reaches every app service,
migrations run once before the app starts, every service has a health check, one beat,
and the proxy serves media only through the app's access check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_every_app_service_reads_the_whole_env_file_and_overrides_nothing(services):
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == "${SEMINAR_ENV_FILE:-.env}", name
        assert "environment" not in service, f"{name} overrides .env"


def test_migrations_run_once_before_web_worker_and_beat(services):
    assert "migrate" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in str(services[name].get("command", "")), name


def test_every_service_has_a_health_check_and_there_is_one_beat(services):
    assert all("healthcheck" in service for service in services.values())
    assert "replicas" not in str(services["beat"].get("deploy", {}))
    assert services["web"]["command"] == "gunicorn seminar.wsgi"  # gunicorn.conf.py


def test_the_proxy_is_the_only_published_port_and_media_go_through_the_app(services):
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["proxy"]
    assert services["proxy"]["image"].startswith("nginx:")
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    assert "location /media/" not in conf  # /media/ goes to the app, which checks access
    assert conf.count("internal;") == 2
    assert "proxy_set_header X-Forwarded-Proto" in conf
    assert "proxy_set_header X-Request-ID" in conf


def test_env_example_names_the_stack_s_settings():
    example = (ROOT / ".env.example").read_text()
    for line in ("DEBUG=0", "TRUST_PROXY=1", "MEDIA_ACCEL_REDIRECT=/_protected", "SECRET_KEY=\n"):
        assert line in example
    assert "MEDIA_STORAGE_URL=s3://" in example
