"""Security headers on real responses, and the production settings' refusals and hardening."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories import PASSWORD, make_comment

ROOT = Path(__file__).resolve().parents[2]
# A database that cannot answer: the production settings are checked without touching any.
NO_DATABASE = "postgresql://nobody@/no-such-database?host=/nonexistent&connect_timeout=1"


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.fixture
def pages(db, article):
    comment = make_comment(article)
    return [
        "/",
        article.get_absolute_url(),
        comment.get_absolute_url(),
        "/comment-policy/",
        "/moderation-log/",
        "/accounts/login/",
        "/accounts/signup/",
        "/articles/no-such-article/",
    ]


def test_pages_send_the_security_headers(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin",
                                               "no-referrer", "strict-origin"}, url  # fmt: skip
        csp = csp_directives(response["Content-Security-Policy"])
        script_src = csp.get("script-src", csp.get("default-src"))
        assert script_src == ["'self'"], (url, script_src)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], url
        assert csp["object-src"] == ["'none'"], url
        assert csp["frame-ancestors"] == ["'none'"], url
        assert csp["base-uri"] in (["'self'"], ["'none'"]), url
        assert csp["form-action"] == ["'self'"], url


def test_signed_in_pages_and_the_admin_send_the_security_headers(client, pages, admin_user):
    client.force_login(admin_user)
    for url in [*pages, "/accounts/profile/", "/admin/", "/admin/discussions/comment/"]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "'unsafe-inline'" not in csp_directives(response["Content-Security-Policy"]).get(
            "script-src", []
        ), url


def test_a_refused_address_is_plain_text_that_cannot_be_sniffed_as_html(client):
    response = client.get("/?page=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_json_answers_are_not_sniffable(signed_in, other_user, article):
    comment = make_comment(article, author=other_user)
    response = signed_in.post(
        f"/comments/{comment.pk}/vote/", {"value": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    """Run Python in the project with a clean environment plus env."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": NO_DATABASE,
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


# What every process of the site does first: read the settings.
LOAD_SETTINGS = ["-c", "from django.conf import settings; settings.INSTALLED_APPS"]


def test_loading_the_settings_is_a_fair_test_of_starting():
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "crosstalk.example"}
    result = _run(LOAD_SETTINGS, **env)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("secret", [None, "   "], ids=["unset", "blank"])
def test_production_refuses_to_start_without_a_secret_key(secret):
    env = {"ALLOWED_HOSTS": "crosstalk.example"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = _run(LOAD_SETTINGS, **env)
    assert result.returncode != 0, result.stdout
    assert "SECRET_KEY must be set" in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize("hosts", [None, " , "], ids=["unset", "only-separators"])
def test_production_refuses_to_start_without_allowed_hosts(hosts):
    env = {"SECRET_KEY": secrets.token_urlsafe(50)}
    if hosts is not None:
        env["ALLOWED_HOSTS"] = hosts
    result = _run(LOAD_SETTINGS, **env)
    assert result.returncode != 0, result.stdout
    assert "ALLOWED_HOSTS must be set" in result.stderr, result.stderr[-2000:]


def test_production_passes_the_deployment_checks():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="crosstalk.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


# Runs inside the production settings: a request over http and one over https, no database.
PROD_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment

setup_test_environment()
# The manifest comes from collectstatic, which a test run does not do; names are irrelevant here.
plain_static = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain_static):
    client = Client()
    http = client.get("/accounts/login/")
    https = client.get("/accounts/login/", secure=True)
csrf = https.cookies.get(settings.CSRF_COOKIE_NAME)
names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "CSRF_COOKIE_SECURE", "DEBUG"]
print(json.dumps({
    "http": [http.status_code, http.get("Location")],
    "https": https.status_code,
    "hsts": https.get("Strict-Transport-Security"),
    "csrf_cookie_secure": bool(csrf and csrf["secure"]),
    "settings": {name: getattr(settings, name) for name in names},
}))
"""


@pytest.fixture(scope="module")
def production():
    result = _run(
        ["-W", "ignore", "-c", PROD_PROBE],
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver,crosstalk.example",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_http_to_https(production):
    status, location = production["http"]
    assert status == 301
    assert location == "https://testserver/accounts/login/"


def test_production_sends_hsts_and_secure_csrf_cookie_over_https(production):
    assert production["https"] == 200
    hsts = production["hsts"]
    assert hsts is not None
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
    assert "includeSubDomains" in hsts
    assert production["csrf_cookie_secure"] is True
    assert production["settings"]["DEBUG"] is False


def test_production_session_cookie_is_secure_and_http_only(client, user, production):
    """Sign in over https with the production cookie and HSTS settings (read from the probe)."""
    with override_settings(**production["settings"]):
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}, secure=True
        )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] in {"Lax", "Strict"}
    assert response.cookies["csrftoken"]["secure"] is True
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
