"""Notification mail: coalesced, skipped when read, only to verified addresses, with a
one-click unsubscribe link that needs no sign-in."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from notifications import mail
from notifications.models import Frequency, MailSettings, Notification
from notifications.tasks import mail_immediately, send_digests
from outbox.models import OutgoingMail
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def verified(**fields):
    n = make_user(**fields)
    n.email = f"{n.username}@example.org"
    n.email_verified_at = timezone.now()
    n.save()
    return n


def replies_to(user, count=1, **kwargs):
    parent = make_comment(author=user, **kwargs)
    return parent, [make_comment(parent=parent) for _ in range(count)]


def mails_to(user):
    return list(OutgoingMail.objects.filter(to=user.email).order_by("pk"))


def test_ten_replies_make_one_mail_and_a_second_run_none():
    author = verified()
    parent, replies = replies_to(author, 10)

    assert mail_immediately.call([author.pk]) == 1
    assert mail_immediately.call([author.pk]) == 0

    [sent] = mails_to(author)
    assert "10" in sent.subject
    for reply in replies:
        assert mail.absolute(reply.get_absolute_url()) in sent.text_body
    assert parent.article.title in sent.text_body
    assert not Notification.objects.filter(recipient=author, mailed_at__isnull=True).exists()


def test_one_reply_mail_names_the_article_links_the_comment_and_can_unsubscribe():
    author = verified()
    parent, [reply] = replies_to(author)

    mail_immediately.call([author.pk])

    [sent] = mails_to(author)
    assert parent.article.title in sent.subject
    assert mail.absolute(reply.get_absolute_url()) in sent.text_body
    assert mail.absolute(reply.get_absolute_url()) in sent.html_body
    assert sent.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = sent.headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http")
    assert link in sent.text_body and link in sent.html_body


def test_what_the_reader_already_read_in_the_site_is_not_mailed():
    author = verified()
    replies_to(author, 2)
    Notification.objects.filter(recipient=author).update(read_at=timezone.now())

    assert mail_immediately.call([author.pk]) == 0
    assert mails_to(author) == []


def test_no_mail_to_an_unverified_or_bounced_address():
    unverified = make_user(email="unverified@example.org")
    bounced = verified()
    bounced.email_bounced_at = timezone.now()
    bounced.save()
    replies_to(unverified)
    replies_to(bounced)

    assert mail_immediately.call([unverified.pk, bounced.pk]) == 0
    assert OutgoingMail.objects.count() == 0


def test_a_kind_turned_off_is_not_mailed_and_a_daily_kind_waits_for_the_digest():
    author = verified()
    MailSettings.objects.create(user=author, reply=Frequency.DAILY)
    replies_to(author, 3)

    assert mail_immediately.call([author.pk]) == 0
    assert send_digests() == 1

    [digest] = mails_to(author)
    assert "digest" in digest.subject.lower()
    MailSettings.objects.filter(user=author).update(reply=Frequency.OFF)
    replies_to(author)
    assert send_digests() == 0
    assert mail_immediately.call([author.pk]) == 0


def test_mentions_and_follows_follow_their_own_choice():
    reader = verified()
    article = make_article()
    from notifications.models import Follow

    Follow.objects.create(user=reader, article=article)
    make_comment(article)  # follow: off by default

    assert mail_immediately.call([reader.pk]) == 0
    MailSettings.objects.create(user=reader, follow=Frequency.IMMEDIATELY)
    assert mail_immediately.call([reader.pk]) == 1


def test_a_post_schedules_the_mail_a_minute_after_it_commits(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    author = verified()
    parent = make_comment(author=author)

    with django_capture_on_commit_callbacks(execute=True):
        make_comment(parent=parent)

    [task] = DBTaskResult.objects.filter(task_path=mail_immediately.module_path)
    assert task.args_kwargs["args"] == [[author.pk]]
    assert task.run_after > timezone.now() + timedelta(seconds=50)
    assert OutgoingMail.objects.count() == 0  # nothing is sent inside the request


def unsubscribe_link(user, kind="reply"):
    return mail.unsubscribe_url(user.pk, kind).removeprefix(mail.absolute(""))


def test_one_click_unsubscribe_without_sign_in_or_csrf():
    author = verified()
    client = Client(enforce_csrf_checks=True)
    link = unsubscribe_link(author)

    confirm = client.get(link)
    assert confirm.status_code == 200
    assert MailSettings.for_user(author).reply == Frequency.IMMEDIATELY  # a GET changes nothing

    done = client.post(link, {"List-Unsubscribe": "One-Click"})

    assert done.status_code == 200
    assert MailSettings.for_user(author).reply == Frequency.OFF
    assert MailSettings.for_user(author).mention == Frequency.IMMEDIATELY


def test_a_reused_unsubscribe_link_says_so_and_changes_nothing():
    author = verified()
    link = unsubscribe_link(author)
    Client().post(link)
    MailSettings.objects.filter(user=author).update(mention=Frequency.DAILY)

    again = Client().post(link)

    assert again.status_code == 400
    assert "already unsubscribed" in again.content.decode()
    assert MailSettings.for_user(author).mention == Frequency.DAILY


def test_a_tampered_unsubscribe_link_is_400_and_changes_nothing():
    author = verified()
    token = mail.unsubscribe_token(author.pk, "reply")
    other = make_user()
    forged = mail.unsubscribe_token(other.pk, "reply")
    tampered = token.split(":")[0] + ":" + forged.split(":", 1)[1]

    response = Client().post(f"/notifications/unsubscribe/{tampered}/")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not MailSettings.objects.exists()


def test_an_expired_unsubscribe_link_is_400(monkeypatch):
    author = verified()
    long_ago = time.time() - mail.UNSUBSCRIBE_MAX_AGE.total_seconds() - 60
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    token = mail.unsubscribe_token(author.pk, "reply")
    monkeypatch.undo()

    response = Client().post(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not MailSettings.objects.exists()


def test_digests_are_scheduled_once_at_the_digest_hour(settings):
    from datetime import UTC, datetime

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from notifications.tasks import mail_digests, next_digest_time

    settings.CROSSTALK = {**settings.CROSSTALK, "DIGEST_HOUR": 7}
    assert next_digest_time(datetime(2026, 12, 1, 6, 59, tzinfo=UTC)) == datetime(
        2026, 12, 1, 7, tzinfo=UTC
    )
    assert next_digest_time(datetime(2026, 12, 1, 7, 0, tzinfo=UTC)) == datetime(
        2026, 12, 2, 7, tzinfo=UTC
    )

    call_command("schedule_digests")
    call_command("schedule_digests")

    [queued] = DBTaskResult.objects.filter(task_path=mail_digests.module_path)
    assert queued.run_after.hour == 7
