"""Every page's header and footer links (config.context_processors.site: reversed once per
URL configuration and script prefix, not on every page)."""

import pytest
from django.urls import reverse, set_script_prefix

from config.context_processors import NAV_URLS
from tests.factories import make_user, parse_html

pytestmark = pytest.mark.django_db

ANONYMOUS = {"feed", "home", "search", "policy", "login", "signup", "glossary", "corrections"}
SIGNED_IN = ANONYMOUS - {"login", "signup"} | {"inbox", "settings", "logout"}


def _targets(response) -> set[str]:
    doc = parse_html(response.content)
    links = {a.attrs.get("href", "").partition("?")[0] for a in doc.find_all("a")}
    return links | {form.attrs.get("action") for form in doc.find_all("form")}


@pytest.mark.parametrize(("signed_in", "shown"), [(False, ANONYMOUS), (True, SIGNED_IN)])
def test_the_header_and_footer_link_where_the_url_patterns_say(client, signed_in, shown):
    if signed_in:
        client.force_login(make_user())
    targets = _targets(client.get(reverse("glossary:index")))
    assert {reverse(NAV_URLS[key]) for key in shown} <= targets


def test_the_links_follow_the_script_prefix_of_each_request(client):
    page = reverse("glossary:index")
    plain = {reverse(NAV_URLS[key]) for key in ANONYMOUS}
    assert plain <= _targets(client.get(page))
    expected = {"/news" + path for path in plain}
    # What the WSGI handler does for a site mounted at /news (the test client does not).
    set_script_prefix("/news/")
    try:
        prefixed = _targets(client.get(page))
    finally:
        set_script_prefix("/")
    assert expected <= prefixed
    assert not (plain - {"/"}) & prefixed  # the home link is "/news/" now
    # At the root again, the links are the root's, not the cached prefixed ones.
    assert plain <= _targets(client.get(page))


def test_each_link_is_named_for_where_it_goes(client):
    doc = parse_html(client.get(reverse("glossary:index")).content)
    targets = {}
    for a in doc.find_all("a"):
        targets.setdefault(a.text().strip(), set()).add(a.attrs.get("href", "").partition("?")[0])
    assert targets["Comment Policy"] == {reverse("discussions:policy")}
    assert targets["Glossary"] >= {reverse("glossary:index")}
    assert targets["Corrections"] == {reverse("translations:corrections")}
    assert targets["Feed"] == {reverse("feed")}
    assert targets["Log in"] == {reverse("login")}
    assert targets["Sign up"] == {reverse("accounts:signup")}
    assert targets["crosstalk"] == {reverse("articles:home")}
