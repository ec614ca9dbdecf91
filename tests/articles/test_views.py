"""Public article pages: listings, the article page, feed and sitemap."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    make_article,
    make_category,
    make_comment,
    make_source_comment,
    make_tag,
    parse_html,
    set_comment_status,
)
from translations.models import Correction

pytestmark = pytest.mark.django_db


def listed_titles(response) -> list[str]:
    doc = parse_html(response.content)
    return [el.find("a").text().strip() for el in doc.find_all("h2", cls="card-title")]


def unpublished_articles() -> list[Article]:
    return [
        make_article(title="Draft about buses", status=Article.Status.DRAFT),
        make_article(
            title="Embargoed about trams", published_at=timezone.now() + timedelta(days=1)
        ),
    ]


@pytest.fixture
def small_pages(settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "ARTICLES_PER_PAGE": 2}


# Listings ---------------------------------------------------------------------------------


def test_home_lists_published_articles_newest_first(client):
    now = timezone.now()
    older = make_article(title="Older story", published_at=now - timedelta(days=2))
    newest = make_article(title="Newest story", published_at=now - timedelta(minutes=5))
    middle = make_article(title="Middle story", published_at=now - timedelta(days=1))
    unpublished_articles()

    response = client.get("/")

    assert response.status_code == 200
    assert listed_titles(response) == [newest.title, middle.title, older.title]


def test_home_card_shows_dek_and_visible_comment_count(client):
    article = make_article(title="Card story", dek="Commuters split over the pilot.")
    make_comment(article)
    make_comment(article)
    set_comment_status(make_comment(article), "deleted")

    response = client.get("/")

    card = parse_html(response.content).find("article", cls="card")
    assert card.find(cls="dek").text().strip() == "Commuters split over the pilot."
    assert "2 comments" in " ".join(card.find(cls="card-meta").text().split())


def test_home_is_paginated(client, small_pages):
    now = timezone.now()
    titles = [f"Story {n}" for n in range(5)]
    for n, title in enumerate(titles):
        make_article(title=title, published_at=now - timedelta(hours=n))

    pages = [listed_titles(client.get("/", {"page": n})) for n in (1, 2, 3)]

    assert pages == [titles[0:2], titles[2:4], titles[4:5]]


@pytest.mark.parametrize(
    "page", ["abc", "-1", "0", "99999999999999999999", "1.5", "", "٣", "1e3", "%00"]
)
def test_odd_page_values_show_a_valid_page(client, small_pages, page):
    now = timezone.now()
    titles = [f"Story {n}" for n in range(5)]
    for n, title in enumerate(titles):
        make_article(title=title, published_at=now - timedelta(hours=n))

    response = client.get("/", {"page": page})

    assert response.status_code == 200
    assert listed_titles(response) in [titles[0:2], titles[2:4], titles[4:5]]


def test_page_past_the_end_shows_the_last_page(client, small_pages):
    for n in range(3):
        make_article(title=f"Story {n}", published_at=timezone.now() - timedelta(hours=n))

    response = client.get("/", {"page": "40"})

    assert response.status_code == 200
    assert listed_titles(response) == ["Story 2"]


def test_category_page_lists_only_its_published_articles(client):
    society, sports = make_category(), make_category()
    inside = make_article(title="Inside story", category=society)
    make_article(title="Outside story", category=sports)
    make_article(title="Draft inside", category=society, status=Article.Status.DRAFT)

    response = client.get(f"/category/{society.slug}/")

    assert response.status_code == 200
    assert listed_titles(response) == [inside.title]


def test_tag_page_lists_only_its_published_articles(client):
    tag = make_tag()
    tagged = make_article(title="Tagged story")
    tagged.tags.add(tag)
    make_article(title="Untagged story")
    future = make_article(title="Future tagged", published_at=timezone.now() + timedelta(days=1))
    future.tags.add(tag)

    response = client.get(f"/tag/{tag.slug}/")

    assert response.status_code == 200
    assert listed_titles(response) == [tagged.title]


@pytest.mark.parametrize("url", ["/category/no-such/", "/tag/no-such/"])
def test_unknown_category_or_tag_is_404(client, db, url):
    assert client.get(url).status_code == 404


def test_category_with_a_hangul_slug_is_reachable(client):
    category = make_category(name="사회", slug="사회")
    article = make_article(title="Hangul category story", category=category)

    response = client.get(category.get_absolute_url())

    assert response.status_code == 200
    assert listed_titles(response) == [article.title]


def test_home_queries_do_not_grow_with_the_number_of_articles(
    client, django_assert_max_num_queries
):
    categories = [make_category() for _ in range(3)]
    for n in range(2):
        make_article(category=categories[n])
    with django_assert_max_num_queries(4) as few:
        client.get("/")

    for n in range(8):
        article = make_article(category=categories[n % 3])
        article.tags.add(make_tag())
    with django_assert_max_num_queries(4) as many:
        response = client.get("/")

    assert len(listed_titles(response)) == 10
    assert len(many) == len(few)


# The article page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "future"],
)
def test_unpublished_article_and_its_comments_url_are_404(client, user, overrides):
    article = make_article(**overrides)
    client.force_login(user)

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/{article.slug}/comments/").status_code == 404


def test_unpublished_article_is_404_even_for_anonymous_readers(client):
    article = make_article(status=Article.Status.DRAFT)

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.post(f"/articles/{article.slug}/comments/", {"body": "x"}).status_code == 404


def test_unknown_article_is_404(client, db):
    assert client.get("/articles/no-such-story/").status_code == 404


def test_article_page_shows_source_comments_by_platform(client, article):
    naver = [
        make_source_comment(article, platform="naver", text="Finally some peace."),
        make_source_comment(article, platform="naver", text="Who will enforce it?"),
    ]
    weibo = make_source_comment(article, platform="weibo", text="Beijing needs this too.")

    response = client.get(article.get_absolute_url())

    doc = parse_html(response.content)
    sections = {
        el.attrs["data-platform"]: el for el in doc.find_all("section", cls="source-comments")
    }
    assert set(sections) == {"naver", "weibo"}
    naver_quotes = sections["naver"].find_all("blockquote", cls="source-comment")
    assert [quote.find("p").text().strip() for quote in naver_quotes] == [c.text for c in naver]
    weibo_quotes = sections["weibo"].find_all("blockquote", cls="source-comment")
    assert [quote.find("p").text().strip() for quote in weibo_quotes] == [weibo.text]


def test_article_page_without_source_comments_has_no_source_section(client, article):
    response = client.get(article.get_absolute_url())

    assert parse_html(response.content).find("section", cls="source-comments") is None


def test_article_page_has_news_article_microdata(client):
    article = make_article(title="Seoul tests quiet subway cars")
    for _ in range(3):
        make_comment(article)
    set_comment_status(make_comment(article), "removed")

    response = client.get(article.get_absolute_url())

    story = parse_html(response.content).find(itemtype="https://schema.org/NewsArticle")
    assert "itemscope" in story.attrs
    assert story.find(itemprop="headline").text().strip() == "Seoul tests quiet subway cars"
    assert story.find(itemprop="commentCount").text().strip() == "3"


def test_hostile_title_cannot_break_out_of_the_page_markup(client):
    title = "Quiet cars</script><script>alert(1)</script> & <b>more</b>"
    article = make_article(title=title)
    make_comment(article)

    response = client.get(article.get_absolute_url())

    doc = parse_html(response.content)
    assert doc.find("b") is None
    for script in doc.find_all("script"):
        if script.attrs.get("type") != "application/ld+json":
            assert "alert(1)" not in script.text()
    structured = [
        json.loads(el.text()) for el in doc.find_all("script", type="application/ld+json")
    ]
    for data in structured:
        if data.get("@type") == "NewsArticle":
            assert data["headline"] == title
            assert data["commentCount"] == 1
    story = doc.find(itemtype="https://schema.org/NewsArticle")
    assert story.find(itemprop="headline").text().strip() == title


def test_hostile_byline_source_and_correction_stay_text_in_the_article_parts(client):
    # The article's own parts are Jinja2 (core/jinja.py): their translated phrases take
    # values (the translator, the source, a correction) and must escape them like the rest.
    hostile = '<b>Kim</b> & "Lee" <script>alert(1)</script>'
    article = make_article(translator=hostile, source_name=hostile, original_title=hostile)
    Correction.objects.create(article=article, text=hostile)

    response = client.get(article.get_absolute_url())

    doc = parse_html(response.content)
    assert doc.find("b") is None
    assert "<script>alert(1)" not in response.content.decode()
    byline = doc.find("p", cls="byline")
    assert byline.find(itemprop="author").text().strip() == hostile
    assert hostile in doc.find("p", cls="source").text()
    assert doc.find(itemprop="alternativeHeadline").text() == hostile
    assert doc.find("li", cls="correction").text().endswith(hostile)


def test_article_body_is_sanitized_with_images_and_captions_kept(client):
    article = make_article(
        body=(
            "<p>Intro</p><script>alert('body')</script>"
            '<img src="x" onerror="alert(1)">'
            '<figure><img src="https://example.org/line2.jpg" alt="Line 2">'
            "<figcaption>Line 2 at rush hour</figcaption></figure>"
            '<p><a href="javascript:alert(2)">bad link</a></p>'
        )
    )

    response = client.get(article.get_absolute_url())

    body = parse_html(response.content).find(itemprop="articleBody")
    assert body.find("script") is None
    assert "alert('body')" not in response.content.decode()
    assert not any(name.startswith("on") for el in body.iter() for name in el.attrs)
    assert all("javascript" not in value for el in body.iter() for value in el.attrs.values())
    image = body.find("img", alt="Line 2")
    assert image.attrs["src"] == "https://example.org/line2.jpg"
    assert body.find("figure").find("figcaption").text() == "Line 2 at rush hour"


def test_article_page_links_its_tags_and_category(client):
    category = make_category(name="Transport")
    article = make_article(category=category)
    tag = make_tag(name="Subway")
    article.tags.add(tag)

    response = client.get(article.get_absolute_url())

    doc = parse_html(response.content)
    assert doc.find("a", href=f"/category/{category.slug}/") is not None
    assert doc.find("a", href=f"/tag/{tag.slug}/").text() == "Subway"


# Feed and sitemap -------------------------------------------------------------------------


def test_feed_lists_published_articles_only(client):
    published = make_article(title="Published for the feed")
    unpublished_articles()

    response = client.get("/feed/")

    assert response.status_code == 200
    content = response.content.decode()
    assert published.title in content
    assert published.get_absolute_url() in content
    assert "Draft about buses" not in content
    assert "Embargoed about trams" not in content


def test_sitemap_lists_published_articles_only(client):
    published = make_article()
    hidden = unpublished_articles()

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    content = response.content.decode()
    assert f"<loc>http://testserver{published.get_absolute_url()}</loc>" in content
    for article in hidden:
        assert article.get_absolute_url() not in content
