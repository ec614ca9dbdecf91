"""Whole article pages for anonymous readers, cached, and answered before most of the stack.

Most readers are not signed in, and for them an article page holds nothing personal: no
pressed votes, no own-comment links, no CSRF token (their vote buttons lead to the login page,
and the vote view checks CSRF only for signed-in users). So their page is rendered once per
article version and served from the cache until something changes it.

Freshness: the key holds the article's `discussion_version` (bumped with F() in the same
transaction as every post, edit, vote, moderation action and import) and its `updated_at`
(every save in the admin, source comments included) and the glossary's version (a term
added or edited links on the next request), read with one small query. Each worker
keeps what it read for CROSSTALK["PAGE_STATE_SECONDS"] (1 s): a write made through this worker
forgets it at once (forget_states), so its author's next request shows it; a write made
through another worker reaches anonymous readers within that second, as a shared HTTP cache
in front would. A hit then costs no query at all. Category and tag names are not in the key:
a renamed category shows on cached pages within PAGE_TIMEOUT seconds.

Where: SharedPageMiddleware answers before the session, CSRF, auth, messages, CSP and axes
middleware (see MIDDLEWARE in config/settings/base.py), so a cached page costs at most that one
query and no session. A hit skips the middleware that added the page's own headers (X-Frame-Options,
Content-Security-Policy, ...), so each entry holds those headers beside the body.
"""

import gzip
import hashlib
import re
import time
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from articles.models import Article
from core.cache import cache_get, cache_set
from core.gzip_splice import splice
from core.http import parse_page
from discussions.sorts import Sort
from glossary import state as glossary_state

# 3: an entry is (headers, body), no longer the body alone.
# 5: the glossary version is part of the key (a term added or edited shows at once).
PAGE_KEY = "page:5:{host}:{article}:{version}:{updated}:{glossary}:{sort}:{page}"
PAGE_TIMEOUT = 300
GZIP_SUFFIX = ":gz"
# Query parameters that select what the page shows; any other makes the request uncacheable.
PAGE_PARAMS = frozenset({"sort", "page"})
MESSAGE_COOKIE = "messages"  # django.contrib.messages' cookie storage
PAGE_VIEW = "articles:detail"
# Headers an entry does not keep: a cookie belongs to one reader, the length and encoding
# follow the body each entry holds, and Vary is set afresh on every cached answer.
UNKEPT_HEADERS = frozenset({"set-cookie", "content-length", "content-encoding", "vary"})
# Cache-Control, ETag and X-Accel-Expires are set on each answer (shared_headers).
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class SharedPageMiddleware:
    """Answer an anonymous reader's article page from the cache; cache it on a miss.

    Only a response the view marked as the shared page (`response.shared_page = True`) is
    stored, so the middleware never guesses what the view rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = shared_page_key(request)
        if key is None:
            return self.get_response(request)
        etag = page_etag(key, gzipped=accepts_gzip(request))
        if etag_matches(request, etag):
            response = HttpResponseNotModified()
            response.page_cache = "revalidated"  # for /metrics (core/metrics.py)
            return shared_headers(response, etag)
        response = cached_response(request, key)
        if response is not None:
            response.page_cache = "hit"
        else:
            response = self.get_response(request)
            if not is_shareable(response):
                return response
            store(request, key, response)
            response.page_cache = "miss"
        return shared_headers(response, etag)


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


def shared_page_key(request) -> str | None:
    """Return the cache key of the shared article page this request asks for, or None when
    it asks for something else (another URL, a reader's own page, no such article)."""
    if not is_shared_request(request):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != PAGE_VIEW:
        return None
    row = article_page_state(match.kwargs["slug"])
    if row is None:
        return None  # the view answers the 404, through the whole stack
    article_id, version, updated_at, glossary_version = row
    return page_key(
        request,
        article_id=article_id,
        version=version,
        updated_at=updated_at,
        glossary=glossary_version,
        sort=Sort.parse(request.GET.get("sort")).value,
        page=parse_page(request.GET.get("page")),
    )


# slug -> (monotonic time read, row): this worker's last reading of each article's state.
_states: dict[str, tuple[float, tuple | None]] = {}
MAX_STATES = 5_000


def article_state(slug: str) -> tuple[int, int, datetime] | None:
    """Return (id, discussion_version, updated_at) of the published article, or None; as read
    at most PAGE_STATE_SECONDS ago by this worker."""
    row = article_page_state(slug)
    return None if row is None else row[:3]


def article_page_state(slug: str) -> tuple[int, int, datetime, str] | None:
    """Return article_state and the glossary's version (glossary.state), read in the same
    one query, or None."""
    seconds = settings.CROSSTALK["PAGE_STATE_SECONDS"]
    now = time.monotonic()
    if seconds > 0:
        known = _states.get(slug)
        if known is not None and now - known[0] < seconds:
            return known[1]
    row = (
        Article.objects.published()
        .filter(slug=slug)
        .annotate(glossary_version=glossary_state.version_subquery())
        .values_list("id", "discussion_version", "updated_at", "glossary_version")
        .first()
    )
    if row is not None:
        glossary_state.note(row[3])  # the page rendered on a miss links with this version
    if seconds > 0:
        if len(_states) >= MAX_STATES:
            _states.clear()
        _states[slug] = (now, row)
    return row


def forget_states(**kwargs) -> None:
    """Forget every article state this worker read: called by each write to an article or its
    discussion (and as a post_save receiver of Article), so this worker's next request reads
    them afresh; the glossary version they hold with them too.

    Now, and again when the write's transaction commits: under a threaded server (runserver,
    a gthread worker) a request another thread answers before then reads the state as it was
    and would otherwise keep it; gunicorn's sync workers answer one request at a time."""
    _forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_forget)


def _forget() -> None:
    _states.clear()
    glossary_state.forget()


def page_key(
    request,
    *,
    article_id: int,
    version: int,
    updated_at,
    glossary: str | None,
    sort: str,
    page: int,
) -> str:
    return PAGE_KEY.format(
        host=request.get_host(),
        article=article_id,
        version=version,
        updated=updated_at.timestamp(),
        glossary=glossary or "0",
        sort=sort,
        page=page,
    )


def is_shareable(response) -> bool:
    """Return whether the response is the shared page, fit to answer every anonymous reader.

    A cookie in it would mean something of this reader got in: such a page is not kept.
    """
    return (
        response.status_code == 200
        and getattr(response, "shared_page", False)
        and not response.streaming
        and not response.cookies
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
        entry = cache_get(key)
        return None if entry is None else _response(*entry)
    compressed = cache_get(key + GZIP_SUFFIX)
    if compressed is None:
        entry = cache_get(key)
        if entry is None:
            return None
        headers, content = entry
        compressed = (headers, _compress(content))
        cache_set(key + GZIP_SUFFIX, compressed, PAGE_TIMEOUT)
    return _response(*compressed, gzipped=True)


def store(request, key: str, response: HttpResponse) -> None:
    """Cache a freshly rendered page with its headers. If this reader takes gzip, compress it
    now and answer with that (GZipMiddleware leaves an encoded response alone); otherwise
    leave compressing to the first reader who does.

    A page the view gave in parts (`gzip_parts`: the text before the thread, the thread's
    cached deflate stream, the text after) is compressed by splicing them (core/gzip_splice.py),
    which deflates only the text around the thread."""
    headers = {
        name: value for name, value in response.items() if name.lower() not in UNKEPT_HEADERS
    }
    cache_set(key, (headers, response.content), PAGE_TIMEOUT)
    if accepts_gzip(request):
        compressed = _compress_response(response)
        cache_set(key + GZIP_SUFFIX, (headers, compressed), PAGE_TIMEOUT)
        response.content = compressed
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(compressed))
        patch_vary_headers(response, ("Accept-Encoding",))


def _compress(content: bytes) -> bytes:
    return gzip.compress(content, compresslevel=6, mtime=0)


def _compress_response(response: HttpResponse) -> bytes:
    parts = getattr(response, "gzip_parts", None)
    if parts is not None:
        before, thread, after = parts
        if len(before) + thread.length + len(after) == len(response.content):  # still the same
            return splice(before, thread, after)
    return _compress(response.content)


def page_etag(key: str, *, gzipped: bool) -> str:
    """Return the strong ETag of the page this key names: the key holds the article, its
    discussion version, updated_at, the glossary version, sort and page. The gzipped and the
    plain page are different bytes, so they have different tags."""
    digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    return f'"{digest}-gz"' if gzipped else f'"{digest}"'


def etag_matches(request, etag: str) -> bool:
    """Return whether If-None-Match names this tag (weak comparison, as RFC 9110 asks)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)


def shared_headers(response: HttpResponse, etag: str) -> HttpResponse:
    """Mark the shared page for caches: any cache may keep it (s-maxage), a browser asks
    again each time (max-age=0, with the ETag it holds); nginx's microcache keeps it
    MICROCACHE_SECONDS (X-Accel-Expires, which nginx does not pass on)."""
    conf = settings.CROSSTALK
    response.headers["Cache-Control"] = (
        f"public, max-age=0, s-maxage={conf['SHARED_MAX_AGE']}, "
        f"stale-while-revalidate={conf['STALE_WHILE_REVALIDATE']}"
    )
    response.headers["ETag"] = etag
    response.headers["X-Accel-Expires"] = str(conf["MICROCACHE_SECONDS"])
    # A session or messages cookie gets another page; the encoding, other bytes.
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


def _response(headers: dict[str, str], body: bytes, *, gzipped: bool = False) -> HttpResponse:
    response = HttpResponse(body, headers=headers)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
