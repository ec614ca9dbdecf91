"""Background work of notifications, run by django-tasks-db's db_worker (never in a request)."""

import logging
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from core import requestid
from notifications.mail import mail_user
from notifications.models import Frequency, Kind, MailSettings

logger = logging.getLogger(__name__)


def schedule_mail(recipients) -> None:
    """After this transaction commits, schedule a look, MAIL_DELAY_SECONDS later, at whether
    these readers want a mail (one task for all of them)."""
    if not recipients:
        return
    user_ids = sorted(recipients)
    request_id = requestid.current()  # the worker's lines for this task repeat it

    def enqueue():
        delay = timedelta(seconds=settings.CROSSTALK["MAIL_DELAY_SECONDS"])
        mail_immediately.using(run_after=timezone.now() + delay).enqueue(
            user_ids, request_id=request_id
        )

    transaction.on_commit(enqueue)


@task()
def mail_immediately(user_ids: list[int], request_id: str = "") -> int:
    """Mail each of these readers what they want told immediately and have not read yet;
    return how many mails were queued. request_id: the request whose event scheduled it."""
    with requestid.bound(request_id):
        users = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
        queued = sum(mail_user(user, frequency=Frequency.IMMEDIATELY) for user in users)
        logger.info("%d mail(s) queued for %d reader(s)", queued, len(user_ids))
        return queued


def next_digest_time(now: datetime | None = None) -> datetime:
    """The next DIGEST_HOUR (UTC) after now."""
    now = now or timezone.now()
    at = datetime.combine(now.date(), time(settings.CROSSTALK["DIGEST_HOUR"]), tzinfo=UTC)
    return at if at > now else at + timedelta(days=1)


def send_digests(now: datetime | None = None) -> int:
    """Queue today's digest for every reader who wants any kind daily; return how many."""
    daily = Q()
    for kind in Kind.values:
        daily |= Q(**{kind: Frequency.DAILY})
    users = get_user_model().objects.filter(
        pk__in=MailSettings.objects.filter(daily).values("user_id"), is_active=True
    )
    return sum(mail_user(user, frequency=Frequency.DAILY, now=now) for user in users)


@task()
def mail_digests() -> int:
    """Send the daily digests, then schedule tomorrow's."""
    sent = send_digests()
    mail_digests.using(run_after=next_digest_time()).enqueue()
    return sent
