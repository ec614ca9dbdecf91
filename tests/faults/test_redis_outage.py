"""Redis, the optional cache, stops or hangs while the site serves: pages are served uncached
and comments are posted, each request within a couple of seconds."""

from contextlib import contextmanager

import pytest

from soak.services import RedisMissing, RedisServer

pytestmark = pytest.mark.faults

SLOWEST_SECONDS = 2.0  # the cache's socket timeouts are 0.25 s; a hang must not add more


@pytest.fixture(scope="module")
def redis_server():
    try:
        server = RedisServer()
    except RedisMissing as exc:
        pytest.skip(str(exc))
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def site(open_site, redis_server):
    with open_site(redis_url=redis_server.url) as running:
        yield running


@contextmanager
def redis_stopped(server):
    server.terminate()
    try:
        yield
    finally:
        server.start()


@contextmanager
def redis_paused(server):
    server.pause()
    try:
        yield
    finally:
        server.resume()


def cached_fragments(server) -> list[bytes]:
    return server.client().keys("*thread:*")


def assert_served_and_posted(site, reader, form_page, body):
    """Read pages and post a comment; each answer must be right and quick."""
    anonymous = site.browser()
    for path in ("/", site.article_path(), site.article_path() + "?sort=newest&page=2"):
        page = anonymous.get(path)
        assert page.status == 200, path
        assert page.seconds < SLOWEST_SECONDS, (path, page.seconds)
    posted = reader.post(site.create_path(), reader.comment_fields(form_page, body))
    assert posted.status == 302, posted.text[:500]
    assert posted.seconds < SLOWEST_SECONDS
    comment_id = posted.comment_id()
    assert [row[0] for row in site.comment_rows(body)] == [comment_id]
    shown = reader.get(posted.location)
    assert shown.status == 200
    assert shown.seconds < SLOWEST_SECONDS
    assert f'id="comment-{comment_id}"' in shown.text


def test_discussions_are_cached_in_redis_while_it_runs(site, redis_server):
    redis_server.client().flushall()
    anonymous = site.browser()
    assert anonymous.get(site.article_path(1)).status == 200
    assert cached_fragments(redis_server), "the site did not use Redis"


def test_redis_stopped_pages_are_served_uncached_and_comments_posted(
    site, redis_server, unique_body
):
    reader = site.reader()
    form_page = reader.get(site.article_path())
    with redis_stopped(redis_server):
        assert not redis_server.ping()
        assert_served_and_posted(site, reader, form_page, unique_body("Redis is down."))
    assert site.server_errors() == []


def test_redis_hanging_pages_are_served_uncached_and_comments_posted(
    site, redis_server, unique_body
):
    reader = site.reader()
    form_page = reader.get(site.article_path())
    with redis_paused(redis_server):
        assert not redis_server.ping(timeout=0.2)
        assert_served_and_posted(site, reader, form_page, unique_body("Redis hangs."))
    assert site.server_errors() == []


def test_site_uses_redis_again_once_it_is_back(site, redis_server):
    redis_server.client().flushall()
    anonymous = site.browser()
    for _ in range(3):
        page = anonymous.get(site.article_path())
        assert page.status == 200
        assert page.seconds < SLOWEST_SECONDS
    assert cached_fragments(redis_server)
    assert site.server_errors() == []
