import sys

from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_DOWN:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


DATABASE_DOWN = (DatabaseError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """Answer 503 with a friendly page while the database is unreachable, 500 otherwise.

    Rendered without context processors so the page itself needs no database; a comment being
    posted is handed back in a text box so nothing typed is lost.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        posted = request.POST if request.method == "POST" else {}
        context = {
            "body": posted.get("body", ""),
            "parent": posted.get("parent", ""),
            "action": request.path,
            "csrf_token": get_token(request),
        }
        html = loader.get_template("503.html").render(context)
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
