"""`make bench`: production-like settings (DEBUG off) on a database of the benchmark's own.

CROSSTALK_BENCH_CACHE=off swaps the cache for a DummyCache, for the uncached figures.
"""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret-crosstalk"  # noqa: S105
# "testserver" is the host name of Django's test client, which the in-process figures use.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# Always a database of its own, also when DATABASE_URL names the site's database: the bench
# creates thousands of comments and must never mix them into real discussions.
DATABASES["default"]["NAME"] = os.environ.get("CROSSTALK_DB_NAME") or "crosstalk_bench"  # noqa: F405
if DATABASES["default"]["NAME"] == "crosstalk":  # noqa: F405
    DATABASES["default"]["NAME"] = "crosstalk_bench"  # noqa: F405

# No collectstatic: WhiteNoise indexes the app folders once at start (no per-request refresh),
# and {% static %} needs no manifest.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
STATIC_ROOT = None  # nothing is collected; see above

if os.environ.get("CROSSTALK_BENCH_CACHE", "").strip().lower() in {"off", "0", "no", "false"}:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif not REDIS_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "crosstalk-bench",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
