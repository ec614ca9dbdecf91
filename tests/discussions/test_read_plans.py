"""A discussion page's reads as PostgreSQL plans them once they are prepared statements: the
pages run the same reads many times (core.prepared, psycopg's prepare_threshold), and after
five runs PostgreSQL may keep one generic plan, made without the values. Whatever it keeps,
a page reads its own article's comments, never the table's."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from articles.models import Article
from discussions.pages import thread_fragment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

# Few articles with big discussions (a new site, the bench's data): each article's share of
# the table is what a generic plan guesses for any article.
OTHER_ARTICLES = 2
OTHER_COMMENTS = 1_500  # each
# The article read: near a page's budget, where a generic plan's guess costs least beside
# the article's own plan.
COMMENTS = 150
# Past the five custom plans PostgreSQL makes before it weighs keeping a generic one.
RUNS = 12


def _copies(comment, articles, count: int) -> None:
    """Add `count` copies of a posted top-level comment, each its own tree, spread over the
    articles."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = "
            "'discussions_comment' AND column_name NOT IN ('id', 'tree_id', 'article_id')"
        )
        columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
        cursor.execute(
            f"INSERT INTO discussions_comment ({columns}, tree_id, article_id) "  # noqa: S608
            f"SELECT {columns}, (SELECT max(tree_id) FROM discussions_comment) + n, "
            "(%s::int[])[1 + n %% %s] "
            "FROM discussions_comment, generate_series(1, %s) AS n WHERE id = %s",
            [[a.pk for a in articles], len(articles), count, comment.pk],
        )


def _comments_read() -> int:
    """Return the comments' rows this transaction has read so far (by index or by scan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
            "FROM pg_stat_xact_user_tables WHERE relname = 'discussions_comment'"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "budget",
    [
        200,  # within the budget: one read of every tree
        40,  # beyond it: the page trees, then the first page's trees
    ],
)
def test_a_page_reads_its_own_articles_comments_however_often_it_is_read(budget):
    others = [make_article() for _ in range(OTHER_ARTICLES)]
    _copies(make_comment(others[0]), others, OTHER_ARTICLES * OTHER_COMMENTS)
    article = make_article()
    root = make_comment(article)
    _copies(root, [article], COMMENTS - 2)  # copied while it is a leaf: trees of one
    make_comment(article, parent=root)
    Article.objects.filter(pk=article.pk).update(comment_count=COMMENTS)  # the copies counted
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE discussions_comment")
    article = Article.objects.get(pk=article.pk)
    with override_settings(CROSSTALK={**settings.CROSSTALK, "PAGE_COMMENT_BUDGET": budget}):
        for _ in range(RUNS):
            cache.clear()
            thread_fragment(article, sort="best", page=1)
        before = _comments_read()
        cache.clear()
        fragment = thread_fragment(article, sort="best", page=1)
    assert len(fragment.comment_ids) == min(COMMENTS, budget)
    # The rows' read ran as a prepared statement, past PostgreSQL's five custom plans.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(generic_plans + custom_plans) FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ['%"discussions_comment"."markup"%'],
        )
        runs = cursor.fetchone()[0] or 0
    assert runs > 5, "the rows' read was not run as a prepared statement"
    # The article's rows, read at most twice (page trees, then rows), and the picks' read:
    # not the other articles' 3,000.
    assert _comments_read() - before <= 2 * COMMENTS + 10
