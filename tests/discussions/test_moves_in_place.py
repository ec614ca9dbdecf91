"""A reply moves every later comment of its thread (mptt rewrites their lft and rght). The
comments' table is laid out so PostgreSQL makes each such move in place: no index holds what
a move rewrites, and pages keep room for the moved rows' new versions (HOT updates)."""

import pytest
from django.db import connection

from tests.factories import make_comment

pytestmark = pytest.mark.django_db

MOVED_COLUMNS = {"lft", "rght"}


def indexed_columns(table: str) -> dict[str, set[str]]:
    """Return each index of the table and the columns it holds, its predicate's included."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid),
                   coalesce(pg_get_expr(x.indpred, x.indrelid), '')
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass
            """,
            [table],
        )
        return {
            name: {c for c in ("lft", "rght", "tree_id", "level") if c in definition + predicate}
            for name, definition, predicate in cursor.fetchall()
        }


def hot_updates() -> tuple[int, int]:
    """Return this transaction's (updates, HOT updates) of the comments' table so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'discussions_comment'"
        )
        return cursor.fetchone()


def test_no_index_of_the_comments_holds_what_a_move_rewrites():
    indexes = indexed_columns("discussions_comment")
    assert "comment_tree" in indexes  # the tree's rows are still found by tree_id
    holding = {name: cols & MOVED_COLUMNS for name, cols in indexes.items() if cols & MOVED_COLUMNS}
    assert holding == {}


def test_a_reply_moves_the_later_comments_without_touching_an_index():
    root = make_comment()
    first = make_comment(parent=root)
    later = [make_comment(parent=root) for _ in range(5)]
    updates, hot = hot_updates()
    make_comment(parent=first)  # moves the five later replies and the root's right edge
    moved_updates, moved_hot = hot_updates()
    for comment in later:
        comment.refresh_from_db()
    assert [c.lft for c in later] == [6, 8, 10, 12, 14]
    assert moved_updates - updates >= 6
    assert moved_hot - hot == moved_updates - updates
