"""The test suite: `make test` uses this module."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-crosstalk"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CACHES = {  # noqa: F405
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "crosstalk-test",
    }
}
# Serve static files from the app folders; the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Staff sign in with a password alone; tests/staff_auth turns the second factor on.
CROSSTALK_STAFF_2FA = False
