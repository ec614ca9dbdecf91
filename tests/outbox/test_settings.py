import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import email_from_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example.org:2525",
            ("mail.example.org", 2525, "", "", False, False),
        ),
        ("smtp://mail.example.org", ("mail.example.org", 25, "", "", False, False)),
        (
            "smtps://postmaster:s%40cret%2Fpw@mail.example.org",
            ("mail.example.org", 465, "postmaster", "s@cret/pw", False, True),
        ),
        (
            "smtp://user:pw@mail.example.org:587?starttls=1",
            ("mail.example.org", 587, "user", "pw", True, False),
        ),
        ("smtp://127.0.0.1:1025?starttls=0", ("127.0.0.1", 1025, "", "", False, False)),
    ],
)
def test_email_url_gives_django_smtp_settings(url, expected):
    keys = ("HOST", "PORT", "HOST_USER", "HOST_PASSWORD", "USE_TLS", "USE_SSL")
    expected = {f"EMAIL_{key}": value for key, value in zip(keys, expected, strict=True)}
    assert email_from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:topsecret@mail.example.org", "scheme"),
        ("mail.example.org:25", "scheme"),
        ("smtp://user:topsecret@:25", "host"),
        ("smtp://user:topsecret@mail.example.org:smtp", "port"),
        ("smtp://user:topsecret@mail.example.org:99999", "port"),
        ("smtps://user:topsecret@mail.example.org?starttls=1", "TLS already"),
        ("smtp://user:topsecret@mail.example.org?tls=1", "query parameter"),
        ("smtp://user:topsecret@mail.example.org?starttls=maybe", "starttls must be"),
    ],
)
def test_bad_email_url_is_refused_in_one_clear_line(url, reason):
    with pytest.raises(ImproperlyConfigured) as refused:
        email_from_url(url)
    message = str(refused.value)
    assert message.startswith("EMAIL_URL must look like smtp://")
    assert reason in message
    assert "\n" not in message
    assert "topsecret" not in message
