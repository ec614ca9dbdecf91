"""A cached anonymous article page is answered before the session, CSRF and auth middleware,
and still carries every header an uncached one does."""

import gzip

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Article
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

# Headers the page's own middleware adds; a cached answer skips them, so they come from the entry.
PAGE_HEADERS = (
    "Content-Type",
    "X-Frame-Options",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def article():
    article = make_article(title="Ferry timetable changes in Incheon")
    make_comment(article, body="The early ferry is gone")
    return article


def _headers(response) -> dict[str, str]:
    return {name: response.get(name) for name in PAGE_HEADERS}


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_cached_page_sends_the_same_security_headers_as_an_uncached_one(
    client, article, encoding, django_assert_num_queries
):
    reader = {"accept-encoding": encoding}
    uncached = client.get(article.get_absolute_url(), headers=reader)
    with django_assert_num_queries(0):
        cached = client.get(article.get_absolute_url(), headers=reader)

    assert _headers(cached) == _headers(uncached)
    assert cached["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in cached["Content-Security-Policy"]
    assert cached["Content-Type"] == "text/html; charset=utf-8"
    assert int(cached["Content-Length"]) == len(cached.content)


def test_a_cached_page_runs_no_query_and_never_touches_the_session(
    client, article, django_assert_num_queries
):
    first = client.get(article.get_absolute_url(), {"sort": "newest"})

    with django_assert_num_queries(0):
        again = client.get(article.get_absolute_url(), {"sort": "newest"})

    assert again.status_code == 200
    assert not again.cookies
    # The hit varies as the miss did (Cookie included: a cookie gets another page).
    assert set(again["Vary"].split(", ")) == set(first["Vary"].split(", ")) >= {"Cookie"}
    assert not hasattr(again.wsgi_request, "session")
    assert not hasattr(again.wsgi_request, "user")


def test_a_head_request_is_answered_from_the_cache(client, article, django_assert_num_queries):
    page = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        head = client.head(article.get_absolute_url())

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(page.content))
    assert _headers(head) == _headers(page)


def test_a_signed_in_reader_is_never_served_the_cached_page(client, article):
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip"})
    reader = Client()
    reader.force_login(make_user(username="hana"))

    for encoding in ("", "gzip"):
        response = reader.get(article.get_absolute_url(), headers={"accept-encoding": encoding})
        assert hasattr(response.wsgi_request, "session")
        page = response.content
        if encoding:
            page = gzip.decompress(page)
        assert "Log out" in page.decode()
    assert "Log out" not in client.get(article.get_absolute_url()).content.decode()


def test_a_reader_with_a_stale_session_cookie_gets_their_own_rendering(client, article):
    client.get(article.get_absolute_url())
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert hasattr(response.wsgi_request, "session")


def test_an_out_of_range_page_is_not_cached(client, article, django_assert_max_num_queries):
    client.get(article.get_absolute_url(), {"page": "99"})

    with django_assert_max_num_queries(30) as queries:
        response = client.get(article.get_absolute_url(), {"page": "99"})

    assert response.status_code == 200
    # Rendered again (the article read afresh), not answered by the page cache, which marks
    # what it answers or stores (the thread and the source comments have their own caches).
    assert len(queries) >= 1
    assert not hasattr(response, "page_cache")


def test_an_unpublished_article_is_a_404_with_the_security_headers(client):
    draft = make_article(status=Article.Status.DRAFT)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response
