"""Shared helpers of the notification tests: a real local SMTP server, a class of
students and a week whose deadline is a given time away."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from accounts.models import User
from core.models import Seminar, Week
from tests.conftest import enroll, make_user, make_week


class Inbox:
    """An aiosmtpd handler keeping every message it receives (thread-safe)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 — aiosmtpd API
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(rcpt for rcpts, _ in self.messages for rcpt in rcpts)

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return
            time.sleep(0.05)
        raise AssertionError(f"expected {count} emails, got {len(self.messages)}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), for this process or a worker."""
    # aiosmtpd logs every SMTP line at INFO, from its own thread, sometimes after the
    # test's log capture has closed: keep only warnings.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp_inbox(smtp_server, settings) -> Inbox:
    """Django sends through the real local SMTP server."""
    inbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return inbox


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = "https://seminar.example.edu"


def make_class(seminar: Seminar, count: int, prefix: str = "s") -> list[User]:
    return [enroll(make_user(f"{prefix}{i:02d}@example.edu"), seminar) for i in range(count)]


def due_in(hours: float, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(hours=hours)


@pytest.fixture
def make_due_week(seminar) -> Callable[..., Week]:
    def build(hours: float, number: int = 1, **extra: object) -> Week:
        return make_week(seminar, number=number, deadline=due_in(hours), **extra)

    return build
