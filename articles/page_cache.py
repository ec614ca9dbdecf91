"""Whole article pages for anonymous readers, cached.

Most readers are not signed in, and for them an article page holds nothing personal: no
pressed votes, no own-comment links, no CSRF token (their vote buttons lead to the login page,
and the vote view checks CSRF only for signed-in users). So their page is rendered once per
article version and served from the cache until something changes it.

Freshness: the key holds the article's `discussion_version` (bumped with F() in the same
transaction as every post, edit, vote, moderation action and import) and its `updated_at`
(every save in the admin, source comments included), read with one small query per request.
A write is therefore visible on the very next request. Category and tag names are not in the
key: a renamed category shows on cached pages within PAGE_TIMEOUT seconds.
"""

import gzip
import re

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from articles.models import Article
from core.cache import cache_get, cache_set

PAGE_KEY = "page:2:{host}:{article}:{version}:{updated}:{sort}:{page}"
PAGE_TIMEOUT = 300
GZIP_SUFFIX = ":gz"
# Query parameters that select what the page shows; any other makes the request uncacheable.
PAGE_PARAMS = frozenset({"sort", "page"})
MESSAGE_COOKIE = "messages"  # django.contrib.messages' cookie storage
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def is_shared_request(request) -> bool:
    """Return whether this request gets the page every anonymous reader gets.

    A session cookie means a signed-in reader (or one with something in their session), a
    messages cookie means a one-off notice to show: both get their own rendering.
    """
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGE_COOKIE not in request.COOKIES
        and PAGE_PARAMS.issuperset(request.GET.keys())
    )


def article_state(slug: str):
    """Return (id, discussion_version, updated_at) of the published article, or None.

    Plain SQL: this one query is most of the cost of a cached page, and the ORM's query
    building would double it. Same condition as Article.objects.published().
    """
    table = connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, discussion_version, updated_at FROM {table} "  # noqa: S608 - our own table name
            "WHERE slug = %s AND status = %s AND published_at <= %s",
            [slug, Article.Status.PUBLISHED, timezone.now()],
        )
        return cursor.fetchone()


def page_key(request, *, article_id: int, version: int, updated_at, sort: str, page: int) -> str:
    return PAGE_KEY.format(
        host=request.get_host(),
        article=article_id,
        version=version,
        updated=updated_at.timestamp(),
        sort=sort,
        page=page,
    )


def accepts_gzip(request) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def cached_response(request, key: str) -> HttpResponse | None:
    """Return the cached page as a response (gzipped when the reader accepts it), or None.

    The page is compressed once per cache entry, by the first reader who takes gzip, instead
    of by GZipMiddleware on every request; it holds no secret (no CSRF token), so compressing
    it is no BREACH risk. The plain and the compressed page are separate entries, so a reader
    loads only the one they get (a sixth of the bytes for gzip).
    """
    if not accepts_gzip(request):
        content = cache_get(key)
        return None if content is None else _response(content)
    compressed = cache_get(key + GZIP_SUFFIX)
    if compressed is None:
        content = cache_get(key)
        if content is None:
            return None
        compressed = _compress(content)
        cache_set(key + GZIP_SUFFIX, compressed, PAGE_TIMEOUT)
    return _response(compressed, gzipped=True)


def store(request, key: str, response: HttpResponse) -> None:
    """Cache a freshly rendered page. If this reader takes gzip, compress it now and answer
    with that (GZipMiddleware leaves an encoded response alone); otherwise leave compressing
    to the first reader who does."""
    cache_set(key, response.content, PAGE_TIMEOUT)
    if accepts_gzip(request):
        compressed = _compress(response.content)
        cache_set(key + GZIP_SUFFIX, compressed, PAGE_TIMEOUT)
        response.content = compressed
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(compressed))
        patch_vary_headers(response, ("Accept-Encoding",))


def _compress(content: bytes) -> bytes:
    return gzip.compress(content, compresslevel=6, mtime=0)


def _response(body: bytes, *, gzipped: bool = False) -> HttpResponse:
    response = HttpResponse(body)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
