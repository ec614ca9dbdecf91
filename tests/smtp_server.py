"""A real SMTP server on loopback for the mail tests (aiosmtpd), and the worker that feeds it.

Use it from any test module:

    from tests.smtp_server import run_worker, smtp_server  # noqa: F401 (a fixture)

    @pytest.mark.django_db(transaction=True)
    def test_reply_mails_the_author(smtp_server):
        ...  # something that calls outbox.services.mail_queue and commits
        run_worker()
        [received] = smtp_server.messages
        assert received.rcpt_tos == ["author@example.org"]
        assert received.message["Subject"] == "..."
        assert received.text() and received.html()

The fixture starts the server on 127.0.0.1 at a free port, waits until it answers, points
Django's SMTP backend at it (EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, no TLS, no login) for the
test, and stops it afterwards. Its knobs:

- `smtp_server.messages`: what it accepted, in order (`Received`: mail_from, rcpt_tos, the
  parsed `email.message.EmailMessage` and its raw bytes).
- `smtp_server.refuse(address, code)`: answer RCPT TO for that address with `550` (a refusal
  for good: the mail bounces) or `451` (try again later); `refuse_all(code)` for every
  address; `refuse_data(code)` answers DATA instead. `allow()` clears them all.
- `smtp_server.stop()` / `start()`: take it down (connections are refused) and bring it back
  on the same port.

`run_worker()` runs `manage.py db_worker --batch --no-startup-delay` in this process: every
task that is due runs, then it returns. The worker uses its own transactions and closes the
connection between tasks, so tests that call it need `django_db(transaction=True)`; it also
sets signal handlers, which run_worker puts back.
"""

import email
import signal
import socket
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

HOST = "127.0.0.1"
REPLIES = {
    550: "550 5.1.1 No such user here",
    554: "554 5.7.1 Message refused",
    451: "451 4.3.0 Try again later",
    452: "452 4.2.2 Mailbox full",
}


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage

    def text(self) -> str:
        """Return the text/plain body."""
        return self.message.get_body(preferencelist=("plain",)).get_content()

    def html(self) -> str | None:
        """Return the text/html body, or None when there is none."""
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else None


@dataclass
class _Handler:
    """aiosmtpd handler: records messages, refuses as told (runs in the server's thread)."""

    messages: list[Received] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)
    refuse_every: int | None = None
    data_refusal: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self.lock:
            code = self.refusals.get(address.lower(), self.refuse_every)
        if code is not None:
            return REPLIES.get(code, f"{code} Refused")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            code = self.data_refusal
        if code is not None:
            return REPLIES.get(code, f"{code} Refused")
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=policy.default)
        with self.lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), raw, message)
            )
        return "250 Message accepted for delivery"


class SMTPServer:
    """An aiosmtpd server on HOST:port that can be stopped and started again."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = _Handler()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen, and return once the server answers."""
        if self._controller is None:
            # A Controller closes its event loop when stopped: each start needs a new one.
            controller = Controller(self.handler, hostname=HOST, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """Stop listening; connections are refused until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str, code: int = 550) -> None:
        with self.handler.lock:
            self.handler.refusals[address.lower()] = code

    def refuse_all(self, code: int = 550) -> None:
        with self.handler.lock:
            self.handler.refuse_every = code

    def refuse_data(self, code: int = 554) -> None:
        with self.handler.lock:
            self.handler.data_refusal = code

    def allow(self) -> None:
        with self.handler.lock:
            self.handler.refusals.clear()
            self.handler.refuse_every = None
            self.handler.data_refusal = None

    def clear(self) -> None:
        """Forget the messages received so far."""
        with self.handler.lock:
            self.handler.messages.clear()


def free_port() -> int:
    """Return a TCP port on HOST that nothing listens on just now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def smtp_settings(settings, port: int) -> None:
    """Point Django's SMTP backend at HOST:port (settings: pytest-django's fixture, or
    django.conf.settings inside override_settings)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = HOST
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(settings):
    """A running SMTPServer that Django's mail goes to for this test."""
    server = SMTPServer()
    server.start()
    smtp_settings(settings, server.port)
    yield server
    server.stop()


def run_worker(*args: str) -> None:
    """Run every due task now, in this process (db_worker --batch), then return."""
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", *args, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
