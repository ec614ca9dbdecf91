"""GET /search/: what a reader finds, in what order, and what is never found."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article
from discussions.models import Comment
from search import selectors, views
from search.results import PAGE_SIZE
from search.text import MAX_QUERY_LENGTH
from tests.factories import (
    make_article,
    make_comment,
    make_source_comment,
    parse_html,
    set_comment_status,
)

pytestmark = pytest.mark.django_db


def found(response) -> list[tuple[str, str]]:
    """Return (data-type, link) of each result on the page, in order."""
    assert response.status_code == 200
    doc = parse_html(response.content)
    return [
        (li.attrs["data-type"], li.find("a").attrs["href"])
        for li in doc.find_all("li", cls="search-result")
    ]


def search(client, q, **params):
    return client.get("/search/", {"q": q, **params})


@pytest.fixture
def korean():
    article = make_article(
        title="Lawmakers trade accusations of double standards",
        body="<p>Netizens reached for an old word: 내로남불.</p>",
        source_language=Article.Language.KOREAN,
    )
    source = make_source_comment(
        article, text="Romance for me, affair for you.", original_text="완전 내로남불이네",
        language="ko",
    )  # fmt: skip
    comment = make_comment(article, body="The 내로남불 line is the best part of this story.")
    return article, source, comment


@pytest.fixture
def chinese():
    article = make_article(
        title="Office workers describe a rat race with no finish",
        body="<p>The word on every feed is 内卷, involution.</p>",
        source_language=Article.Language.CHINESE,
    )
    source = make_source_comment(
        article, platform="weibo", text="Everyone is involuted now.",
        original_text="现在谁不内卷啊", language="zh",
    )  # fmt: skip
    comment = make_comment(article, body="Taiwanese outlets write it 內卷, same idea.")
    return article, source, comment


def test_search_without_query_shows_the_box(client):
    response = client.get("/search/")
    assert response.status_code == 200
    doc = parse_html(response.content)
    box = doc.find("input", id="search-q")
    assert box.attrs["name"] == "q"
    assert doc.find("label", **{"for": "search-q"}) is not None
    assert not doc.find_all("li", cls="search-result")
    assert "Type words to search" in doc.text()


def test_every_page_has_a_search_box_in_the_header(client, article):
    doc = parse_html(client.get(article.get_absolute_url()).content)
    form = doc.find("header").find("form", cls="site-search")
    assert form.attrs["action"] == "/search/"
    assert form.attrs["method"] == "get"
    box = form.find("input", name="q")
    assert form.find("label", **{"for": box.attrs["id"]}) is not None


def test_an_article_found_by_its_headline_ranks_above_one_found_by_its_body(client):
    in_body = make_article(
        title="City council meets", body="<p>Later the talk turned to pensions.</p>",
        published_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip
    in_headline = make_article(
        title="Pension reform passes", body="<p>The vote was close.</p>",
        published_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    in_dek = make_article(
        title="A long night in parliament", dek="The pension bill went to a vote.",
        published_at=timezone.now() - timedelta(days=10),
    )  # fmt: skip
    links = [href for kind, href in found(search(client, "pension"))]
    assert links == [a.get_absolute_url() for a in (in_headline, in_dek, in_body)]


def test_articles_come_before_source_comments_and_comments(client):
    article = make_article(title="Quiet carriages arrive", body="<p>Quiet please.</p>")
    make_source_comment(article, text="Quiet carriages at last")
    make_comment(article, body="Quiet carriages are a fine idea")
    kinds = [kind for kind, _href in found(search(client, "quiet carriages"))]
    assert kinds == ["article", "source-comment", "comment"]


def test_english_words_are_found_by_their_stem(client):
    article = make_article(title="Landlords raise deposits", body="<p>Tenants moved out.</p>")
    comment = make_comment(article, body="My landlord did the same to me")
    results = found(search(client, "depositing tenant landlord"))
    assert results == [("article", article.get_absolute_url())]
    assert ("comment", comment.get_absolute_url()) in found(search(client, "landlords"))


@pytest.mark.parametrize("q", ["내로남불", "로남"])
def test_korean_finds_the_article_its_source_comment_and_a_comment(client, korean, q):
    article, source, comment = korean
    assert found(search(client, q)) == [
        ("article", article.get_absolute_url()),
        ("source-comment", f"{article.get_absolute_url()}#source-comment-{source.pk}"),
        ("comment", f"/comments/{comment.pk}/"),
    ]


@pytest.mark.parametrize("q", ["内卷", "內卷"])
def test_chinese_finds_both_scripts_whichever_is_typed(client, chinese, q):
    article, source, comment = chinese
    assert found(search(client, q)) == [
        ("article", article.get_absolute_url()),
        ("source-comment", f"{article.get_absolute_url()}#source-comment-{source.pk}"),
        ("comment", f"/comments/{comment.pk}/"),
    ]


def test_a_three_character_chinese_query_matches_a_substring(client, chinese):
    article, source, _comment = chinese
    assert found(search(client, "不内卷")) == [
        ("source-comment", f"{article.get_absolute_url()}#source-comment-{source.pk}")
    ]


def test_one_character_queries_work(client, korean, chinese):
    _article, _source, comment = chinese
    results = found(search(client, "卷"))
    assert len(results) == 3
    assert ("comment", f"/comments/{comment.pk}/") in results
    assert len(found(search(client, "불"))) == 3
    assert found(search(client, "猫")) == []


def test_two_characters_must_be_adjacent(client):
    article = make_article(title="Two words", body="<p>内 and then 卷 apart</p>")
    assert found(search(client, "内卷")) == []
    assert found(search(client, "内")) == [("article", article.get_absolute_url())]


def test_removed_pending_and_draft_content_is_never_found(client):
    public = make_article(title="Public story", body="<p>zebra crossing</p>")
    removed = make_comment(public, body="zebra removed comment")
    pending = make_comment(public, body="zebra pending comment")
    deleted = make_comment(public, body="zebra deleted comment")
    set_comment_status(removed, Comment.Status.REMOVED)
    set_comment_status(pending, Comment.Status.PENDING)
    set_comment_status(deleted, Comment.Status.DELETED)
    draft = make_article(
        title="Draft zebra story", body="<p>zebra 斑马</p>", status=Article.Status.DRAFT
    )
    future = make_article(
        title="Embargoed zebra story", published_at=timezone.now() + timedelta(days=1)
    )
    for hidden in (draft, future):
        make_source_comment(hidden, text="zebra source", original_text="斑马线")
        make_comment(hidden, body="zebra comment 斑马")
    assert found(search(client, "zebra")) == [("article", public.get_absolute_url())]
    assert found(search(client, "斑马")) == []
    assert found(search(client, "斑马线")) == []


def test_a_moderator_searching_sees_only_what_anyone_sees(client, moderator):
    article = make_article(title="Kept", body="<p>nothing</p>")
    pending = make_comment(article, body="walrus pending comment")
    set_comment_status(pending, Comment.Status.PENDING)
    client.force_login(moderator)
    assert found(search(client, "walrus")) == []


def test_type_and_language_filters(client, korean, chinese):
    k_article, k_source, k_comment = korean
    c_article, _c_source, _c_comment = chinese
    make_comment(c_article, body="내로남불 under a Chinese story")
    assert found(search(client, "내로남불", type="article")) == [
        ("article", k_article.get_absolute_url())
    ]
    assert found(search(client, "내로남불", type="comment", lang="ko")) == [
        ("comment", f"/comments/{k_comment.pk}/")
    ]
    assert [k for k, _ in found(search(client, "내로남불", lang="zh"))] == ["comment"]
    assert found(search(client, "内卷", lang="ko")) == []


@pytest.mark.parametrize(("param", "value"), [("type", "poll"), ("lang", "xx"), ("type", "\u2603")])
def test_unknown_filter_values_are_ignored_with_a_notice(client, korean, param, value):
    response = search(client, "내로남불", **{param: value})
    assert len(found(response)) == 3
    assert "ignored" in parse_html(response.content).find("p", cls="search-notice").text()


def test_results_are_paginated_and_keep_the_query(client):
    article = make_article(title="Plain", body="<p>nothing</p>")
    comments = [make_comment(article, body=f"otter number {n}") for n in range(PAGE_SIZE + 5)]
    first = found(search(client, "otter"))
    second = found(search(client, "otter", page="2"))
    assert len(first) == PAGE_SIZE and len(second) == 5
    assert {href for _k, href in first + second} == {f"/comments/{c.pk}/" for c in comments}
    nav = parse_html(search(client, "otter", type="comment").content).find("nav", cls="pagination")
    assert nav.find("a", rel="next").attrs["href"] == "?q=otter&type=comment&page=2"
    assert found(search(client, "otter", page="99")) == second  # past the end: the last page
    assert found(search(client, "otter", page="x")) == first


def test_highlighted_snippets_escape_user_content(client):
    article = make_article(title="Markup", body="<p>nothing</p>")
    make_comment(article, body='<script>alert("otter")</script> 内卷 <b>bold</b>')
    for q in ("otter", "内卷"):
        html = search(client, q).content.decode()
        assert "<script>alert" not in html and "<b>bold" not in html
        assert "&lt;/script&gt;" in html
        snippet = parse_html(html).find("p", cls="search-snippet")
        assert snippet.find("mark").text() == q


def test_an_empty_query_is_a_prompt(client):
    response = search(client, "   ")
    assert found(response) == []
    assert "Type words to search" in parse_html(response.content).text()


@pytest.mark.parametrize("q", ["%", "%_\\", "%%__\\\\", "_", "!!!", "%_\\ -"])
def test_a_query_of_wildcards_only_is_a_clear_message(client, korean, q, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = search(client, q)
    assert found(response) == []
    assert "Nothing to search for" in parse_html(response.content).text()


@pytest.mark.parametrize("q", ["%내로남불_", "내로남불%", "\\내로남불"])
def test_wildcards_beside_a_term_are_ignored(client, korean, q):
    assert len(found(search(client, q))) == 3


def test_a_thousand_character_query_is_cut_not_refused(client, korean):
    response = search(client, "내로남불 " + "x" * 995)
    assert response.status_code == 200
    text = parse_html(response.content).text()
    assert f"first {MAX_QUERY_LENGTH} characters" in text
    long_korean = search(client, "내로남불" * 250)
    assert long_korean.status_code == 200


def test_a_nul_in_the_query_never_reaches_the_database(client, korean):
    # The site refuses a NUL in other query strings before a view runs (config.middleware);
    # search drops it itself and answers with the results.
    response = search(client, "내로\x00남불")
    assert response.status_code == 200
    assert response.content.count(b'class="search-result"') == 3
    assert client.get("/", {"page": "1\x00"}).status_code == 400
    request = RequestFactory().get("/search/", {"q": "내로남불\x00"})
    request.user = AnonymousUser()
    response = views.results(request)
    assert response.status_code == 200
    assert response.content.count(b'class="search-result"') == 3


def test_the_search_page_makes_a_bounded_number_of_queries(
    client, korean, chinese, django_assert_max_num_queries
):
    article = korean[0]
    for n in range(30):
        make_comment(article, body=f"내로남불 repeated {n}")
        make_source_comment(article, text=f"translation {n}", original_text=f"내로남불 {n}")
    with django_assert_max_num_queries(4):
        response = search(client, "내로남불")
    assert len(found(response)) == PAGE_SIZE
    with django_assert_max_num_queries(4):
        assert found(search(client, "repeated", page="2"))


def test_a_query_of_stop_words_only_finds_nothing_without_error(client, korean):
    response = search(client, "the of and")
    assert found(response) == []
    assert "No results" in parse_html(response.content).text()


def test_english_words_and_a_cjk_term_must_both_match(client, korean):
    article, _source, comment = korean
    assert found(search(client, "내로남불 story")) == [("comment", f"/comments/{comment.pk}/")]
    assert found(search(client, "내로남불 lawmakers")) == [("article", article.get_absolute_url())]


def test_a_very_wide_query_lists_the_capped_results_and_says_so(client, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    article = make_article(title="Plain", body="<p>nothing</p>")
    for n in range(8):
        make_comment(article, body=f"heron sighting {n}")
    response = search(client, "heron")
    assert len(found(response)) == 5
    assert "More than 5 results" in parse_html(response.content).text()
