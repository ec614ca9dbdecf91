"""CROSSTALK_STAFF_2FA under the production settings (contract: on unless `0`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def prod_setting(value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CROSSTALK_STAFF_2FA"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a"
    )
    if value is not None:
        env["CROSSTALK_STAFF_2FA"] = value
    code = "from django.conf import settings; print(settings.CROSSTALK_STAFF_2FA)"
    return subprocess.run(  # noqa: S603 - this interpreter, a fixed snippet
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.parametrize(("value", "expected"), [(None, "True"), ("1", "True"), ("0", "False")])
def test_production_settings_turn_the_second_factor_on_unless_0(value, expected):
    assert prod_setting(value) == expected
