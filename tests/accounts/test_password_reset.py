"""Password reset by email: only confirmed addresses are mailed, through the outbox; every
address gets the same answer; requests are rate-limited; a link works once."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.views import RESET_MAILS_PER_ADDRESS, RESET_REQUESTS_PER_IP
from tests.accounts.helpers import link_path, make_reader, page_text, queued
from tests.factories import PASSWORD, parse_html
from tests.smtp_server import run_worker, smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet cars on line two"


def request_reset(client, address: str):
    return client.post("/accounts/password_reset/", {"email": address})


def reset_path(address: str) -> str:
    [sent] = queued(to=address, kind="password_reset")
    return link_path(sent.text_body, "/accounts/reset/")


def choose_password(client, path: str, password: str = NEW_PASSWORD):
    """Follow a reset link as a browser does; return the last response."""
    response = client.get(path)
    if response.status_code != 302:
        return response
    form_path = response["Location"]
    assert client.get(form_path).status_code == 200
    return client.post(form_path, {"new_password1": password, "new_password2": password})


def can_log_in(username: str, password: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_the_reset_form_asks_for_an_email(client):
    response = client.get("/accounts/password_reset/")

    assert response.status_code == 200
    assert parse_html(response.content).find("input", name="email") is not None


def test_the_login_page_links_to_the_reset(client):
    doc = parse_html(client.get("/accounts/login/").content)

    assert "/accounts/password_reset/" in [a.attrs.get("href") for a in doc.find_all("a")]


def test_a_confirmed_address_gets_a_link_queued_not_sent_in_the_request(client):
    user = make_reader("mina@example.org")

    response = request_reset(client, "MINA@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    [sent] = queued()
    assert (sent.to, sent.kind, sent.user) == ("mina@example.org", "password_reset", user)
    assert "/accounts/reset/" in sent.text_body
    assert mail.outbox == []


@pytest.mark.parametrize(
    "reader",
    [
        {},
        {"email": "mina@example.org", "verified": False},
        {"email": "mina@example.org", "email_bounced_at": "now"},
        {"email": "mina@example.org", "is_active": False},
    ],
    ids=["no-account", "unconfirmed", "bounced", "inactive"],
)
def test_every_address_gets_the_same_answer_and_only_confirmed_ones_mail(client, reader):
    if reader:
        fields = {k: timezone.now() if v == "now" else v for k, v in reader.items()}
        make_reader(**fields)
    known = make_reader("known@example.org")
    answer_for_known = request_reset(Client(), known.email)

    response = request_reset(client, "mina@example.org")

    assert (response.status_code, response["Location"]) == (
        answer_for_known.status_code,
        answer_for_known["Location"],
    )
    assert queued(to="mina@example.org") == []
    done = client.get(response["Location"])
    assert page_text(done) == page_text(Client().get(answer_for_known["Location"]))


def test_requests_for_one_address_are_limited(client):
    make_reader("mina@example.org")

    responses = [
        request_reset(Client(REMOTE_ADDR=f"10.0.0.{n}"), "mina@example.org")
        for n in range(RESET_MAILS_PER_ADDRESS + 3)
    ]

    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, "/accounts/password_reset/done/")
    }
    assert len(queued(to="mina@example.org")) == RESET_MAILS_PER_ADDRESS


def test_requests_from_one_client_are_limited(client):
    readers = [make_reader(f"reader{n}@example.org") for n in range(RESET_REQUESTS_PER_IP + 3)]

    responses = [request_reset(client, reader.email) for reader in readers]

    assert {r.status_code for r in responses} == {302}
    assert len(queued(kind="password_reset")) == RESET_REQUESTS_PER_IP


def test_a_malformed_address_is_400(client):
    response = request_reset(client, "not an address")

    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert queued() == []


def test_the_link_sets_a_new_password(client):
    user = make_reader("mina@example.org")
    request_reset(client, user.email)

    response = choose_password(client, reset_path(user.email))

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert can_log_in(user.username, NEW_PASSWORD)
    assert not can_log_in(user.username, PASSWORD)


def test_a_used_link_is_400_and_changes_nothing(client):
    user = make_reader("mina@example.org")
    request_reset(client, user.email)
    path = reset_path(user.email)
    choose_password(client, path)

    response = choose_password(Client(), path, "yet another passphrase 3")

    assert response.status_code == 400
    assert "not valid" in page_text(response)
    assert can_log_in(user.username, NEW_PASSWORD)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path.rstrip("/")[:-1] + ("x/" if not path.endswith("x/") else "y/"),
        lambda path: path.replace("/reset/", "/reset/AA"),
        lambda path: "/accounts/reset/Mg/set-password/",
    ],
    ids=["token", "uid", "set-password-without-session"],
)
def test_a_tampered_link_is_400_and_changes_nothing(client, tamper):
    user = make_reader("mina@example.org")
    request_reset(client, user.email)
    path = tamper(reset_path(user.email))

    get = client.get(path)
    post = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert (get.status_code, post.status_code) == (400, 400)
    assert "not valid" in page_text(get)
    assert can_log_in(user.username, PASSWORD)


def test_mismatched_new_passwords_are_400(client):
    user = make_reader("mina@example.org")
    request_reset(client, user.email)
    form_path = client.get(reset_path(user.email))["Location"]

    response = client.post(form_path, {"new_password1": NEW_PASSWORD, "new_password2": "other"})

    assert response.status_code == 400
    assert can_log_in(user.username, PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_the_reset_mail_arrives_through_the_worker(client, smtp_server):  # noqa: F811
    user = make_reader("mina@example.org")
    request_reset(client, user.email)
    assert smtp_server.messages == []

    run_worker()

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["mina@example.org"]
    response = choose_password(client, link_path(received.text(), "/accounts/reset/"))
    assert response.status_code == 302
    assert can_log_in(user.username, NEW_PASSWORD)
