from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingMail
from outbox.services import mail_queue
from tests.smtp_server import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def requeue() -> str:
    out = StringIO()
    call_command("outbox_requeue", stdout=out)
    return out.getvalue().strip()


def queue(to="mina@example.org") -> OutgoingMail:
    with transaction.atomic():
        return mail_queue(to=to, subject="Hi", text="Hello.")


def test_mail_whose_task_was_lost_is_delivered_after_requeue(smtp_server):
    mail = queue()
    DBTaskResult.objects.all().delete()  # the worker's queue lost it
    run_worker()
    assert smtp_server.messages == []

    assert requeue() == "Requeued 1 mail."
    run_worker()
    assert [m.rcpt_tos for m in smtp_server.messages] == [["mina@example.org"]]
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT


def test_mail_whose_worker_was_killed_while_sending_is_delivered_after_requeue(smtp_server):
    mail = queue()
    # A worker killed mid-task leaves its task "running" for good, and the mail queued.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert requeue() == "Requeued 1 mail."
    run_worker()
    assert len(smtp_server.messages) == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT


def test_requeue_skips_mail_that_waits_for_its_task_is_not_due_or_was_sent(smtp_server):
    waiting = queue("waiting@example.org")  # its task is still there
    later = queue("later@example.org")
    sent = queue("sent@example.org")
    DBTaskResult.objects.exclude(args_kwargs__args=[waiting.pk]).delete()
    OutgoingMail.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + OutgoingMail.MAX_RETRY_DELAY
    )
    OutgoingMail.objects.filter(pk=sent.pk).update(status=OutgoingMail.Status.SENT)

    assert requeue() == "Requeued 0 mails."
    [task] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert task.args_kwargs["args"] == [waiting.pk]


def test_requeue_twice_enqueues_once_and_the_mail_is_sent_once(smtp_server):
    queue()
    DBTaskResult.objects.all().delete()
    assert requeue() == "Requeued 1 mail."
    assert requeue() == "Requeued 0 mails."
    run_worker()
    assert len(smtp_server.messages) == 1
