"""How the outbox retries and talks to SMTP: the backoff schedule, what kind a failure
is, and one connection shared by a batch of messages.

A failed email is tried again after 30 s, 1, 2, 4, 8 minutes, then every 15 minutes at
most, each wait jittered between half and all of it, for as long as it is useful (see
`OutboxEmail.useful_until`); never given up by a count of attempts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)

RETRY_BASE = dt.timedelta(seconds=30)
RETRY_CAP = dt.timedelta(minutes=15)


def retry_delay(failures: int, rand: float | None = None) -> dt.timedelta:
    """The wait after the `failures`-th failure in a row: 30 s, 1, 2, 4, 8 min, then 15 min
    at most, with "equal jitter" (between half and all of it) so a backlog that failed
    together does not retry together."""
    step = min(RETRY_BASE * 2 ** (min(max(failures, 1), 16) - 1), RETRY_CAP)
    return step * (0.5 + (random.random() if rand is None else rand) / 2)  # noqa: S311


def next_attempt_at(
    failures: int, now: dt.datetime, useful_until: dt.datetime, rand: float | None = None
) -> dt.datetime:
    """When to try again: after the backoff, but near the end of an email's useful life
    at least once in the half of it that is left (never less than RETRY_BASE / 2)."""
    delay = retry_delay(failures, rand)
    left = useful_until - now
    return now + max(min(delay, left / 2), RETRY_BASE / 2)


def failure_kind(exc: BaseException) -> str:
    """ "refused": the server refused every recipient for good (5xx), trying again will not
    help; "message": this message was refused for now (4xx); "server": the server could
    not be reached or dropped us (connection, timeout, greeting, auth), so every email
    waits for it to come back."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return "refused" if codes and all(code >= 500 for code in codes) else "message"
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return "message"
    return "server"


class Connection:
    """One SMTP connection for a batch, opened on first use, reopened after a failure.

    Once the server cannot be reached (`down`), the batch stops: the remaining rows are
    not even claimed, so an unreachable server costs one timeout per batch, not one per
    email.
    """

    def __init__(self) -> None:
        self.backend: BaseEmailBackend | None = None
        self.down: BaseException | None = None

    def send(self, message: EmailMultiAlternatives) -> None:
        reused = self.backend is not None
        try:
            self._send(message)
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            # The server closed an idle or long-used connection before this message: once
            # more on a new one.
            self.close()
            self._send(message)

    def _send(self, message: EmailMultiAlternatives) -> None:
        try:
            if self.backend is None:
                backend = get_connection(fail_silently=False)
                backend.open()
                self.backend = backend
            message.connection = self.backend
            message.send()
        except Exception:
            self.close()
            raise

    def probe(self) -> bool:
        """Whether the server answers now (opens the connection for the next sends)."""
        try:
            if self.backend is None:
                backend = get_connection(fail_silently=False)
                backend.open()
                self.backend = backend
        except Exception as exc:  # noqa: BLE001 — unreachable, whatever the cause
            log.info("SMTP still unreachable: %r", exc)
            self.close()
            return False
        return True

    def close(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                backend.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
