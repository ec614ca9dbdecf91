"""The live discussion state an open article page polls: "N new comments"."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from discussions import live
from discussions.models import Comment
from discussions.services import comment_submit, vote_cast
from tests.factories import (
    make_article,
    make_comment,
    make_discussion,
    make_user,
    parse_html,
    set_comment_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_live_readings():
    live._states.clear()
    yield
    live._states.clear()


def state_url(article, seen=None) -> str:
    url = reverse("discussions:discussion_state", args=[article.slug])
    return url if seen is None else f"{url}?seen={seen}"


def live_box(client, article):
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    return parse_html(page.content.decode()).find("div", cls="live-discussion")


def test_state_url_is_under_the_article():
    assert state_url(make_article(slug="quiet-cars")) == "/articles/quiet-cars/discussion/state/"


def test_state_is_json_with_version_visible_count_and_new(client, article):
    make_discussion(article, count=3)
    article.refresh_from_db()

    response = client.get(state_url(article, seen=3))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "version": article.discussion_version,
        "comments": 3,
        "new": 0,
        "quiet": False,
    }


def test_the_page_carries_what_the_script_asks_with(client, article):
    make_discussion(article, count=2)
    article.refresh_from_db()

    box = live_box(client, article)

    assert box.attrs["aria-live"] == "polite"
    assert box.attrs["data-live-url"] == state_url(article)
    assert box.attrs["data-version"] == str(article.discussion_version)
    assert box.attrs["data-comments"] == "2"
    assert int(box.attrs["data-live-interval"]) >= 20
    assert box.attrs["data-label-one"] == "{n} new comment — show"
    assert box.attrs["data-label-other"] == "{n} new comments — show"
    show = box.find("a", cls="live-discussion-show")
    assert "hidden" in show.attrs and show.attrs["href"].endswith("#discussion")


def test_every_anonymous_reader_gets_the_same_live_box_and_no_cookie(article):
    make_discussion(article, count=2)
    first, second = Client(), Client()

    pages = [c.get(article.get_absolute_url()) for c in (first, second)]

    assert [p.cookies for p in pages] == [{}, {}]
    boxes = [parse_html(p.content.decode()).find("div", cls="live-discussion") for p in pages]
    assert boxes[0].attrs == boxes[1].attrs


def test_a_closed_discussion_has_nothing_to_poll(client):
    article = make_article(comments_open=False)

    assert live_box(client, article) is None


def test_a_comment_posted_after_the_page_counts_as_new(client, article):
    make_discussion(article, count=2)
    seen = live_box(client, article).attrs["data-comments"]

    comment_submit(article=article, author=make_user(), body="Late to the party")

    state = client.get(state_url(article, seen=seen)).json()
    article.refresh_from_db()
    assert state == {
        "version": article.discussion_version,
        "comments": 3,
        "new": 1,
        "quiet": False,
    }


def test_a_posted_reply_counts_as_new_too(client, article):
    (root,) = make_discussion(article, count=1)

    comment_submit(article=article, author=make_user(), body="Agreed", parent_id=root.pk)
    comment_submit(article=article, author=make_user(), body="Same here", parent_id=root.pk)

    assert client.get(state_url(article, seen=1)).json()["new"] == 2


def test_held_comments_are_not_counted(client, article):
    make_discussion(article, count=2)
    article.refresh_from_db()
    before = article.discussion_version

    make_comment(article, status=Comment.Status.PENDING, hold_reason="first post")

    state = client.get(state_url(article, seen=2)).json()
    assert state["version"] > before  # the page changed for its author and moderators…
    assert (state["comments"], state["new"]) == (2, 0)  # …but no reader sees anything new


def test_an_approved_comment_becomes_new(client, article):
    make_discussion(article, count=1)
    held = make_comment(article, status=Comment.Status.PENDING)

    set_comment_status(held, Comment.Status.VISIBLE)

    assert client.get(state_url(article, seen=1)).json()["new"] == 1


def test_new_is_never_negative_after_a_removal(client, article):
    comments = make_discussion(article, count=3)

    set_comment_status(comments[1], Comment.Status.REMOVED)

    state = client.get(state_url(article, seen=3)).json()
    assert (state["comments"], state["new"]) == (2, 0)


@pytest.mark.parametrize("seen", ["", "x", "-1", "1e3", "٣", "9" * 10])
def test_odd_seen_values_mean_nothing_new(client, article, seen):
    make_discussion(article, count=2)

    response = client.get(f"{state_url(article)}?seen={seen}")

    assert response.status_code == 200
    assert response.json()["new"] == 0


def test_etag_names_the_version_and_an_unchanged_poll_is_304(client, article):
    make_discussion(article, count=2)
    first = client.get(state_url(article, seen=2))
    etag = first["ETag"]

    again = client.get(state_url(article, seen=2), headers={"if-none-match": etag})

    assert etag == f'"{article.pk}-{first.json()["version"]}"'
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == first["Cache-Control"]


@pytest.mark.parametrize("header", ['W/"{etag}"', '"other", "{etag}"', "*"])
def test_weak_and_listed_etags_match_too(client, article, header):
    etag = client.get(state_url(article))["ETag"].strip('"')

    response = client.get(state_url(article), headers={"if-none-match": header.format(etag=etag)})

    assert response.status_code == 304


def test_a_post_changes_the_etag_and_the_answer(client, article):
    make_discussion(article, count=2)
    etag = client.get(state_url(article, seen=2))["ETag"]

    comment_submit(article=article, author=make_user(), body="Something new")

    response = client.get(state_url(article, seen=2), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["new"] == 1


def test_a_vote_changes_the_version_but_nothing_is_new(client, article):
    (comment,) = make_discussion(article, count=1)
    before = client.get(state_url(article, seen=1)).json()

    vote_cast(comment=comment, user=make_user(), value=1)

    after = client.get(state_url(article, seen=1)).json()
    assert after["version"] > before["version"]
    assert after["new"] == 0


def test_the_answer_sets_no_cookie_and_may_be_shared(client, article):
    response = client.get(state_url(article))

    assert response.cookies == {}
    assert "Set-Cookie" not in response
    assert response["Cache-Control"] == "public, max-age=5"
    assert "Cookie" not in response.get("Vary", "")


def test_a_signed_in_reader_gets_the_same_answer_without_the_session_touched(
    signed_in, client, article
):
    make_discussion(article, count=2)

    mine = signed_in.get(state_url(article, seen=1))
    theirs = client.get(state_url(article, seen=1))

    assert mine.content == theirs.content
    assert mine.cookies == {}
    assert "Cookie" not in mine.get("Vary", "")  # SessionMiddleware adds it once it is read


def test_head_is_answered_and_writes_are_refused(client, article):
    assert client.head(state_url(article)).status_code == 200
    assert client.post(state_url(article)).status_code == 405


def test_unknown_and_unpublished_articles_are_404_json(client, db):
    draft = make_article(status="draft")
    later = make_article(published_at=timezone.now() + timedelta(days=1))

    for slug in ("no-such-story", draft.slug, later.slug):
        response = client.get(reverse("discussions:discussion_state", args=[slug]))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_a_discussion_without_a_comment_for_two_weeks_is_quiet(client):
    long_ago = timezone.now() - timedelta(days=30)
    article = make_article(published_at=long_ago)
    make_comment(article, created_at=long_ago + timedelta(days=15))

    assert client.get(state_url(article)).json()["quiet"] is True

    make_comment(article)  # a comment today wakes it up
    assert client.get(state_url(article)).json()["quiet"] is False


def test_quiet_counts_from_publication_when_nobody_commented(client):
    fresh = make_article(published_at=timezone.now() - timedelta(days=13))
    assert client.get(state_url(fresh)).json()["quiet"] is False
    old = make_article(published_at=timezone.now() - timedelta(days=15))
    assert client.get(state_url(old)).json()["quiet"] is True


def test_quiet_ignores_comments_nobody_can_see(client):
    long_ago = timezone.now() - timedelta(days=30)
    article = make_article(published_at=long_ago)

    make_comment(article, status=Comment.Status.PENDING)

    assert client.get(state_url(article)).json()["quiet"] is True


def test_an_unchanged_poll_costs_no_query(client, article, settings, django_assert_num_queries):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_STATE_SECONDS": 60}
    make_discussion(article, count=20)
    page_cache.forget_states()

    with django_assert_num_queries(2):  # the article's state, then its counts: once
        etag = client.get(state_url(article, seen=20))["ETag"]
    with django_assert_num_queries(0):
        assert client.get(state_url(article, seen=20)).status_code == 200
    with django_assert_num_queries(0):
        response = client.get(state_url(article, seen=20), headers={"if-none-match": etag})
        assert response.status_code == 304


def test_a_poll_after_a_change_costs_one_query_of_the_article_row(
    client, article, settings, django_assert_num_queries
):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_STATE_SECONDS": 60}
    make_discussion(article, count=20)
    client.get(state_url(article, seen=20))
    page_cache.article_state(article.slug)  # as the page itself reads it, say

    make_discussion(article, count=1)  # forgets this worker's reading, as every write does
    page_cache.article_state(article.slug)

    with django_assert_num_queries(1) as captured:
        assert client.get(state_url(article, seen=20)).json()["new"] == 1
    (query,) = captured.captured_queries
    assert '"articles_article"."id" =' in query["sql"]


def test_the_query_does_not_grow_with_the_discussion(
    client, article, settings, django_assert_num_queries
):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_STATE_SECONDS": 0}
    make_discussion(article, count=5)
    with django_assert_num_queries(2):
        client.get(state_url(article, seen=5))
    make_discussion(article, count=200)
    with django_assert_num_queries(2):
        assert client.get(state_url(article, seen=5)).json()["new"] == 200


def test_the_state_is_answered_above_the_session_and_auth_middleware(client, article, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    def no_session(self, request):
        raise AssertionError("the session middleware saw a discussion state request")

    monkeypatch.setattr(SessionMiddleware, "process_request", no_session)

    response = client.get(state_url(article), headers={"cookie": "sessionid=abc"})

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Content-Length"] == str(len(response.content))


@pytest.mark.parametrize(
    "path",
    [
        "/articles/discussion/state/",
        "/articles//discussion/state/",
        "/articles/a/b/discussion/state/",
        "/articles/x/discussion/state",
        "/xarticles/x/discussion/state/",
    ],
)
def test_other_paths_are_left_to_the_urlconf(client, db, path):
    response = client.get(path)

    assert response.status_code in (301, 404)  # CommonMiddleware adds the slash, or no view
    assert response["Content-Type"].startswith("text/html")


def test_a_unicode_slug_is_found(client):
    article = make_article(slug="조용한-칸")
    make_discussion(article, count=1)

    response = client.get(state_url(article, seen=0))

    assert response.status_code == 200
    assert response.json()["new"] == 1
