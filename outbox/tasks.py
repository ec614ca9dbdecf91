"""Deliver outgoing mail: the task the worker (`manage.py db_worker`) runs for each mail.

The row, not the task's result, tells what became of a mail: the task records every outcome
on it and raises for none of them. A temporary failure (the server is down or slow, a 4xx
reply) schedules the next attempt as a task of its own, with growing delays
(OutgoingMail.retry_delay), and gives up after OutgoingMail.MAX_ATTEMPTS; a refusal for good
(5xx for the recipient or the message) marks the mail bounced and sends address_bounced.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core import requestid
from outbox.models import OutgoingMail
from outbox.signals import address_bounced

logger = logging.getLogger(__name__)


@task()
def deliver(mail_id: int, request_id: str = "") -> str:
    """Send one queued mail and record the outcome on its row; return the row's status.

    Safe to run twice or at the same time in two workers: the row stays locked while it is
    sent, and a mail that is not queued (or whose next attempt is later) is skipped.
    request_id: the request (core/requestid.py) that led to the mail, for the log lines.
    """
    with requestid.bound(request_id):
        return _deliver(mail_id, request_id)


def _deliver(mail_id: int, request_id: str) -> str:
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None or not mail.is_due():
            # Being sent by another worker, sent already, given up on, or not due yet.
            return "skipped"
        now = timezone.now()
        mail.attempts += 1
        try:
            send(mail)
        except OSError as error:  # smtplib.SMTPException included
            mail.last_error = describe(error)
            if is_permanent(error):
                mail.status = OutgoingMail.Status.BOUNCED
            elif mail.may_retry():
                mail.next_attempt_at = now + mail.retry_delay()
                deliver.using(run_after=mail.next_attempt_at).enqueue(
                    mail.pk, request_id=request_id
                )
            else:
                mail.status = OutgoingMail.Status.FAILED
        except ValueError as error:
            # A message that cannot be built or encoded (BadHeaderError, an address Django
            # cannot encode): no later attempt would do better.
            mail.last_error = describe(error)
            mail.status = OutgoingMail.Status.FAILED
        else:
            mail.status = OutgoingMail.Status.SENT
            mail.sent_at = now
            mail.last_error = ""
        mail.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
        if mail.status == OutgoingMail.Status.BOUNCED:
            address_bounced.send(sender=OutgoingMail, address=mail.to, mail=mail)
        if mail.status != OutgoingMail.Status.SENT:
            logger.warning("mail %s to %s: %s (%s)", mail.pk, mail.to, mail.status, mail.last_error)
        else:
            logger.info("mail %s sent (attempt %d)", mail.pk, mail.attempts)
        return mail.status


def send(mail: OutgoingMail) -> None:
    """Hand the mail to the configured backend (settings.EMAIL_BACKEND); raise on failure."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=mail.headers,
        connection=get_connection(),
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    message.send()


def is_permanent(error: OSError) -> bool:
    """Say whether the server refused the recipient or the message for good (a 5xx reply).

    A refused sender is not: it concerns our own address (DEFAULT_FROM_EMAIL), not the
    reader's, so it is retried like a temporary failure and marks no reader's address.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def describe(error: Exception) -> str:
    """Return one line for last_error: the server's reply when there is one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, reply = error.smtp_code, error.smtp_error
    else:
        return f"{type(error).__name__}: {error}"[:1000]
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return f"{type(error).__name__}: {code} {reply}"[:1000]
