from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


def _is_clean(text: str) -> bool:
    return "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text)


class RejectBadInputMiddleware:
    """Answer 400 to a NUL byte or a lone surrogate in the path or the query string.

    PostgreSQL cannot store or compare either, so letting them reach a query ends in a 500.
    Form fields are checked by the forms themselves, which re-render with a message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path]
        for key, items in request.GET.lists():
            values.append(key)
            values.extend(items)
        if not all(_is_clean(value) for value in values):
            return HttpResponseBadRequest(
                _("The address contains characters that are not allowed (such as a NUL byte)."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
