"""The article page in gzip: the cached thread's deflate stream spliced between the freshly
compressed page around it (core/gzip_splice.py), read back as exactly the plain page."""

import gzip
import pickle

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware import csrf
from django.test import Client

from articles import views
from discussions import pages
from discussions.models import Comment
from discussions.pages import thread_fragment
from tests.factories import (
    make_comment,
    make_discussion,
    make_moderator,
    make_user,
    parse_html,
    thread_comments,
)

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}
NON_ASCII = "서울 지하철 2호선 — «quiet cars», café naïve 🚇"


@pytest.fixture
def fixed_csrf_mask(monkeypatch):
    """Mask the CSRF secret alike in every response (Django masks it afresh in each), so two
    renderings of one page can be compared byte for byte."""
    monkeypatch.setattr(csrf, "_get_new_csrf_string", lambda: "m" * csrf.CSRF_SECRET_LENGTH)


@pytest.fixture
def discussed(article):
    make_discussion(article, count=40)
    make_comment(article, body=NON_ASCII * 20)
    return article


def cached_thread(article):
    return thread_fragment(article, sort="best", page=1)


def assert_spliced(response):
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)


def test_signed_in_page_in_gzip_decompresses_to_the_plain_page(
    signed_in, discussed, fixed_csrf_mask
):
    url = discussed.get_absolute_url()
    plain = signed_in.get(url)
    compressed = signed_in.get(url, headers=GZIP)

    assert compressed.status_code == plain.status_code == 200
    assert_spliced(compressed)
    assert gzip.decompress(compressed.content) == plain.content
    assert NON_ASCII in plain.content.decode()


def test_signed_in_page_splices_the_cached_thread_stream(signed_in, discussed):
    response = signed_in.get(discussed.get_absolute_url(), headers=GZIP)

    assert_spliced(response)
    thread = cached_thread(discussed)
    deflated = thread.deflated()
    assert deflated.length == len(thread.html)
    assert deflated.deflate in response.content  # compressed once, not again for this page
    page = gzip.decompress(response.content).decode()
    assert page.count(thread.html.decode()) == 1
    assert page.count('name="csrfmiddlewaretoken"') >= 2  # before and after the thread


def test_signed_in_page_in_gzip_never_reads_the_threads_html(
    signed_in, discussed, fixed_csrf_mask, monkeypatch
):
    url = discussed.get_absolute_url()
    first = signed_in.get(url, headers=GZIP)  # renders the thread and deflates it
    read = {}
    real_get = pages.cache_get

    def spy(key, *args, **kwargs):
        value = real_get(key, *args, **kwargs)
        read[key] = len(pickle.dumps(value))
        return value

    monkeypatch.setattr(pages, "cache_get", spy)
    again = signed_in.get(url, headers=GZIP)

    assert_spliced(again)
    page = gzip.decompress(again.content)
    assert page == gzip.decompress(first.content)
    assert any(":deflate:" in key for key in read)  # the stream it splices
    # The thread's entry and its stream, not its HTML (3 MB for a 2,000-comment thread).
    thread = page.partition(b'<ol class="thread"')[2].rpartition(b"</ol>")[0]
    assert len(thread) > 20_000
    assert sum(read.values()) < len(thread) / 2


@pytest.mark.parametrize("reader", ["signed in", "anonymous"])
def test_a_page_shows_the_thread_when_its_html_was_evicted_alone(
    client, user, other_user, discussed, reader, monkeypatch
):
    url = discussed.get_absolute_url()
    expected = set(Comment.objects.filter(article=discussed).values_list("pk", flat=True))
    written = []
    real_set = pages.cache_set

    def spy(key, value, *args, **kwargs):
        written.append(key)
        return real_set(key, value, *args, **kwargs)

    # Another reader's page stores the thread's entry, its HTML's and its stream's (and no
    # shared page: the anonymous reader's comes from the thread's entry).
    monkeypatch.setattr(pages, "cache_set", spy)
    primer = Client()
    primer.force_login(other_user)
    primer.get(url, headers=GZIP)
    (html_key,) = [key for key in written if ":html:" in key]
    assert any(":deflate:" in key for key in written)
    cache.delete(html_key)
    if reader == "signed in":
        client.force_login(user)

    plain = client.get(url, headers={"accept-encoding": "identity"})

    assert plain.status_code == 200
    assert NON_ASCII in plain.content.decode()
    assert set(thread_comments(parse_html(plain.content))) == expected
    # Rendered anew and kept, as a rendering of its own.
    (renewed,) = [key for key in written if ":html:" in key and key != html_key]
    assert cache.get(renewed) is not None


def test_shared_page_after_its_html_was_evicted_pairs_it_with_its_own_stream(
    client, other_user, discussed, monkeypatch
):
    url = discussed.get_absolute_url()
    written, read = [], []
    real_set, real_get = pages.cache_set, pages.cache_get
    monkeypatch.setattr(
        pages, "cache_set", lambda k, *a, **kw: written.append(k) or real_set(k, *a, **kw)
    )
    primer = Client()
    primer.force_login(other_user)
    primer.get(url, headers=GZIP)  # the thread's entry, its HTML and its stream
    (html_key,) = [key for key in written if ":html:" in key]
    (old_stream,) = [key for key in written if ":deflate:" in key]
    cache.delete(html_key)
    monkeypatch.setattr(
        pages, "cache_get", lambda k, *a, **kw: read.append(k) or real_get(k, *a, **kw)
    )

    compressed = client.get(url, headers=GZIP)  # the shared page: plain and gzip kept
    plain = client.get(url, headers={"accept-encoding": "identity"})  # the kept plain one

    assert compressed["Content-Encoding"] == "gzip"
    assert plain.page_cache == "hit"
    assert gzip.decompress(compressed.content) == plain.content
    # Rendered anew, the HTML went out with a stream made from it, not the lost rendering's.
    assert old_stream not in read


def test_plain_page_is_the_page_rendered_in_one_piece(
    signed_in, discussed, fixed_csrf_mask, monkeypatch
):
    url = discussed.get_absolute_url()
    spliced_plain = signed_in.get(url).content

    def in_one_piece(request, context, thread_deflated, *, status, shared):
        return HttpResponse(views.page_text(request, context), status=status)

    monkeypatch.setattr(views, "_page_response", in_one_piece)
    whole = signed_in.get(url)
    assert spliced_plain == whole.content
    compressed_whole = signed_in.get(url, headers=GZIP)  # GZipMiddleware, as before
    assert gzip.decompress(compressed_whole.content) == spliced_plain


def test_reader_without_gzip_gets_an_unencoded_page(signed_in, discussed):
    response = signed_in.get(discussed.get_absolute_url(), headers={"accept-encoding": "br"})

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"<!doctype html>")
    assert "Accept-Encoding" in response["Vary"]
    assert cached_thread(discussed).html in response.content


def test_anonymous_page_in_gzip_is_the_plain_page(client, discussed):
    url = discussed.get_absolute_url()
    first = client.get(url, headers=GZIP)  # renders and caches the page
    again = client.get(url, headers=GZIP)  # from the cache
    plain = client.get(url)

    assert_spliced(first)
    assert again["Content-Encoding"] == "gzip"
    assert again.content == first.content
    assert gzip.decompress(first.content) == plain.content
    assert not plain.has_header("Content-Encoding")
    assert b"csrfmiddlewaretoken" not in plain.content
    assert cached_thread(discussed).deflated().deflate in first.content


def test_comment_form_error_page_in_gzip_decompresses_to_the_plain_one(
    signed_in, discussed, fixed_csrf_mask
):
    url = f"/articles/{discussed.slug}/comments/"
    plain = signed_in.post(url, {"body": "   "})
    compressed = signed_in.post(url, {"body": "   "}, headers=GZIP)

    assert compressed.status_code == plain.status_code == 400
    assert_spliced(compressed)
    page = gzip.decompress(compressed.content)
    assert page == plain.content
    assert "the comment is empty" in page.decode()


def test_private_rendering_is_compressed_whole(client, discussed):
    client.force_login(make_moderator())

    response = client.get(discussed.get_absolute_url(), headers=GZIP)

    assert response["Content-Encoding"] == "gzip"  # by GZipMiddleware: nothing cached to splice
    assert NON_ASCII in gzip.decompress(response.content).decode()


def test_reader_with_pending_comment_gets_a_private_page_in_gzip(client, discussed):
    reader = make_user()
    make_comment(
        discussed, author=reader, body="Held for a moderator", status=Comment.Status.PENDING
    )
    client.force_login(reader)

    response = client.get(discussed.get_absolute_url(), headers=GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert cached_thread(discussed).deflated().deflate not in response.content
    assert "Held for a moderator" in gzip.decompress(response.content).decode()
