"""The settings page: display name, address and the notification mail choices."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts.confusables import skeleton
from accounts.models import ReservedName, User
from notifications.models import Frequency, Kind, MailSettings
from tests.accounts.helpers import form_errors, make_reader, queued
from tests.factories import parse_html

pytestmark = pytest.mark.django_db

ALL_FIELDS = {
    "display_name": "Park Seo-yeon",
    "email": "",
    "reply": "daily",
    "mention": "off",
    "follow": "immediately",
    "moderation": "daily",
    "featured": "off",
    "report": "immediately",
}


def test_settings_require_login(client):
    response = client.get("/accounts/settings/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"


def test_settings_page_has_every_field(signed_in):
    response = signed_in.get("/accounts/settings/")

    assert response.status_code == 200
    doc = parse_html(response.content)
    assert doc.find("input", name="display_name") is not None
    assert doc.find("input", name="email") is not None
    for kind in Kind.values:
        select = doc.find("select", name=kind)
        assert select is not None
        assert {o.attrs["value"] for o in select.find_all("option")} == set(Frequency.values)


def test_settings_are_saved_with_the_mail_choices_as_a_row(signed_in, user):
    response = signed_in.post("/accounts/settings/", ALL_FIELDS)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/settings/"
    user.refresh_from_db()
    assert user.display_name == "Park Seo-yeon"
    row = MailSettings.objects.get(user=user)
    assert {kind: row.frequency(kind) for kind in Kind.values} == {
        kind: ALL_FIELDS[kind] for kind in Kind.values
    }


def test_the_page_shows_the_saved_choices(signed_in, user):
    signed_in.post("/accounts/settings/", ALL_FIELDS)

    doc = parse_html(signed_in.get("/accounts/settings/").content)

    selected = doc.find("select", name="reply").find("option", selected=None)
    assert selected.attrs["value"] == "daily"


def test_a_post_of_some_fields_keeps_the_others(signed_in, user):
    signed_in.post("/accounts/settings/", ALL_FIELDS)

    response = signed_in.post("/accounts/settings/", {"follow": "off"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Park Seo-yeon"
    row = MailSettings.objects.get(user=user)
    assert (row.follow, row.reply) == ("off", "daily")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "Park\x00"),
        ("display_name", "x" * 51),
        ("reply", "weekly"),
        ("featured", ""),
        ("email", "not an address"),
    ],
    ids=["nul", "too-long", "unknown-frequency", "no-frequency", "bad-email"],
)
def test_bad_input_rerenders_with_a_message_and_saves_nothing(signed_in, user, field, value):
    before = (user.display_name, user.email)

    response = signed_in.post("/accounts/settings/", {**ALL_FIELDS, field: value})

    assert response.status_code == 400
    assert form_errors(response).strip()
    user.refresh_from_db()
    assert (user.display_name, user.email) == before
    assert not MailSettings.objects.filter(user=user).exists()
    assert queued() == []


def test_a_failed_form_leaves_the_header_name_alone(signed_in, user):
    response = signed_in.post("/accounts/settings/", {**ALL_FIELDS, "reply": "weekly"})

    header = parse_html(response.content).find("header")
    assert user.public_name in header.text()
    assert "Park Seo-yeon" not in header.text()


def test_an_address_of_another_account_is_refused_without_naming_it(signed_in, user):
    make_reader("taken@example.org", username="seoyeon")

    response = signed_in.post("/accounts/settings/", {"email": "Taken@Example.org"})

    assert response.status_code == 400
    assert "cannot be used" in form_errors(response)
    assert "seoyeon" not in response.content.decode()
    user.refresh_from_db()
    assert user.email == ""


def test_a_display_name_held_for_a_deleted_account_is_refused(signed_in, user):
    ReservedName.objects.create(
        skeleton=skeleton("Gone Reader"), expires_at=timezone.now() + ReservedName.HOLD
    )

    response = signed_in.post("/accounts/settings/", {"display_name": "G0ne Reader"})

    assert response.status_code == 400
    assert "not available" in form_errors(response)


def test_the_address_is_shown_only_to_its_owner(user):
    User.objects.filter(pk=user.pk).update(email="private.mina@example.org")
    owner, other = Client(), Client()
    owner.force_login(user)
    other.force_login(make_reader())

    assert "private.mina@example.org" in owner.get("/accounts/settings/").content.decode()
    assert "private.mina" not in other.get("/accounts/settings/").content.decode()


def test_settings_without_a_csrf_token_are_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/accounts/settings/", ALL_FIELDS)

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.display_name != "Park Seo-yeon"


def test_the_header_links_to_the_settings(signed_in, user):
    doc = parse_html(signed_in.get("/").content)

    links = [a.attrs.get("href") for a in doc.find("header").find_all("a")]
    assert "/accounts/settings/" in links


def test_the_old_profile_address_still_answers(signed_in, user):
    assert signed_in.get("/accounts/profile/").status_code == 200
    assert signed_in.post("/accounts/profile/", {"display_name": "New"}).status_code == 302
    user.refresh_from_db()
    assert user.display_name == "New"


def test_settings_answer_no_other_method(signed_in):
    assert signed_in.put("/accounts/settings/").status_code == 405
