"""The anonymous reader's article page comes from the cache, and every write shows at once."""

import gzip

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from articles import page_cache
from discussions.models import Vote
from discussions.services import comment_post
from tests.factories import make_article, make_comment, make_user, parse_html, thread_comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = make_article(title="Night buses return to Busan")
    make_comment(article, body="First comment on the buses")
    return article


def test_a_repeat_anonymous_visit_costs_no_query(client, article, django_assert_num_queries):
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        again = client.get(article.get_absolute_url())

    assert again.status_code == 200
    assert again.content == first.content
    assert "csrftoken" not in again.cookies


def test_a_repeat_visit_reads_the_version_once_the_state_is_old(
    client, article, settings, django_assert_num_queries
):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_STATE_SECONDS": 0}
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(1):
        again = client.get(article.get_absolute_url())

    assert again.content == first.content


def test_another_workers_write_shows_once_the_state_is_old(client, article, monkeypatch):
    """A write this worker did not see (another gunicorn worker's, here an UPDATE behind the
    services' back) reaches anonymous readers after PAGE_STATE_SECONDS, not before."""
    client.get(article.get_absolute_url())
    read_before = page_cache._states[article.slug]
    comment = make_comment(article, body="Posted through another worker")
    page_cache._states[article.slug] = read_before  # as if the write went through another
    now = read_before[0]

    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 0.5)
    assert comment.body not in client.get(article.get_absolute_url()).content.decode()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 1.5)
    assert comment.body in client.get(article.get_absolute_url()).content.decode()


def test_a_state_read_while_a_write_is_uncommitted_is_forgotten_when_it_commits(
    client, article, django_capture_on_commit_callbacks
):
    """Under a threaded server another request can read the article's state between the
    write's forgetting and its commit: the commit forgets it again."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        comment_post(article=article, author=make_user(), body="Posted in a transaction")
        page_cache.article_page_state(article.slug)  # as another thread would, meanwhile
        assert article.slug in page_cache._states

    assert article.slug not in page_cache._states


def test_a_new_comment_shows_on_the_next_anonymous_visit(client, article):
    client.get(article.get_absolute_url())
    poster = Client()
    poster.force_login(make_user())

    posted = poster.post(
        reverse("articles:comments", args=[article.slug]),
        {"body": "A second opinion about the night buses", "parent": "", "sort": "best"},
    )

    assert posted.status_code == 302
    assert (
        b"A second opinion about the night buses" in client.get(article.get_absolute_url()).content
    )


def test_a_vote_shows_on_the_next_anonymous_visit(client, article):
    comment = article.comments.get()
    client.get(article.get_absolute_url())
    voter = Client()
    voter.force_login(make_user())

    voter.post(reverse("discussions:vote", args=[comment.pk]), {"value": "1"})

    doc = parse_html(client.get(article.get_absolute_url()).content)
    up = thread_comments(doc)[comment.pk].find(itemprop="upvoteCount")
    assert up.text().strip() == "1"


def test_an_edited_article_shows_on_the_next_anonymous_visit(client, article):
    client.get(article.get_absolute_url())
    article.title = "Night buses return to Busan and Ulsan"
    article.save()

    assert (
        b"Night buses return to Busan and Ulsan" in client.get(article.get_absolute_url()).content
    )


def test_each_sort_and_page_is_its_own_page(client, article):
    make_comment(article, body="Newer comment about fares")
    newest = client.get(article.get_absolute_url(), {"sort": "newest"}).content.decode()
    oldest = client.get(article.get_absolute_url(), {"sort": "oldest"}).content.decode()

    assert newest.index("Newer comment about fares") < newest.index("First comment on the buses")
    assert oldest.index("First comment on the buses") < oldest.index("Newer comment about fares")


def test_signed_in_readers_and_other_parameters_are_not_served_the_shared_page(
    client, article, django_assert_max_num_queries
):
    client.get(article.get_absolute_url())
    reader = Client()
    reader.force_login(make_user())

    page = reader.get(article.get_absolute_url()).content.decode()
    assert "Log out" in page
    with django_assert_max_num_queries(12) as queries:
        response = client.get(article.get_absolute_url(), {"utm_source": "feed"})
    # Rendered (the article read afresh), not answered by the page cache, which marks what it
    # answers or stores (the thread and the source comments may come from their own caches).
    assert len(queries) >= 1
    assert not hasattr(response, "page_cache")


def test_anonymous_vote_buttons_lead_to_login_without_a_token(article):
    comment = article.comments.get()
    client = Client(enforce_csrf_checks=True)
    client.get(article.get_absolute_url())

    response = client.post(reverse("discussions:vote", args=[comment.pk]), {"value": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Vote.objects.exists()


def test_signed_in_votes_still_need_the_token(article):
    comment = article.comments.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())

    response = client.post(reverse("discussions:vote", args=[comment.pk]), {"value": "1"})

    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_the_cached_page_is_served_gzipped_to_readers_who_accept_it(client, article):
    plain = client.get(article.get_absolute_url()).content

    response = client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip, br"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == plain


@pytest.fixture
def compressions(monkeypatch) -> list[int]:
    """Record the size of every page the page cache compresses, whole or spliced around the
    thread's cached deflate stream."""
    sizes = []
    real_compress = page_cache.gzip.compress
    monkeypatch.setattr(
        page_cache.gzip,
        "compress",
        lambda data, **kw: sizes.append(len(data)) or real_compress(data, **kw),
    )
    real_splice = page_cache.splice
    monkeypatch.setattr(
        page_cache,
        "splice",
        lambda before, thread, after, **kw: (
            sizes.append(len(before) + thread.length + len(after))
            or real_splice(before, thread, after, **kw)
        ),
    )
    return sizes


def test_a_gzip_reader_filling_the_cache_gets_the_page_compressed_once(
    client, article, compressions
):
    gzip_reader = {"accept-encoding": "gzip"}

    first = client.get(article.get_absolute_url(), headers=gzip_reader)
    again = client.get(article.get_absolute_url(), headers=gzip_reader)
    plain = client.get(article.get_absolute_url())

    assert first["Content-Encoding"] == again["Content-Encoding"] == "gzip"
    assert int(first["Content-Length"]) == len(first.content)
    assert gzip.decompress(first.content) == gzip.decompress(again.content) == plain.content
    assert b"First comment on the buses" in plain.content
    assert len(compressions) == 1


def test_a_reader_without_gzip_costs_no_compression_until_one_with_it_comes(
    client, article, compressions
):

    plain = client.get(article.get_absolute_url())
    assert compressions == []
    assert not plain.has_header("Content-Encoding")

    gzipped = client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip"})
    client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip"})

    assert gzip.decompress(gzipped.content) == plain.content
    assert len(compressions) == 1
