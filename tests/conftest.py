"""The named cast every test can use: staff, student, lead, blogger, auditor, outsider.

`week` is a published week of `seminar` (enrolled-only) with a deadline three days away,
two question sections of two questions each; `lead` leads it and `blogger` blogs it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from django.utils import timezone

from accounts.models import User
from core.models import Enrollment, Question, QuestionSection, Reading, Seminar, Week, WeekDuty

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True, scope="session")
def _celery_tasks_run_in_process() -> None:
    """No worker runs under pytest: tasks run in-process even when REDIS_URL is set (CI)."""
    from seminar.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


def _clear_own_keys(self) -> None:
    """RedisCache.clear for tests: delete this cache's keys only, never FLUSHDB (the Redis
    server and its databases are shared with whatever else runs on this machine)."""
    client = self._cache.get_client(None, write=True)
    for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
        client.delete(key)


@pytest.fixture(autouse=True, scope="session")
def _own_cache_namespace() -> Iterator[None]:
    """With Redis (CI), every test process keeps its keys under a prefix of its own, and
    clearing the cache deletes only those keys: parallel workers, a second run and any
    other user of the same Redis never see or lose each other's keys."""
    from unittest import mock

    from django.conf import settings
    from django.core.cache.backends.redis import RedisCache
    from django.test import override_settings

    cache = settings.CACHES["default"]
    if "redis" not in cache["BACKEND"].lower():
        yield
        return
    prefix = f"seminar-test-{uuid.uuid4().hex}"
    with (
        override_settings(CACHES={"default": {**cache, "KEY_PREFIX": prefix}}),
        mock.patch.object(RedisCache, "clear", _clear_own_keys),
    ):
        yield
        from django.core.cache import cache as current

        current.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> Iterator[None]:
    """pytest-django's test database, and at the end of the session no stray connection
    to it: a browser test's server thread or a killed worker process can leave one for a
    moment, and PostgreSQL then refuses to drop the database (a teardown warning)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Tests make many users and log them in: hash their passwords cheaply. (Production
    keeps Django's default PBKDF2 with a million rounds, about a second each here.)"""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: no rate-limit counter (allauth's login
    limit counts every log-in from 127.0.0.1) or cached page leaks into the next test.
    The week pages' stored comment markup (per process) is emptied too."""
    from django.core.cache import cache

    from discussions.page_cache import RENDERED, STORE

    cache.clear()
    STORE.clear()
    RENDERED.clear()


def make_user(email: str, **extra: object) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def seminar(db) -> Seminar:
    return Seminar.objects.create(
        title="LLM Risks", slug="llm-risks", term="Fall 2023", timezone="America/New_York"
    )


def enroll(user: User, seminar: Seminar, role: str = Enrollment.Role.STUDENT) -> User:
    Enrollment.objects.create(user=user, seminar=seminar, role=role)
    return user


@pytest.fixture
def staff(seminar) -> User:
    return enroll(make_user("staff@example.edu", is_staff=True), seminar, Enrollment.Role.STAFF)


@pytest.fixture
def student(seminar) -> User:
    return enroll(make_user("student@example.edu", first_name="Sam", last_name="Student"), seminar)


@pytest.fixture
def other_student(seminar) -> User:
    return enroll(make_user("other@example.edu", first_name="Olive"), seminar)


@pytest.fixture
def auditor(seminar) -> User:
    return enroll(make_user("auditor@example.edu"), seminar, Enrollment.Role.AUDITOR)


@pytest.fixture
def outsider(db) -> User:
    """A logged-in user not enrolled in the seminar."""
    return make_user("outsider@example.edu")


def make_week(seminar: Seminar, number: int = 1, **extra: object) -> Week:
    extra.setdefault("status", Week.Status.PUBLISHED)
    extra.setdefault("deadline", timezone.now() + dt.timedelta(days=3))
    week = Week.objects.create(
        seminar=seminar, number=number, slug=f"week{number}", title=f"Week {number}", **extra
    )
    reading = Reading.objects.create(week=week, position=0, number=1, title="A paper")
    for position in range(2):
        section = QuestionSection.objects.create(
            week=week,
            position=position,
            title=f"Questions about section {position + 1}",
            reading=reading if position == 0 else None,
        )
        for q in range(2):
            Question.objects.create(
                section=section,
                position=q,
                number=str(position * 2 + q + 1),
                body=f"Question **{position * 2 + q + 1}**?",
            )
    return week


@pytest.fixture
def week(seminar) -> Week:
    return make_week(seminar)


@pytest.fixture
def lead(seminar, week) -> User:
    user = enroll(make_user("lead@example.edu"), seminar)
    WeekDuty.objects.create(week=week, user=user, team=WeekDuty.Team.LEAD)
    return user


@pytest.fixture
def blogger(seminar, week) -> User:
    user = enroll(make_user("blogger@example.edu"), seminar)
    WeekDuty.objects.create(week=week, user=user, team=WeekDuty.Team.BLOG)
    return user


@pytest.fixture
def other_week_lead(seminar) -> User:
    """Leads week 2, not `week`."""
    other = make_week(seminar, number=2)
    user = enroll(make_user("otherlead@example.edu"), seminar)
    WeekDuty.objects.create(week=other, user=user, team=WeekDuty.Team.LEAD)
    return user


@pytest.fixture(autouse=True)
def _empty_page_store() -> Iterator[None]:
    """Stored pages (core/lib/page_store.py) never outlive a test: the next test's rows may
    reuse the ids and counters of this one's, rolled back."""
    from core.lib import page_store
    from discussions import assembly, page_cache

    stores = (page_store.STORE, page_store.BY_SITE, page_cache.LATEST, assembly.THREADS)
    for kept in stores:
        kept.clear()
    yield
    for kept in stores:
        kept.clear()


@pytest.fixture(autouse=True, scope="session")
def _flush_waits_out_a_browsers_last_request() -> Iterator[None]:
    """A browser test's database is emptied (TRUNCATE) when it ends, while the live server
    may still be answering the page's last request (a draft saved by sendBeacon as the
    page closes). On PostgreSQL the two can deadlock and the TRUNCATE is the one aborted:
    it is tried again, up to five times, half a second apart."""
    import time
    from unittest import mock

    from django.db import OperationalError
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def patient(self, sql_list):
        for attempt in range(5):
            try:
                return original(self, sql_list)
            except OperationalError as error:
                if "deadlock" not in str(error) or attempt == 4:
                    raise
                time.sleep(0.5)
        return None

    with mock.patch.object(BaseDatabaseOperations, "execute_sql_flush", patient):
        yield


@pytest.fixture
def same_minute() -> Iterator[None]:
    """A page kept by core/lib/page_store.py lives for the minute it was assembled in. A
    test that expects its views to be answered from a kept page starts at the top of a
    minute (the clock runs on from there), so that its views never straddle two."""
    import time_machine

    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=True):
        yield
