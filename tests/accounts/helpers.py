"""Helpers of the account tests: readers with addresses, and the mail queued for them."""

import re
from urllib.parse import urlsplit

from django.utils import timezone

from outbox.models import OutgoingMail
from tests.factories import make_user, parse_html

URL = re.compile(r"https?://\S+")


def make_reader(email: str = "", *, verified: bool = True, **overrides):
    """Return a reader with this address, confirmed unless verified=False."""
    fields = {"email": email}
    if email and verified:
        fields["email_verified_at"] = timezone.now()
    fields.update(overrides)
    return make_user(**fields)


def queued(**filters) -> list[OutgoingMail]:
    """Return the mail stored in the outbox (queued or sent), oldest first."""
    return list(OutgoingMail.objects.filter(**filters).order_by("created_at", "id"))


def link_path(text: str, contains: str) -> str:
    """Return the path of the first link in the text whose path contains this."""
    for url in URL.findall(text):
        path = urlsplit(url).path
        if contains in path:
            return path
    raise AssertionError(f"no link with {contains!r} in:\n{text}")


def form_errors(response) -> str:
    return " ".join(el.text() for el in parse_html(response.content).find_all(cls="form-errors"))


def page_text(response) -> str:
    main = parse_html(response.content).find("main")
    return " ".join((main or parse_html(response.content)).text().split())
