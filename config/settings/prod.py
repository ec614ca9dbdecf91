"""Production: refuses to start without SECRET_KEY and ALLOWED_HOSTS from the environment.

`make run` uses this module whenever DEBUG is off. Serving plain HTTP on loopback (as `make run`
does on a developer's machine) is the one relaxation, and only with CROSSTALK_PLAIN_HTTP=1:
it drops the HTTPS redirect, HSTS and the Secure cookie flag, which a browser cannot honour
over http://127.0.0.1 anyway.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in the environment for production (comma-separated hosts)."
    )

HTTPS = not env_bool("CROSSTALK_PLAIN_HTTP", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Staff need a second factor for the admin (staff_auth/); CROSSTALK_STAFF_2FA=0 turns it off.
CROSSTALK_STAFF_2FA = env_bool("CROSSTALK_STAFF_2FA", True)

# One JSON object per log line, with the request id (core/requestid.py); the worker's lines about
# mail say what they did.
LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
LOGGING["loggers"] = {"outbox": {"level": "INFO"}, "notifications": {"level": "INFO"}}  # noqa: F405
