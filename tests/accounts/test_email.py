"""An account's address: given at sign-up or in settings, confirmed by a mailed link, and
dropped from mail when it bounces."""

import time

import pytest
from django.core import mail, signing
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import User
from accounts.services import EMAIL_LINK_MAX_AGE, email_link_token
from outbox.models import OutgoingMail
from outbox.signals import address_bounced
from tests.accounts.helpers import form_errors, link_path, make_reader, page_text, queued
from tests.factories import PASSWORD
from tests.smtp_server import run_worker, smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def sign_up(client, **fields):
    data = {"username": "minji", "password1": PASSWORD, "password2": PASSWORD, **fields}
    return client.post("/accounts/signup/", data)


def verification_path(user) -> str:
    return f"/accounts/verify/{email_link_token(user)}/"


def link_payload(path: str) -> dict:
    """Return what the token of a confirmation link says (its timestamp aside)."""
    token = path.removeprefix("/accounts/verify/").rstrip("/")
    return signing.loads(token, salt="accounts.verify-email")


def payload(user) -> dict:
    return link_payload(verification_path(user))


def state(user) -> tuple:
    user.refresh_from_db()
    return (user.email, user.email_verified_at, user.email_bounced_at)


# Sign-up ----------------------------------------------------------------------------------


def test_signup_form_offers_an_optional_email(client):
    response = client.get("/accounts/signup/")

    assert b'name="email"' in response.content


def test_signup_with_an_email_queues_a_confirmation_link_and_sends_nothing_in_the_request(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = sign_up(client, email="Minji@Example.ORG")

    assert response.status_code == 302
    user = User.objects.get(username="minji")
    assert user.email == "Minji@example.org"  # the domain part is case-insensitive
    assert user.email_verified_at is None
    assert not user.can_receive_mail
    [queued_mail] = queued()
    assert queued_mail.to == "Minji@example.org"
    assert queued_mail.kind == "email_verification"
    assert queued_mail.user == user
    assert link_payload(link_path(queued_mail.text_body, "/accounts/verify/")) == payload(user)
    assert callbacks  # delivery is enqueued once the sign-up commits…
    assert mail.outbox == []  # …and no mail went out inside the request


def test_signup_without_an_email_mails_nothing(client):
    sign_up(client)

    assert User.objects.get(username="minji").email == ""
    assert queued() == []


def test_signup_with_an_address_another_account_has_is_refused_without_naming_it(client):
    make_reader("seo.yeon@example.org", username="seoyeon", display_name="Park Seo-yeon")

    response = sign_up(client, email="SEO.YEON@example.org")

    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    errors = form_errors(response)
    assert "cannot be used" in errors
    assert "seoyeon" not in errors and "Park" not in errors
    assert "already" not in errors  # the same words as for any unusable address
    assert not User.objects.filter(username="minji").exists()
    assert queued() == []


def test_taken_and_throttled_addresses_get_the_same_answer(client):
    make_reader("taken@example.org")
    taken = form_errors(sign_up(client, email="taken@example.org", username="a1"))
    for n in range(10):
        sign_up(client, email=f"probe{n}@example.org", password2="mismatch")

    throttled = sign_up(client, email="free@example.org")

    assert throttled.status_code == 400
    assert "password2" not in throttled.context["form"].errors
    assert form_errors(throttled) == taken
    assert not User.objects.filter(email="free@example.org").exists()


@pytest.mark.parametrize("address", ["not-an-address", "mina@", "mina@example.org\x00"])
def test_signup_with_a_malformed_address_is_400(client, address):
    response = sign_up(client, email=address)

    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()


def test_the_database_refuses_two_accounts_with_one_address_in_any_case():
    make_reader("mina@example.org")

    with pytest.raises(IntegrityError):
        make_reader("MINA@example.org")


# The confirmation link --------------------------------------------------------------------


def test_following_the_link_shows_a_button_and_changes_nothing(client):
    user = make_reader("mina@example.org", verified=False)
    before = state(user)

    response = client.get(verification_path(user))

    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert state(user) == before


def test_pressing_the_button_confirms_the_address(client):
    user = make_reader("mina@example.org", verified=False)

    response = client.post(verification_path(user))

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert user.can_receive_mail


def test_a_reused_link_is_400_and_says_it_was_used(client):
    user = make_reader("mina@example.org", verified=False)
    path = verification_path(user)
    client.post(path)
    confirmed = state(user)

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "already used" in page_text(response)
    assert state(user) == confirmed


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(":")[0],
        lambda token: "nonsense",
        lambda token: signing.dumps({"u": 1, "e": "x"}, salt="another.salt"),
    ],
    ids=["signature", "truncated", "garbage", "other-salt"],
)
def test_a_tampered_link_is_400_and_changes_nothing(client, tamper):
    user = make_reader("mina@example.org", verified=False)
    path = f"/accounts/verify/{tamper(email_link_token(user))}/"
    before = state(user)

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "not valid" in page_text(response)
        assert "Nothing was changed" in page_text(response)
    assert state(user) == before


def test_a_link_for_another_account_is_400(client):
    user = make_reader("mina@example.org", verified=False)
    other = make_reader("wei@example.org", verified=False)
    data = signing.loads(email_link_token(user), salt="accounts.verify-email")
    forged = signing.dumps({"u": other.pk, "e": data["e"]}, salt="accounts.verify-email")

    response = client.post(f"/accounts/verify/{forged}/")

    assert response.status_code == 400
    assert state(other)[1] is None


def test_an_expired_link_is_400_and_says_so(client, monkeypatch):
    user = make_reader("mina@example.org", verified=False)
    issued = time.time() - EMAIL_LINK_MAX_AGE.total_seconds() - 60
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    path = verification_path(user)
    monkeypatch.undo()
    before = state(user)

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "expired" in page_text(response)
    assert state(user) == before


def test_a_link_for_an_earlier_address_confirms_nothing(signed_in, user):
    User.objects.filter(pk=user.pk).update(email="first@example.org")
    user.refresh_from_db()
    old_path = verification_path(user)
    signed_in.post("/accounts/settings/", {"email": "second@example.org"})
    user.refresh_from_db()

    response = signed_in.post(old_path)

    assert response.status_code == 400
    assert "earlier address" in page_text(response)
    assert state(user)[:2] == ("second@example.org", None)
    assert signed_in.post(verification_path(user)).status_code == 302
    assert state(user)[1] is not None


# Changing the address ---------------------------------------------------------------------


def test_changing_the_address_clears_the_confirmation_and_mails_the_new_one(client):
    user = make_reader("first@example.org")
    client.force_login(user)

    response = client.post("/accounts/settings/", {"email": "second@example.org"})

    assert response.status_code == 302
    assert state(user) == ("second@example.org", None, None)
    [sent] = queued()
    assert sent.to == "second@example.org"
    assert link_payload(link_path(sent.text_body, "/accounts/verify/")) == payload(user)


def test_changing_only_the_letter_case_keeps_the_confirmation(client):
    user = make_reader("mina@example.org")
    client.force_login(user)

    client.post("/accounts/settings/", {"email": "Mina@example.org"})

    email, verified_at, _bounced = state(user)
    assert email == "Mina@example.org"
    assert verified_at is not None
    assert queued() == []


def test_removing_the_address_stops_all_mail(client):
    user = make_reader("mina@example.org")
    client.force_login(user)

    client.post("/accounts/settings/", {"email": ""})

    assert state(user) == ("", None, None)
    assert not user.can_receive_mail


def test_asking_for_the_link_again_mails_it_a_few_times_at_most(client):
    user = make_reader("mina@example.org", verified=False)
    client.force_login(user)

    for _ in range(5):
        assert client.post("/accounts/verify/resend/").status_code == 302

    assert len(queued(kind="email_verification")) == 3


def test_asking_for_the_link_of_a_confirmed_address_mails_nothing(client):
    client.force_login(make_reader("mina@example.org"))

    client.post("/accounts/verify/resend/")

    assert queued() == []


# Who may be mailed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"email": "mina@example.org", "email_verified_at": "now"}, True),
        ({"email": "mina@example.org"}, False),
        ({"email": "", "email_verified_at": "now"}, False),
        ({"email": "mina@example.org", "email_verified_at": "now", "is_active": False}, False),
        (
            {"email": "mina@example.org", "email_verified_at": "now", "email_bounced_at": "now"},
            False,
        ),
    ],
    ids=["confirmed", "unconfirmed", "no-address", "inactive", "bounced"],
)
def test_can_receive_mail(fields, expected):
    now = timezone.now()
    user = User(**{key: now if value == "now" else value for key, value in fields.items()})

    assert user.can_receive_mail is expected


def test_a_bounce_marks_every_account_with_that_address_in_any_case():
    user = make_reader("mina@example.org")
    other = make_reader("wei@example.org")

    address_bounced.send(sender=OutgoingMail, address="MINA@EXAMPLE.ORG", mail=None)

    user.refresh_from_db()
    other.refresh_from_db()
    assert user.email_bounced_at is not None
    assert not user.can_receive_mail
    assert other.email_bounced_at is None


# Through the worker and a real SMTP server ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_mail_arrives_and_its_link_confirms(client, smtp_server):  # noqa: F811
    sign_up(client, email="mina@example.org")
    assert smtp_server.messages == []

    run_worker()

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["mina@example.org"]
    path = link_path(received.text(), "/accounts/verify/")
    assert client.post(path).status_code == 302
    assert User.objects.get(username="minji").can_receive_mail


@pytest.mark.django_db(transaction=True)
def test_an_address_the_server_refuses_is_marked_bounced(client, smtp_server):  # noqa: F811
    smtp_server.refuse("nobody@example.org", 550)
    sign_up(client, email="nobody@example.org")

    run_worker()

    user = User.objects.get(username="minji")
    assert user.email_bounced_at is not None
    assert queued()[0].status == OutgoingMail.Status.BOUNCED


# An address taken between the form's check and the write ---------------------------------


@pytest.fixture
def checks_miss(monkeypatch):
    """Make the forms' checks miss an address that is taken (as when another request takes
    it between the check and the write), so the database constraint has the last word."""
    from accounts.forms import EmailFieldMixin

    monkeypatch.setattr(EmailFieldMixin, "clean_email", lambda self: self.cleaned_data["email"])
    monkeypatch.setattr(User, "validate_constraints", lambda self, exclude=None: None)


def test_a_signup_that_loses_the_race_for_an_address_is_400(client, checks_miss):
    make_reader("taken@example.org")

    response = sign_up(client, email="TAKEN@example.org")

    assert response.status_code == 400
    assert form_errors(response).strip()
    assert not User.objects.filter(username="minji").exists()
    assert queued() == []


def test_a_settings_change_that_loses_the_race_for_an_address_is_400(client, checks_miss):
    make_reader("taken@example.org")
    user = make_reader("mine@example.org")
    client.force_login(user)

    response = client.post("/accounts/settings/", {"email": "taken@example.org"})

    assert response.status_code == 400
    assert "cannot be used" in form_errors(response)
    assert state(user)[0] == "mine@example.org"
    assert queued() == []
