"""The search's queries use the search indexes: no query of any kind scans a whole table."""

import pytest
from django.db import connection

from articles.models import Article, SourceComment
from bench.search import comment_markup_sql, insert_rows
from discussions.models import Comment
from search import selectors
from search.text import parse
from tests.factories import make_article, make_comment, make_source_comment

pytestmark = pytest.mark.django_db

INDEXES = {
    ("article", "english"): "search_article_fts",
    ("article", "trigram"): "search_article_trgm",
    ("article", "grams"): "search_article_grams",
    ("source-comment", "english"): "search_source_fts",
    ("source-comment", "trigram"): "search_source_trgm",
    ("source-comment", "grams"): "search_source_grams",
    ("comment", "english"): "search_comment_fts",
    ("comment", "trigram"): "search_comment_trgm",
    ("comment", "grams"): "search_comment_grams",
}
QUERIES = {"english": "housing prices", "trigram": "내로남불", "grams": "内卷"}


@pytest.fixture
def tables():
    """A few matching rows among thousands of others, fresh statistics, and sequential scans
    and plain index scans off (on tables this small, reading one whole, or walking a btree,
    could still look cheapest than opening a GIN index)."""
    article = make_article(body="<p>housing prices 내로남불 内卷</p>")
    make_source_comment(article, text="housing prices", original_text="내로남불 内卷")
    make_comment(article, body="housing prices 내로남불 内卷")
    rows = {"rows_sql": "FROM generate_series(1, 3000) AS g", "params": {}}
    insert_rows(
        Article,
        {
            "title": "'Weather report ' || g", "slug": "'weather-' || g",
            "dek": "'Rain later.'",
            "body": "'<p>' || repeat('Cloudy over the city. ', 40) || '天气 ' || g || '</p>'",
            "status": "'published'", "published_at": "now() - g * interval '1 hour'",
            "created_at": "now()", "updated_at": "now()",
        },
        **rows,
    )  # fmt: skip
    insert_rows(
        SourceComment,
        {"article_id": str(article.pk), "platform": "'naver'", "language": "'ko'",
         "text": "'Nice weather ' || g", "original_text": "'날씨 좋다 ' || g"},
        **rows,
    )  # fmt: skip
    insert_rows(
        Comment,
        {"article_id": str(article.pk), "body": "'Sunny again, ' || g || ' 晴天'",
         "body_html": "'<p>Sunny</p>'", "created_at": "now()", "status": "'visible'",
         "markup": comment_markup_sql(status="'visible'", body_html="'<p>Sunny</p>'",
                                      created_at="now()"),
         "lft": "1", "rght": "2", "tree_id": "100000 + g", "level": "0"},
        **rows,
    )  # fmt: skip
    with connection.cursor() as cursor:
        # What VACUUM would do after a bulk insert, inside the test's transaction: move the
        # GIN indexes' pending entries into the index proper.
        for index in INDEXES.values():
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE articles_article, articles_sourcecomment, discussions_comment")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")


def test_every_search_query_uses_its_index(tables):
    # One test for all eighteen plans: the fixture's thousands of rows are made once.
    for (kind, mode), index in INDEXES.items():
        for count in (False, True):
            plan = selectors.explain(kind, parse(QUERIES[mode]), count=count)
            assert index in plan, (kind, mode, count, plan)
            assert "Seq Scan" not in plan, (kind, mode, count, plan)


def test_both_chinese_scripts_and_filters_keep_the_index(tables):
    plan = selectors.explain("comment", parse("內卷 housing"), language="zh")
    assert "search_comment_grams" in plan or "search_comment_fts" in plan, plan
    assert "Seq Scan" not in plan, plan
