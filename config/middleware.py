from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _is_clean(text: str) -> bool:
    return "\x00" not in text and not _has_surrogate(text)


class RejectBadInputMiddleware:
    """Answer 400 to a NUL byte or a lone surrogate in the path or the query string.

    PostgreSQL cannot store or compare either, so letting them reach a query ends in a 500.
    Form bodies are checked by RejectBadFormInputMiddleware, after the CSRF check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    # Views that clean their own query string (search drops control characters from q, and
    # answers a search for a NUL with the results or a message, as the translation issue asks).
    OWN_QUERY_CLEANING = frozenset({"/search/"})

    def __call__(self, request):
        values = [request.path]
        if request.path not in self.OWN_QUERY_CLEANING:
            for key, items in request.GET.lists():
                values.append(key)
                values.extend(items)
        if not all(_is_clean(value) for value in values):
            return HttpResponseBadRequest(
                _("The address contains characters that are not allowed (such as a NUL byte)."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class RejectBadFormInputMiddleware:
    """Answer 400 to a lone surrogate in a form body, or a NUL byte in a field or file name.

    A body declared in a charset such as UTF-7 decodes to lone surrogates, which no response,
    log line or PostgreSQL query can encode: refused here, before any view sees them. A NUL
    byte in a field's value is left to the forms, which re-render with a message. Listed after
    CsrfViewMiddleware and run as process_view, so a forged request still meets the CSRF 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        names = []
        values = []
        for key, items in request.POST.lists():
            names.append(key)
            values.extend(items)
        for key, files in request.FILES.lists():
            names.append(key)
            names.extend(upload.name or "" for upload in files)
        if all(_is_clean(name) for name in names) and not any(map(_has_surrogate, values)):
            return None
        return HttpResponseBadRequest(
            _(
                "The form contains characters that are not allowed (a NUL byte or a lone "
                "surrogate). Please send it again as UTF-8 text."
            ),
            content_type="text/plain; charset=utf-8",
        )


class ProxiedClientMiddleware:
    """Behind `make serve`'s nginx, take the client's address from X-Real-IP.

    Only with CROSSTALK_BEHIND_PROXY on, and only for a request that came over gunicorn's Unix
    socket (REMOTE_ADDR empty), which nothing but nginx can reach: a client that talks to a TCP
    listener directly cannot choose its address with a header. Rate limits, lockouts and the
    comment's stored address then see the reader, not nginx.
    """

    def __init__(self, get_response):
        from django.conf import settings
        from django.core.exceptions import MiddlewareNotUsed

        if not settings.CROSSTALK_BEHIND_PROXY:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if not meta.get("REMOTE_ADDR") and meta.get("HTTP_X_REAL_IP"):
            meta["REMOTE_ADDR"] = meta["HTTP_X_REAL_IP"]
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Mark a signed-in reader's pages, and any response that sets a cookie, `private,
    no-store`: no shared cache (a CDN, nginx's microcache) may keep or serve them, and the
    browser keeps no copy on disk. The anonymous article page says `public` itself
    (articles/page_cache.py) and sets no cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.cookies:
            patch_cache_control(response, private=True, no_store=True)
        return response
