"""accounts.sessions: Django's database sessions, read through one prepared query."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in_as(response) -> str | None:
    return (
        response.wsgi_request.user.username if response.wsgi_request.user.is_authenticated else None
    )


def test_a_signed_in_reader_stays_signed_in_from_request_to_request(signed_in, user):
    for _ in range(3):  # prepared from its second run on the connection
        assert signed_in_as(signed_in.get("/")) == user.username


def test_an_expired_session_signs_the_reader_out(signed_in, user):
    assert signed_in_as(signed_in.get("/")) == user.username
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert signed_in_as(signed_in.get("/")) is None


def test_each_request_reads_its_own_session(client):
    first, second = make_user(), make_user()
    client.force_login(first)
    assert signed_in_as(client.get("/")) == first.username
    client.force_login(second)
    assert signed_in_as(client.get("/")) == second.username
    client.logout()
    assert signed_in_as(client.get("/")) is None
