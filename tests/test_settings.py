"""Settings come from the environment; production values pass Django's deploy check."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "seminar" / "settings.py"
ENV_NAMES = (
    "DEBUG", "TESTING", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL",
    "DATABASE_URL", "DB_CONN_MAX_AGE", "REDIS_URL", "EMAIL_URL", "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "TIME_ZONE", "MEDIA_ROOT",
    "PAGE_STORE_MAX_BYTES", "JOINED_THREADS_MAX_BYTES",
)  # fmt: skip


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "seminar.example.edu",
        "CSRF_TRUSTED_ORIGINS": "https://seminar.example.edu",
        "SITE_URL": "https://seminar.example.edu",
        "DATABASE_URL": "postgres://seminar:pw@db.example.edu:5432/seminar",
        "REDIS_URL": "redis://redis.example.edu:6379/0",
        "EMAIL_URL": "smtp+tls://seminar:pw@smtp.example.edu:587",
    }


@pytest.fixture
def load_settings(monkeypatch):
    """Evaluate seminar/settings.py afresh with exactly the given environment variables."""

    def load(**env: str) -> dict[str, Any]:
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process only; a deployment
    # never has it, so the child must not inherit it.
    dropped = {*ENV_NAMES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_a_weak_secret_key():
    env = {**production_env(), "SECRET_KEY": "too-short"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_manage_refuses_to_start_without_secret_key_when_debug_is_off():
    env = {**production_env(), "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_raise_without_secret_key_when_debug_is_off(load_settings):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(DEBUG="0")


def test_debug_without_secret_key_uses_a_development_key(load_settings):
    settings = load_settings()
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"]
    assert "localhost" in settings["ALLOWED_HOSTS"]


def test_production_turns_on_secure_cookies_hsts_and_https_redirect(load_settings):
    settings = load_settings(**production_env())
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["seminar.example.edu"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 31_536_000


def test_bad_boolean_is_a_clear_error(load_settings):
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        load_settings(DEBUG="maybe")


def test_database_defaults_to_sqlite_in_the_project(load_settings):
    database = load_settings()["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == ROOT / "db.sqlite3"


def test_database_url_selects_postgresql(load_settings):
    settings = load_settings(
        DATABASE_URL="postgres://seminar:p%40ss@db.example.edu:6543/seminar_prod",
        DB_CONN_MAX_AGE="30",
    )
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "seminar_prod",
        "seminar",
        "p@ss",
    )
    assert (database["HOST"], database["PORT"]) == ("db.example.edu", 6543)
    assert database["CONN_MAX_AGE"] == 30


def test_without_redis_url_tasks_run_in_process_and_cache_is_local(load_settings):
    settings = load_settings()
    assert settings["REDIS_URL"] == ""
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is True
    assert settings["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_redis_url_is_the_cache_and_the_celery_broker(load_settings):
    settings = load_settings(REDIS_URL="redis://redis.example.edu:6379/2")
    assert settings["CELERY_BROKER_URL"] == "redis://redis.example.edu:6379/2"
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is False
    cache = settings["CACHES"]["default"]
    assert cache["BACKEND"] == "core.lib.cache.FailoverRedisCache"  # RedisCache, failing over
    assert cache["LOCATION"] == "redis://redis.example.edu:6379/2"


def test_email_defaults_to_the_console(load_settings):
    assert load_settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_smtp_email_url_sets_host_port_credentials_and_tls(load_settings):
    settings = load_settings(
        EMAIL_URL="smtp+tls://mailer%40example.edu:s%3Acret@smtp.example.edu:587"
    )
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("smtp.example.edu", 587)
    assert settings["EMAIL_HOST_USER"] == "mailer@example.edu"
    assert settings["EMAIL_HOST_PASSWORD"] == "s:cret"
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["EMAIL_USE_SSL"] is False


def test_smtp_ssl_email_url_uses_ssl(load_settings):
    settings = load_settings(EMAIL_URL="smtp+ssl://smtp.example.edu:465")
    assert settings["EMAIL_USE_SSL"] is True
    assert settings["EMAIL_USE_TLS"] is False
    assert settings["EMAIL_HOST_USER"] == ""


def test_unknown_email_scheme_is_a_clear_error(load_settings):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme"):
        load_settings(EMAIL_URL="imap://mail.example.edu")


def test_env_example_documents_every_variable_settings_read():
    read = set(re.findall(r'\benv(?:bool|int|list)?\(\s*"([A-Z0-9_]+)"', SETTINGS.read_text()))
    documented = set(
        re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE)
    )
    assert read, "no env() calls found in settings.py"
    assert read <= documented, f"missing from .env.example: {sorted(read - documented)}"


# --- The development secret key -------------------------------------------------------------


def fresh_checkout(root: Path) -> Path:
    """A copy of the project's settings module in a folder of its own: BASE_DIR is `root`."""
    (root / "seminar").mkdir(parents=True)
    (root / "seminar" / "settings.py").write_text(SETTINGS.read_text())
    return root


@pytest.fixture
def load_checkout(monkeypatch):
    """Evaluate a fresh checkout's settings with the given environment variables."""

    def load(root: Path, **env: str) -> dict[str, Any]:
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(root / "seminar" / "settings.py"))

    return load


def test_two_fresh_checkouts_in_development_get_different_random_keys(tmp_path, load_checkout):
    first = load_checkout(fresh_checkout(tmp_path / "a"))["SECRET_KEY"]
    second = load_checkout(fresh_checkout(tmp_path / "b"))["SECRET_KEY"]
    assert first != second
    assert len(first) >= 50 and len(second) >= 50
    assert "insecure" not in first and "insecure" not in second


def test_the_development_key_is_kept_in_a_private_file_and_read_again(tmp_path, load_checkout):
    root = fresh_checkout(tmp_path / "checkout")
    key = load_checkout(root)["SECRET_KEY"]
    key_file = root / ".secret_key"
    assert key_file.read_text().strip() == key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_checkout(root)["SECRET_KEY"] == key  # the next start reads the same key


def test_a_set_secret_key_writes_no_key_file(tmp_path, load_checkout):
    root = fresh_checkout(tmp_path / "checkout")
    assert load_checkout(root, SECRET_KEY="x" * 60)["SECRET_KEY"] == "x" * 60
    assert not (root / ".secret_key").exists()


def test_production_without_secret_key_refuses_even_with_a_key_file(tmp_path, load_checkout):
    root = fresh_checkout(tmp_path / "checkout")
    load_checkout(root)  # a development run leaves .secret_key behind
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is off"):
        load_checkout(root, DEBUG="0")


def test_an_empty_key_file_is_a_clear_error(tmp_path, load_checkout):
    root = fresh_checkout(tmp_path / "checkout")
    (root / ".secret_key").write_text("")
    with pytest.raises(ImproperlyConfigured, match=r"\.secret_key is empty"):
        load_checkout(root)


def test_the_key_file_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", ".secret_key"], cwd=ROOT, check=False
    )
    assert result.returncode == 0, ".secret_key must be listed in .gitignore"


def test_the_memory_kept_per_process_comes_from_the_environment(load_settings):
    defaults = load_settings()
    assert defaults["PAGE_STORE_MAX_BYTES"] == 64 * 1024 * 1024
    assert defaults["JOINED_THREADS_MAX_BYTES"] == 16 * 1024 * 1024
    chosen = load_settings(PAGE_STORE_MAX_BYTES="1000000", JOINED_THREADS_MAX_BYTES="250000")
    assert chosen["PAGE_STORE_MAX_BYTES"] == 1_000_000
    assert chosen["JOINED_THREADS_MAX_BYTES"] == 250_000


def test_the_stores_are_bounded_by_those_settings():
    from django.conf import settings

    from core.lib import page_store
    from discussions import assembly

    assert page_store.STORE.max_bytes == settings.PAGE_STORE_MAX_BYTES
    assert assembly.THREADS.max_bytes == settings.JOINED_THREADS_MAX_BYTES
