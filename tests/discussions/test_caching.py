import logging

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions.models import PolicyRule
from discussions.services import comment_moderate, vote_cast
from tests.factories import make_article, make_comment, make_moderator, make_thread, make_user

pytestmark = pytest.mark.django_db


def _comment_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(1 for q in ctx.captured_queries if "discussions_comment" in q["sql"])


def test_second_anonymous_view_reads_the_discussion_from_the_cache(client):
    article = make_article()
    make_thread(article, depth=4)
    url = article.get_absolute_url()
    assert _comment_queries(client, url) >= 2  # the page's roots, then their trees
    assert _comment_queries(client, url) == 0


def test_a_new_comment_shows_at_once_despite_the_cache(client):
    article = make_article()
    make_comment(article, body="First")
    client.get(article.get_absolute_url())
    make_comment(article, body="Second, posted after the page was cached")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Second, posted after the page was cached" in html


def test_a_vote_shows_at_once_despite_the_cache(client):
    article = make_article()
    comment = make_comment(article)
    client.get(article.get_absolute_url())
    vote_cast(comment=comment, user=make_user(), value=1)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="vote-count vote-count-up" itemprop="upvoteCount"' in html
    assert 'itemprop="upvoteCount">1<' in html


def test_a_removal_shows_at_once_despite_the_cache(client):
    article = make_article()
    parent, reply = make_thread(article, depth=1)
    client.get(article.get_absolute_url())
    comment_moderate(
        comment=parent,
        moderator=make_moderator(),
        action="remove",
        rule=PolicyRule.objects.get(number=2),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Rule 2: No personal attacks" in html
    assert f'id="comment-{reply.pk}"' in html


def test_a_failing_cache_serves_the_page_uncached_with_a_warning(client, monkeypatch, caplog):
    article = make_article()
    make_comment(article, body="Still readable when the cache is down")

    def broken(*args, **kwargs):
        raise ConnectionError("cache server unreachable")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Still readable when the cache is down" in response.content.decode()
    assert any("serving uncached" in r.getMessage() for r in caplog.records)
