import pytest
from django.core.exceptions import ValidationError

from outbox.models import OutgoingMail
from outbox.services import mail_queue

pytestmark = pytest.mark.django_db


def test_mail_queue_writes_a_queued_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        mail = mail_queue(
            to="mina@example.org",
            subject="Hi",
            text="Hello.",
            html="<p>Hello.</p>",
            headers={"List-Unsubscribe": "<https://crosstalk.example/u/1/>"},
            kind="notifications",
        )
    assert len(callbacks) == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.QUEUED
    assert (mail.to, mail.subject, mail.text_body, mail.html_body, mail.kind) == (
        "mina@example.org",
        "Hi",
        "Hello.",
        "<p>Hello.</p>",
        "notifications",
    )
    assert mail.headers == {"List-Unsubscribe": "<https://crosstalk.example/u/1/>"}


@pytest.mark.parametrize("to", ["", "mina", "mina@example.org, other@example.org"])
def test_mail_queue_refuses_anything_but_one_address(to):
    with pytest.raises(ValidationError) as refused:
        mail_queue(to=to, subject="Hi", text="Hello.")
    assert refused.value.code == "invalid"
    assert not OutgoingMail.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"subject": "Hi\nBcc: everyone@example.org"},
        {"headers": {"X-Note": "one\r\nBcc: everyone@example.org"}},
        {"headers": {"X-Note\nBcc": "everyone@example.org"}},
    ],
)
def test_mail_queue_refuses_line_breaks_in_headers(fields):
    with pytest.raises(ValidationError) as refused:
        mail_queue(**{"to": "mina@example.org", "subject": "Hi", "text": "Hello.", **fields})
    assert refused.value.code == "header_line_break"
