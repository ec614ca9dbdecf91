"""Each source comment carries its own original language (contract: its own `lang`)."""

import pytest

from articles.models import Article, SourceComment
from tests.articles.editors import article_form_data, make_editor
from tests.factories import make_article, make_source_comment, parse_html

pytestmark = pytest.mark.django_db


def original_langs(html: str) -> list[str]:
    doc = parse_html(html)
    return [
        quote.find("p", cls="original").attrs["lang"]
        for quote in doc.find_all("blockquote", cls="source-comment")
    ]


def test_korean_source_comment_under_chinese_story_is_marked_ko(client):
    article = make_article(source_language=Article.Language.CHINESE)
    make_source_comment(article, platform="weibo", original_text="终于有夜班车了", position=1)
    make_source_comment(
        article, platform="naver", original_text="부럽다 진짜", language="ko", position=2
    )

    response = client.get(article.get_absolute_url())

    assert original_langs(response.content.decode()) == ["zh", "ko"]


def test_source_comment_language_defaults_to_the_articles():
    article = make_article(source_language=Article.Language.CHINESE)

    comment = make_source_comment(article, original_text="终于")

    comment.refresh_from_db()
    assert comment.language == "zh"


def test_admin_inline_saves_a_language_per_source_comment(client):
    client.force_login(make_editor())
    data = article_form_data(
        source_comments=[
            {"platform": "weibo", "text": "Finally.", "original_text": "终于"},
            {"platform": "naver", "language": "ko", "text": "Jealous.",
             "original_text": "부럽다"},
        ]
    )  # fmt: skip

    response = client.post("/admin/articles/article/add/", data)

    assert response.status_code == 302
    languages = SourceComment.objects.order_by("position").values_list("platform", "language")
    assert list(languages) == [("weibo", "zh"), ("naver", "ko")]


def test_admin_inline_lists_source_comments_by_position_with_the_sortable_script(client):
    client.force_login(make_editor())
    article = make_article()
    make_source_comment(article, text="Second", position=2)
    make_source_comment(article, text="First", position=1)

    html = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()

    assert html.index("First") < html.index("Second")
    assert "js/admin-sortable.js" in html
    assert '<option value="">Same as the article</option>' in html
