"""Parsing of request values shared by every app."""

from django.utils.http import url_has_allowed_host_and_scheme


def parse_page(value: str | None) -> int:
    """Return a page number from a query value; anything odd is page 1, huge is clamped."""
    if value and value.isascii() and value.isdigit() and len(value) <= 9:
        return max(1, int(value))
    return 1


def local_path(request, target: str | None, default: str) -> str:
    """Return target when it is a path of this site ("/..."), else default: never another
    site ("//evil", "/\\evil", "javascript:", "foo")."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return default


def local_target(request, default: str) -> str:
    """Return the POSTed (or queried) `next` when it is a path of this site, else default."""
    return local_path(request, request.POST.get("next") or request.GET.get("next"), default)
