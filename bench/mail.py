"""Mail figure: how many queued mails one task worker sends a second.

MAILS mails are queued in one transaction (outbox.services.mail_queue_many), then one
`db_worker --batch` runs in this process and delivers them over SMTP to an aiosmtpd sink on
loopback that accepts everything. The clock covers the worker only: claiming each task, locking
and updating its mail row, building the message and one SMTP conversation per mail. The
bench database is the bench's own, so every task row in it is cleared first: nothing else
(a notification task left by another section) runs inside the measurement.
"""

import signal
import socket
import time

from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from bench.report import emit, progress
from outbox.models import OutgoingMail
from outbox.services import mail_queue_many

MAILS = 500
MAILS_PER_S = 50
KIND = "bench"
HOST = "127.0.0.1"


class _Sink:
    """Accept every message, keep only the count."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received += 1
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _clear() -> None:
    OutgoingMail.objects.filter(kind=KIND).delete()
    DBTaskResult.objects.all().delete()


def _run_worker() -> None:
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    handlers = {sig: signal.getsignal(sig) for sig in signals}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    finally:
        for sig, handler in handlers.items():  # db_worker sets its own
            signal.signal(sig, handler)


def mail_figures() -> None:
    """Emit mail_worker_mails_per_s."""
    progress(f"mail: {MAILS} mails through one worker to a local SMTP sink")
    _clear()
    sink = _Sink()
    port = _free_port()
    controller = Controller(sink, hostname=HOST, port=port)
    controller.start()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    try:
        with override_settings(**smtp):
            with transaction.atomic():
                mail_queue_many(
                    mails=[
                        {
                            "to": f"reader{n}@example.org",
                            "subject": f"Bench mail {n}",
                            "text": "A reply to your comment.\n" * 20,
                            "html": "<p>A reply to your comment.</p>" * 20,
                            "headers": {"List-Unsubscribe": f"<https://example.org/u/{n}/>"},
                            "kind": KIND,
                        }
                        for n in range(MAILS)
                    ]
                )
            started = time.perf_counter()
            _run_worker()
            elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    sent = OutgoingMail.objects.filter(kind=KIND, status=OutgoingMail.Status.SENT).count()
    emit(
        "mail_worker_mails_per_s",
        sent / elapsed,
        "mails/s",
        at_least=MAILS_PER_S,
        mails=MAILS,
        sent=sent,
        received=sink.received,
        seconds=elapsed,
    )
    _clear()
