from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingMail
from outbox.services import mail_queue, mail_queue_many
from outbox.tasks import deliver
from tests.factories import make_user
from tests.smtp_server import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

UNSUBSCRIBE = {
    "List-Unsubscribe": "<https://crosstalk.example/notifications/unsubscribe/abc/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def queue(**overrides) -> OutgoingMail:
    fields = {"to": "mina@example.org", "subject": "A reply to your comment", "text": "Hello."}
    fields.update(overrides)
    with transaction.atomic():
        return mail_queue(**fields)


def waiting_tasks():
    return DBTaskResult.objects.filter(task_path=deliver.module_path, status=TaskResultStatus.READY)


def let_time_pass():
    """Make every scheduled retry due now, as if its delay had passed."""
    now = timezone.now()
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=now)
    OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).update(next_attempt_at=now)


def test_queued_mail_reaches_the_smtp_server_with_text_html_and_headers(smtp_server, settings):
    user = make_user(email="mina@example.org")
    mail = queue(
        html="<p>Hello, <b>Mina</b>.</p>", headers=UNSUBSCRIBE, kind="notifications", user=user
    )
    run_worker()

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["mina@example.org"]
    assert received.message["To"] == "mina@example.org"
    assert received.message["From"] == settings.DEFAULT_FROM_EMAIL
    assert received.message["Subject"] == "A reply to your comment"
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.text().strip() == "Hello."
    assert received.html().strip() == "<p>Hello, <b>Mina</b>.</p>"
    assert received.message["List-Unsubscribe"] == UNSUBSCRIBE["List-Unsubscribe"]
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert mail.sent_at is not None
    assert mail.attempts == 1
    assert mail.user == user


def test_text_only_mail_has_no_html_part(smtp_server):
    queue()
    run_worker()
    [received] = smtp_server.messages
    assert received.message.get_content_type() == "text/plain"
    assert received.html() is None


def test_nothing_is_sent_before_the_worker_runs(smtp_server):
    mail = queue()
    assert smtp_server.messages == []
    assert waiting_tasks().count() == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.QUEUED
    assert mail.attempts == 0


def test_no_task_is_enqueued_before_the_transaction_commits(smtp_server):
    with transaction.atomic():
        mail_queue(to="mina@example.org", subject="Hi", text="Hello.")
        assert waiting_tasks().count() == 0
    assert waiting_tasks().count() == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server):
    class Failed(Exception):
        pass

    with pytest.raises(Failed), transaction.atomic():
        mail_queue(to="mina@example.org", subject="Hi", text="Hello.")
        raise Failed
    run_worker()
    assert smtp_server.messages == []
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_server_down_keeps_the_mail_queued_and_retries_it_once_it_is_back(smtp_server):
    smtp_server.stop()
    mail = queue()
    started = timezone.now()
    run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.QUEUED
    assert mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at >= started + OutgoingMail.RETRY_DELAY
    [retry] = waiting_tasks()
    assert retry.run_after == mail.next_attempt_at
    assert retry.args_kwargs["args"] == [mail.pk]

    smtp_server.start()
    run_worker()  # the retry is not due yet
    assert smtp_server.messages == []

    let_time_pass()
    run_worker()
    run_worker()
    assert len(smtp_server.messages) == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert mail.attempts == 2
    assert mail.last_error == ""
    assert not waiting_tasks().exists()


def test_retry_delays_double_up_to_the_cap():
    mail = OutgoingMail(attempts=1)
    delays = []
    for attempts in range(1, 12):
        mail.attempts = attempts
        delays.append(mail.retry_delay())
    assert delays[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert delays[-1] == OutgoingMail.MAX_RETRY_DELAY
    assert delays == sorted(delays)


def test_mail_fails_after_the_last_attempt(smtp_server):
    smtp_server.stop()
    mail = queue()
    OutgoingMail.objects.filter(pk=mail.pk).update(attempts=OutgoingMail.MAX_ATTEMPTS - 1)
    run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert mail.attempts == OutgoingMail.MAX_ATTEMPTS
    assert not waiting_tasks().exists()


def test_permanent_refusal_bounces_the_mail_and_signals_the_address(smtp_server, bounces):
    smtp_server.refuse("gone@example.org", 550)
    mail = queue(to="gone@example.org")
    run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.BOUNCED
    assert mail.attempts == 1
    assert "550" in mail.last_error
    assert [address for address, _mail in bounces] == ["gone@example.org"]
    assert bounces[0][1].pk == mail.pk
    assert smtp_server.messages == []
    assert not waiting_tasks().exists()


def test_permanent_refusal_of_the_message_bounces_it(smtp_server, bounces):
    smtp_server.refuse_data(554)
    mail = queue()
    run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.BOUNCED
    assert [address for address, _mail in bounces] == ["mina@example.org"]


def test_temporary_refusal_is_retried(smtp_server, bounces):
    smtp_server.refuse("busy@example.org", 451)
    mail = queue(to="busy@example.org")
    run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.QUEUED
    assert mail.attempts == 1
    assert "451" in mail.last_error
    assert waiting_tasks().count() == 1
    assert bounces == []

    smtp_server.allow()
    let_time_pass()
    run_worker()
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert [m.rcpt_tos for m in smtp_server.messages] == [["busy@example.org"]]


def test_refused_sender_is_retried_and_marks_no_reader(smtp_server, bounces, settings):
    settings.DEFAULT_FROM_EMAIL = "crosstalk <noreply@example.org>"

    async def refuse_sender(server, session, envelope, address, mail_options):
        return "550 5.7.1 Sender not allowed"

    smtp_server.handler.handle_MAIL = refuse_sender
    mail = queue()
    run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.QUEUED
    assert "SMTPSenderRefused" in mail.last_error
    assert bounces == []


def test_a_mail_enqueued_twice_is_sent_once(smtp_server):
    mail = queue()
    deliver.enqueue(mail.pk)
    assert waiting_tasks().count() == 2
    run_worker()
    assert len(smtp_server.messages) == 1


def test_deliver_skips_a_mail_that_is_no_longer_queued(smtp_server):
    mail = queue()
    OutgoingMail.objects.filter(pk=mail.pk).update(status=OutgoingMail.Status.BOUNCED)
    assert deliver.call(mail.pk) == "skipped"
    assert deliver.call(mail.pk + 1000) == "skipped"
    assert smtp_server.messages == []


def test_queue_many_sends_each_mail_to_its_own_address(smtp_server):
    with transaction.atomic():
        mails = mail_queue_many(
            mails=[
                {"to": f"reader{n}@example.org", "subject": f"Digest {n}", "text": "News."}
                for n in range(5)
            ]
        )
    assert len(mails) == 5
    run_worker()
    received = sorted((m.rcpt_tos[0], m.message["Subject"]) for m in smtp_server.messages)
    assert received == [(f"reader{n}@example.org", f"Digest {n}") for n in range(5)]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_task_that_runs_before_the_next_attempt_is_due_changes_nothing(smtp_server):
    smtp_server.stop()
    mail = queue()
    run_worker()
    smtp_server.start()

    deliver.enqueue(mail.pk)  # e.g. enqueued twice; must not hasten the backoff
    run_worker()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.QUEUED, 1)
    assert smtp_server.messages == []
