"""Article rules: what is public, what accepts comments, what is stored."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import WORDS_PER_MINUTE, Article
from tests.factories import make_article, parse_html

pytestmark = pytest.mark.django_db


def test_published_article_in_the_past_is_public_and_accepts_comments():
    article = make_article()

    assert article.is_public()
    assert article.accepts_comments()


def test_draft_is_not_public():
    article = make_article(status=Article.Status.DRAFT, published_at=timezone.now())

    assert not article.is_public()
    assert not article.accepts_comments()


def test_future_dated_article_is_not_public_until_its_time():
    article = make_article(published_at=timezone.now() + timedelta(minutes=5))

    assert not article.is_public()
    assert not article.accepts_comments()


def test_closed_article_stays_public_but_refuses_comments():
    article = make_article(comments_open=False)

    assert article.is_public()
    assert not article.accepts_comments()


def test_published_queryset_leaves_out_drafts_and_future_articles():
    shown = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=1))

    assert list(Article.objects.published()) == [shown]


def test_listing_is_newest_first_with_ties_broken_by_id():
    moment = timezone.now() - timedelta(hours=1)
    first = make_article(published_at=moment)
    second = make_article(published_at=moment)
    newest = make_article(published_at=moment + timedelta(minutes=1))

    assert list(Article.objects.for_listing()) == [newest, second, first]


def test_body_is_stored_sanitized():
    article = make_article(
        body='<p onclick="x()">Hi</p><script>alert(1)</script><figure><img src="https://e.org/a.png"'
        ' alt="A"><figcaption>Cap</figcaption></figure>'
    )

    article.refresh_from_db()
    assert "<script" not in article.body and "onclick" not in article.body
    assert "alert(1)" not in article.body
    image = parse_html(article.body).find("img")
    assert image.attrs == {
        "src": "https://e.org/a.png",
        "alt": "A",
        "loading": "lazy",
        "decoding": "async",
    }
    assert "<figcaption>Cap</figcaption>" in article.body


def test_every_body_image_is_stored_lazy_and_async():
    article = make_article(
        body='<p><img src="https://e.org/a.png" alt="A"></p>'
        '<img src="https://e.org/b.png" alt="B" loading="eager" decoding="sync">'
        '<img loading="lazy" src="https://e.org/c.png" alt="C">'
    )

    article.refresh_from_db()
    images = parse_html(article.body).find_all("img")
    assert [img.attrs["alt"] for img in images] == ["A", "B", "C"]
    for img in images:
        assert img.attrs["loading"] == "lazy"
        assert img.attrs["decoding"] == "async"
    assert article.body.count("loading=") == 3  # set once, never doubled


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 1), (1, 1), (WORDS_PER_MINUTE, 1), (WORDS_PER_MINUTE + 1, 2), (WORDS_PER_MINUTE * 5, 5)],
)
def test_reading_minutes_round_up_with_at_least_one(words, minutes):
    article = make_article(body="<p>" + " ".join(["word"] * words) + "</p>")

    assert article.reading_minutes() == minutes


def test_absolute_url_is_the_article_page():
    article = make_article(slug="quiet-cars")

    assert article.get_absolute_url() == "/articles/quiet-cars/"
