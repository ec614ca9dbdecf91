import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from outbox.models import OutgoingMail
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def make_mail(**overrides) -> OutgoingMail:
    fields = {
        "to": "gone@example.org",
        "subject": "Reset your password",
        "text_body": "https://crosstalk.example/reset/MQ/secret-token/",
        "headers": {"List-Unsubscribe": "<https://crosstalk.example/u/secret-unsubscribe/>"},
    }
    fields.update(overrides)
    return OutgoingMail.objects.create(**fields)


def test_staff_with_the_view_permission_see_bounces_read_only(client):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    client.force_login(staff)
    mail = make_mail(status=OutgoingMail.Status.BOUNCED, attempts=1, last_error="550 No such user")

    listing = client.get(reverse("admin:outbox_outgoingmail_changelist"), {"status": "bounced"})
    assert listing.status_code == 200
    assert "gone@example.org" in listing.text

    detail = client.get(reverse("admin:outbox_outgoingmail_change", args=[mail.pk]))
    assert detail.status_code == 200
    assert "550 No such user" in detail.text
    assert "secret-" not in listing.text + detail.text  # links that act for the reader
    assert 'name="_save"' not in detail.text
    assert client.get(reverse("admin:outbox_outgoingmail_add")).status_code == 403
    assert (
        client.get(reverse("admin:outbox_outgoingmail_delete", args=[mail.pk])).status_code == 403
    )


def test_readers_and_staff_without_the_permission_see_no_mail(client):
    mail = make_mail()
    url = reverse("admin:outbox_outgoingmail_change", args=[mail.pk])
    client.force_login(make_user())
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(make_user(is_staff=True))
    assert client.get(url).status_code == 403
