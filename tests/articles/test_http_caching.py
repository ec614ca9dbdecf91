"""HTTP caching (contract, section HTTP): the anonymous article page may be kept by any cache
and revalidated with its ETag; a signed-in reader's pages are private; no anonymous article
page sets a cookie."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = make_article(title="Ferry fares rise on Jeju routes")
    make_comment(article, body="The fares were frozen for years")
    return article


def test_the_anonymous_page_is_public_with_a_strong_etag_and_no_cookie(client, article):
    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=5", "stale-while-revalidate=30"} <= directives
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["X-Accel-Expires"] == "1"
    assert not response.cookies
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"accept-encoding", "cookie"} <= vary


def test_an_unchanged_page_answers_304_in_at_most_one_query(
    client, article, settings, django_assert_max_num_queries
):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_STATE_SECONDS": 0}
    etag = client.get(article.get_absolute_url())["ETag"]

    with django_assert_max_num_queries(1):
        again = client.get(article.get_absolute_url(), headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "public" in again["Cache-Control"]
    # A cache holding several versions may list them; the weak form matches too.
    listed = client.get(article.get_absolute_url(), headers={"If-None-Match": f'"old", W/{etag}'})
    assert listed.status_code == 304


def test_the_gzipped_page_has_its_own_tag(client, article):
    plain = client.get(article.get_absolute_url())
    zipped = client.get(article.get_absolute_url(), headers={"Accept-Encoding": "gzip"})

    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["ETag"] != plain["ETag"]
    revalidated = client.get(
        article.get_absolute_url(),
        headers={"Accept-Encoding": "gzip", "If-None-Match": plain["ETag"]},
    )
    assert revalidated.status_code == 200  # the plain page's tag does not stand for gzip


def test_a_write_changes_the_tag(client, article):
    url = article.get_absolute_url()
    before = client.get(url)["ETag"]
    make_comment(article, body="Another view on the fares")

    after = client.get(url, headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after["ETag"] != before
    assert "Another view on the fares" in after.content.decode()


def test_each_sort_and_page_has_its_own_tag(client, article):
    url = article.get_absolute_url()
    tags = {client.get(url, {"sort": sort})["ETag"] for sort in ("best", "newest", "oldest")}
    assert len(tags) == 3


def test_a_signed_in_readers_pages_are_private(article):
    reader = Client()
    reader.force_login(make_user(username="hana"))

    for url in (article.get_absolute_url(), reverse("notifications:inbox"), "/"):
        response = reader.get(url)
        assert response.status_code == 200, url
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
        assert "public" not in directives


def test_a_response_that_sets_a_cookie_is_private(client):
    response = client.get(reverse("login"))

    assert "csrftoken" in response.cookies
    assert "private" in response["Cache-Control"]
