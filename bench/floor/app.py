"""The framework floor: a bare Django app serving one gzipped page from memory.

No middleware, no installed apps, no database, one URL pattern that answers every path with
the bytes of the file named by CROSSTALK_FLOOR_BODY_FILE (read once at start), sent as
`Content-Encoding: gzip` with the Content-Type in CROSSTALK_FLOOR_CONTENT_TYPE. Run it with the
site's gunicorn command: `gunicorn -c gunicorn.conf.py bench.floor.app`.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import re_path

from bench.floor import BODY_FILE_ENV, CONTENT_TYPE_ENV

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-not-secret",  # noqa: S106 - nothing is signed
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    USE_I18N=False,
)

BODY = Path(os.environ[BODY_FILE_ENV]).read_bytes()
CONTENT_TYPE = os.environ[CONTENT_TYPE_ENV]


def page(request):
    response = HttpResponse(BODY, content_type=CONTENT_TYPE)
    response["Content-Encoding"] = "gzip"
    return response


# Every path, /healthz (gunicorn()'s readiness probe) included.
urlpatterns = [re_path(r"", page)]

application = get_wsgi_application()
