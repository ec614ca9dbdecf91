"""Enrol and verify the second factor of staff accounts (django-otp devices).

Wrong codes lock the account's codes with the numbers axes uses for passwords
(AXES_FAILURE_LIMIT wrong codes in a row lock for AXES_COOLOFF_TIME). The count lives in
django-otp's own throttling fields of each device; its exponential back-off is turned off
(OTP_*_THROTTLE_FACTOR = 0) so that the two policies never disagree about an attempt.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from datetime import datetime

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

# Single-use recovery codes handed out at enrolment (each replaces one TOTP code).
RECOVERY_CODE_COUNT = 10
# Bytes of a new TOTP secret: 160 bits, what RFC 4226 recommends for HMAC-SHA1.
SECRET_BYTES = 20


class CodeLockout(Exception):  # noqa: N818 - reads as what it is: a lockout
    """Too many wrong codes in a row: no code is checked until `until`."""

    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until


def totp_secret_new() -> str:
    """Return a new hex-encoded TOTP secret."""
    return random_hex(SECRET_BYTES)


def totp_enrolment(*, user, secret: str) -> dict:
    """Return what the setup page shows for `secret`: the QR code and the secret as text."""
    device = TOTPDevice(user=user, key=secret, name=gettext("Authenticator app"))
    base32 = b32encode(device.bin_key).decode("ascii")
    return {
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(base32[i : i + 4] for i in range(0, len(base32), 4)),
    }


def totp_device_confirm(*, user, secret: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Create the confirmed TOTP device and fresh recovery codes when `code` fits `secret`.

    Return the device and the recovery codes, or None when the code does not fit.
    """
    totp = TOTP(unhexlify(secret), step=30, t0=0, digits=6)
    totp.time = time.time()
    if not code.isdigit() or not totp.verify(int(code), tolerance=1):
        return None
    with transaction.atomic():
        # One enrolment per account even when two confirmations race: the second waits here,
        # then finds the first one's device.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return None
        # The code just used may not verify the session a second time (last_t).
        device = TOTPDevice.objects.create(
            user=user,
            key=secret,
            name=gettext("Authenticator app"),
            confirmed=True,
            last_t=totp.t(),
            drift=totp.drift,
        )
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(
            user=user, name=gettext("Recovery codes"), confirmed=True
        )
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return device, codes


def _lockout_end(devices: list[Device]) -> datetime | None:
    """Return when the lockout of these devices ends, or None when they are not locked."""
    failures = max((d.throttling_failure_count for d in devices), default=0)
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    last = max(d.throttling_failure_timestamp for d in devices if d.throttling_failure_timestamp)
    return last + settings.AXES_COOLOFF_TIME


def code_verify(*, user, code: str) -> Device | None:
    """Return the confirmed device of `user` that accepts `code` (TOTP or recovery), or None.

    Raise CodeLockout while too many wrong codes in a row lock the account's codes; a
    correct code then fails too. Every wrong code counts once on each device.
    """
    with transaction.atomic():
        # Locked rows: concurrent guesses queue here and each sees the others' failures.
        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        until = _lockout_end(devices)
        if until is not None and until > timezone.now():
            raise CodeLockout(until)
        if until is not None:  # the lockout is over: start counting afresh, as axes does
            for device in devices:
                device.throttle_reset()
        for device in devices:
            if device.verify_token(code):
                for other in devices:
                    if other is not device and other.throttling_failure_count:
                        other.throttle_reset()
                return device
    return None
