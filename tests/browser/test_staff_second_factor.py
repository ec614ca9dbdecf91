"""A moderator enrols and signs in with the second factor in chromium, under the site's CSP."""

from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import log_in
from tests.factories import make_moderator
from tests.staff_auth.test_second_factor import totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_moderator_enrols_then_verifies_with_a_code(page, settings):
    settings.CROSSTALK_STAFF_2FA = True
    moderator = make_moderator()
    csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m.text))
    log_in(page, moderator.username)

    page.goto("/admin/")
    assert page.url.endswith("/admin/2fa/setup/?next=%2Fadmin%2F")
    qr = page.locator("img.staff-auth-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.locator(".staff-auth-secret").inner_text().replace(" ", "")
    page.fill("#id_code", totp_code(TOTPDevice(key=b32decode(secret).hex())))
    page.click("input[type=submit]")
    codes = page.locator(".staff-auth-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.click("text=Continue to the admin")
    assert page.url.endswith("/admin/")
    assert page.locator("#site-name").is_visible()

    page.click("#logout-form button")
    log_in(page, moderator.username)
    page.goto("/admin/")
    assert "/admin/2fa/verify/" in page.url
    page.fill("#id_code", codes[0])
    page.click("input[type=submit]")
    assert page.url.endswith("/admin/")
    assert csp_errors == []
