"""Queue outgoing mail: a row in the caller's transaction, a delivery task once it commits.

No mail is sent inside a web request, and a transaction that rolls back leaves neither the
row nor the task behind. The worker (`manage.py db_worker`) sends it: outbox.tasks.deliver.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core import requestid
from outbox.models import OutgoingMail
from outbox.tasks import deliver


def mail_queue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    kind: str = "",
    user=None,
) -> OutgoingMail:
    """Queue one mail to one address; it goes out after the current transaction commits."""
    mail = _build(
        to=to, subject=subject, text=text, html=html, headers=headers, kind=kind, user=user
    )
    mail.save()
    _enqueue_on_commit([mail.pk])
    return mail


def mail_queue_many(*, mails: Iterable[Mapping[str, Any]]) -> list[OutgoingMail]:
    """Queue many mails in one INSERT, each given by mail_queue's keyword arguments."""
    built = [_build(**fields) for fields in mails]
    if not built:
        return []
    created = OutgoingMail.objects.bulk_create(built)
    _enqueue_on_commit([mail.pk for mail in created])
    return created


def _build(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    kind: str = "",
    user=None,
) -> OutgoingMail:
    """Return an unsaved OutgoingMail, or raise ValidationError for what no server would take."""
    validate_email(to)
    headers = dict(headers or {})
    # A line break in a header would start a header of its own (header injection); Django
    # would refuse it only in the worker, where nobody is there to see it.
    lines = [subject, *headers.keys(), *map(str, headers.values())]
    if any("\n" in line or "\r" in line for line in lines):
        raise ValidationError(
            _("A mail header may not contain a line break."), code="header_line_break"
        )
    return OutgoingMail(
        to=to,
        subject=subject,
        text_body=text,
        html_body=html,
        headers={name: str(value) for name, value in headers.items()},
        kind=kind,
        user=user,
    )


def _enqueue_on_commit(mail_ids: list[int]) -> None:
    request_id = requestid.current()

    def enqueue():
        for mail_id in mail_ids:
            deliver.enqueue(mail_id, request_id=request_id)

    # robust: the rows are committed by then; a failed enqueue is logged, not raised into the
    # request, and `manage.py outbox_requeue` (run as the worker starts) finds those mails.
    transaction.on_commit(enqueue, robust=True)
