"""The reader comments' search text lives in its own table, kept by triggers: what a reader
finds follows every write of a body, and a reply's move of its thread rewrites no text."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from discussions.services import comment_edit, comments_import
from discussions.services.imports import ImportedComment
from search.models import CommentText
from tests.factories import make_article, make_comment, parse_html

pytestmark = pytest.mark.django_db


def found_comments(client, q) -> list[str]:
    response = client.get("/search/", {"q": q, "type": "comment"})
    assert response.status_code == 200
    doc = parse_html(response.content)
    return [
        li.find("a").attrs["href"]
        for li in doc.find_all("li", cls="search-result")
        if li.attrs["data-type"] == "comment"
    ]


def text_versions(comment_ids) -> dict[int, str]:
    """Return each text row's xmin, the transaction that last wrote it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT comment_id, xmin::text FROM search_commenttext WHERE comment_id = ANY(%s)",
            [list(comment_ids)],
        )
        return dict(cursor.fetchall())


def test_a_posted_comment_is_found_and_an_edit_changes_what_finds_it(client):
    comment = make_comment(body="The walrus paragraph was translated well.")
    assert len(found_comments(client, "walrus")) == 1
    comment_edit(comment=comment, user=comment.author, body="The narwhal paragraph, I meant.")
    assert found_comments(client, "walrus") == []
    assert len(found_comments(client, "narwhal")) == 1
    assert CommentText.objects.get(pk=comment.pk).body == "The narwhal paragraph, I meant."


def test_an_import_adds_the_text_of_every_comment_in_one_statement(client):
    article = make_article()
    now = timezone.now()
    items = [
        ImportedComment(f"ext-{n}", "ext-0" if n else None, f"Pangolin note {n}.",
                        now - timedelta(minutes=10 - n), guest_name="Guest")
        for n in range(4)
    ]  # fmt: skip
    outcome = comments_import(article=article, source="json", items=items)
    assert outcome.created == 4
    assert len(found_comments(client, "pangolin")) == 4
    bodies = set(
        CommentText.objects.filter(comment__article=article).values_list("body", flat=True)
    )
    assert bodies == {f"Pangolin note {n}." for n in range(4)}


def test_a_reply_moves_its_thread_without_rewriting_any_text():
    root = make_comment()
    first = make_comment(parent=root)
    later = make_comment(parent=root)
    before = text_versions([root.pk, first.pk, later.pk])
    assert len(before) == 3
    # A reply to the first reply moves `later` and the root's right edge (mptt).
    make_comment(parent=first)
    later.refresh_from_db()
    assert (later.lft, later.rght) == (6, 7)
    assert text_versions([root.pk, first.pk, later.pk]) == before


def test_a_vote_or_a_status_change_rewrites_no_text():
    comment = make_comment(body="Kept as written.")
    before = text_versions([comment.pk])
    comment.upvotes = 3
    comment.status = comment.Status.REMOVED
    comment.save()  # every column, the body unchanged
    assert text_versions([comment.pk]) == before


def test_a_deleted_comment_takes_its_text_with_it():
    article = make_article()
    comment = make_comment(article, body="Soon gone.")
    kept = make_comment(article, body="Stays.")
    comment.delete()
    assert list(CommentText.objects.values_list("pk", flat=True)) == [kept.pk]
