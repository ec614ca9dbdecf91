"""core.prepared: the article page's query is built once and run with each request's slug,
reader and clock."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from articles.models import Article, Category
from articles.views import _article_queryset, published_article
from core.prepared import PreparedModelQuery
from discussions.models import Sanction
from tests.factories import make_article, make_user


def test_an_embargoed_article_appears_once_the_clock_of_a_later_run_passes_it(db, monkeypatch):
    article = make_article(published_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(Http404):
        published_article(article.slug)

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert published_article(article.slug).pk == article.pk


def test_a_suspension_ends_for_the_run_after_its_end(db, monkeypatch):
    article = make_article()
    reader = make_user()
    until = timezone.now() + timedelta(hours=1)
    Sanction.objects.create(user=reader, kind=Sanction.Kind.SUSPENSION, until=until, reason="x")

    assert published_article(article.slug, reader).own_sanction_kind == "suspension"
    monkeypatch.setattr(timezone, "now", lambda: until + timedelta(seconds=1))
    assert published_article(article.slug, reader).own_sanction_kind is None


def test_each_run_gives_its_own_slug_reader_and_related_rows(db):
    first = make_article(title="First story")
    second = make_article(
        title="Second story", category=Category.objects.create(name="Society", slug="society")
    )
    reader = make_user()

    shown = published_article(second.slug, reader)

    assert (shown.pk, shown.title) == (second.pk, "Second story")
    assert shown.category.name == "Society"  # select_related, from the same row
    assert published_article(first.slug).category is None
    assert published_article(first.slug).title == "First story"
    with pytest.raises(Http404):
        published_article("no-such-story")


def test_a_fixed_moment_in_the_query_is_refused_when_it_is_built(db):
    fixed = datetime(2020, 1, 1, tzinfo=UTC)
    query = PreparedModelQuery(
        Article, lambda slug: Article.objects.filter(slug=slug, published_at__gte=fixed), slug="~s~"
    )

    with pytest.raises(ValueError, match="moments that no run would update"):
        query.first(slug="anything")


def test_the_article_query_is_planned_once_per_connection(db):
    """Server-side binding with psycopg's prepare_threshold (config/settings/base.py): from its
    second run on a connection, the article page's query runs as a prepared statement."""
    article = make_article()
    for _ in range(3):
        assert published_article(article.slug).pk == article.pk

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE '%%FROM \"articles_article\"%%'"
        )
        assert cursor.fetchone()[0] >= 1


def test_the_readers_article_query_runs_on_a_generic_plan_once_prepared(db):
    """PostgreSQL plans a prepared statement for its values five times, then keeps one generic
    plan if that looks no dearer. The signed-in page's article query once looked dearer on a
    generic plan (its tags joined and grouped: an estimate of 200 rows) and was planned anew
    on every page, 1.5-5.6 ms of planning for 0.3-1 ms of execution (measured); with the tags
    in a subquery it goes generic."""
    article = make_article()
    reader = make_user()
    for _ in range(9):
        assert published_article(article.slug, reader).pk == article.pk

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%%FROM \"articles_article\"%%'"
            " AND statement LIKE '%%articles_articlevisit%%'"
        )
        ((generic, custom),) = cursor.fetchall()
    assert custom == 5
    assert generic >= 2
    # What made the generic plan look dearer on the bench's data, where this test's few rows
    # cannot show it: the article grouped by its joined tags.
    assert _article_queryset(article.slug, reader).query.group_by is None
