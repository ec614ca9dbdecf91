"""Staff reach the admin only after a second factor (issue 14, item 6)."""

import re
import time
from binascii import unhexlify
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_moderator, make_user

SETUP = "/admin/2fa/setup/"
VERIFY = "/admin/2fa/verify/"

pytestmark = [pytest.mark.django_db]

second_factor_on = override_settings(CROSSTALK_STAFF_2FA=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """Return the code the authenticator app shows for `device` now (or a step later)."""
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def make_staff_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def make_recovery_codes(user, codes: list[str]) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in codes:
        device.token_set.create(token=code)
    return device


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def redirect_path(response) -> tuple[str, dict]:
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query)


@pytest.fixture
def moderator(db):
    return make_moderator()


@second_factor_on
def test_staff_without_a_device_is_sent_from_the_admin_to_setup(moderator):
    response = signed_in(moderator).get("/admin/discussions/comment/")
    assert response.status_code == 302
    assert redirect_path(response) == (SETUP, {"next": ["/admin/discussions/comment/"]})


@second_factor_on
def test_superusers_and_editors_need_it_too(db):
    superuser = make_user(is_staff=True, is_superuser=True)
    editor = make_user(is_staff=True)
    for user in (superuser, editor):
        response = signed_in(user).get("/admin/")
        assert response.status_code == 302
        assert redirect_path(response)[0] == SETUP


@second_factor_on
def test_setup_shows_a_qr_code_and_the_secret(moderator):
    response = signed_in(moderator).get(SETUP)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert re.search(r'<img class="staff-auth-qr" src="data:image/svg\+xml', html)
    secret = response.context["secret"].replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert response.context["secret"] in html
    # Only a data: image, which the CSP allows; no inline script.
    assert "<script>" not in html
    assert not TOTPDevice.objects.filter(user=moderator).exists()


@second_factor_on
def test_the_secret_stays_the_same_across_reloads_until_confirmed(moderator):
    client = signed_in(moderator)
    assert client.get(SETUP).context["secret"] == client.get(SETUP).context["secret"]


def _secret_of_setup_page(client) -> str:
    from base64 import b32decode

    secret = client.get(SETUP).context["secret"].replace(" ", "")
    return b32decode(secret).hex()


@second_factor_on
def test_a_first_code_confirms_the_device_and_shows_recovery_codes_once(moderator):
    client = signed_in(moderator)
    key = _secret_of_setup_page(client)
    code = totp_code(TOTPDevice(key=key))
    response = client.post(SETUP, {"code": code, "next": "/admin/discussions/comment/"})
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=moderator)
    assert device.confirmed and device.key == key
    codes = response.context["codes"]
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=moderator).values_list("token", flat=True))
    assert stored == set(codes)
    html = response.content.decode()
    assert all(c in html for c in codes)
    assert 'href="/admin/discussions/comment/"' in html
    # The session is verified now, and the codes are never shown again.
    assert client.get("/admin/").status_code == 200
    again = client.get(SETUP)
    assert again.status_code == 302
    assert not any(c in again.content.decode() for c in codes)
    assert client.get(redirect_path(again)[0], follow=True).status_code == 200


@second_factor_on
def test_a_wrong_first_code_creates_no_device(moderator):
    client = signed_in(moderator)
    key = _secret_of_setup_page(client)
    wrong = f"{(int(totp_code(TOTPDevice(key=key))) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=moderator).exists()
    assert client.get("/admin/").status_code == 302


@second_factor_on
def test_staff_with_a_device_must_verify_before_the_admin_answers(moderator):
    device = make_staff_device(moderator)
    client = signed_in(moderator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert redirect_path(response) == (VERIFY, {"next": ["/admin/"]})
    page = client.get(VERIFY + "?next=/admin/discussions/comment/")
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(
        VERIFY, {"code": totp_code(device), "next": "/admin/discussions/comment/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/discussions/comment/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/discussions/comment/").status_code == 200


@second_factor_on
def test_verify_refuses_to_send_anywhere_but_the_admin(moderator):
    device = make_staff_device(moderator)
    client = signed_in(moderator)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


@second_factor_on
def test_a_wrong_code_is_refused(moderator):
    device = make_staff_device(moderator)
    client = signed_in(moderator)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    response = client.post(VERIFY, {"code": ""})
    assert response.status_code == 400


@second_factor_on
def test_after_the_axes_limit_of_wrong_codes_even_a_right_code_is_throttled(moderator):
    device = make_staff_device(moderator)
    make_recovery_codes(moderator, ["recover1"])
    client = signed_in(moderator)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post(VERIFY, {"code": "000000x"}).status_code == 400
    for code in (totp_code(device), "recover1"):
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 429
        assert "Too many wrong codes. Try again in 15 minutes." in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # Throttled attempts are not spent: the recovery code still exists.
    assert StaticToken.objects.filter(token="recover1").exists()


@second_factor_on
def test_the_lockout_ends_after_the_axes_cooloff(moderator):
    device = make_staff_device(moderator)
    client = signed_in(moderator)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(VERIFY, {"code": "999999a"})
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=past)
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


@second_factor_on
def test_a_right_code_resets_the_count_of_wrong_ones(moderator):
    device = make_staff_device(moderator)
    client = signed_in(moderator)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(VERIFY, {"code": "bad"})
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


@second_factor_on
def test_a_recovery_code_works_once_and_not_twice(moderator):
    make_staff_device(moderator)
    make_recovery_codes(moderator, ["abcd2345", "efgh6789"])
    first = signed_in(moderator)
    response = first.post(VERIFY, {"code": "ABCD-2345"})
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200
    second = signed_in(moderator)
    response = second.post(VERIFY, {"code": "abcd2345"})
    assert response.status_code == 400
    assert second.get("/admin/").status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6789"]


@second_factor_on
def test_logging_out_clears_the_verification(moderator):
    device = make_staff_device(moderator)
    client = Client()
    credentials = {"username": moderator.username, "password": PASSWORD}
    assert client.post("/admin/login/?next=/admin/", credentials).status_code == 302
    response = client.get("/admin/")
    assert redirect_path(response)[0] == VERIFY
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    client.post("/accounts/login/", credentials)
    assert redirect_path(client.get("/admin/"))[0] == VERIFY


@second_factor_on
def test_the_verified_session_gets_a_new_session_id(moderator):
    device = make_staff_device(moderator)
    client = signed_in(moderator)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


@second_factor_on
def test_a_reader_never_sees_setup_or_verify(db):
    reader = make_user()
    client = signed_in(reader)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert redirect_path(response) == ("/admin/login/", {"next": ["/admin/"]})
    for url in (SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302
        assert redirect_path(response)[0] == "/admin/login/"
        assert client.post(url, {"code": "123456"}).status_code == 302
    assert not TOTPDevice.objects.exists()
    # The admin's login page still answers a signed-in reader, as before.
    assert client.get("/admin/login/?next=/admin/").status_code == 200


@second_factor_on
def test_anonymous_visitors_go_to_the_admin_login(db):
    client = Client()
    assert redirect_path(client.get("/admin/"))[0] == "/admin/login/"
    assert redirect_path(client.get(SETUP))[0] == "/admin/login/"
    assert client.get("/admin/login/").status_code == 200


@second_factor_on
def test_reader_pages_do_not_ask_staff_for_a_code(moderator):
    assert signed_in(moderator).get("/accounts/settings/").status_code == 200


@override_settings(CROSSTALK_STAFF_2FA=False)
def test_with_the_setting_off_the_admin_behaves_as_before(moderator):
    make_staff_device(moderator)
    client = signed_in(moderator)
    assert client.get("/admin/").status_code == 200
    assert client.get(SETUP).status_code == 404
    assert client.get(VERIFY).status_code == 404
    reader = signed_in(make_user())
    assert redirect_path(reader.get("/admin/"))[0] == "/admin/login/"


def test_the_test_settings_leave_it_off():
    assert settings.CROSSTALK_STAFF_2FA is False


@second_factor_on
def test_the_code_that_confirmed_setup_cannot_verify_another_session(moderator):
    client = signed_in(moderator)
    code = totp_code(TOTPDevice(key=_secret_of_setup_page(client)))
    assert client.post(SETUP, {"code": code}).status_code == 200
    other = signed_in(moderator)
    assert other.post(VERIFY, {"code": code}).status_code == 400
    assert other.get("/admin/").status_code == 302
