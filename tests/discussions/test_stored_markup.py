"""Each comment's stored markup (discussions.markup) follows every write that changes what it
shows, including writes in the admin to other rows it shows (its author, a rule, a source
comment); `render_comments` renders them all again and `--check` finds any out of date.

(tests/conftest.py also checks every comment's stored markup after every test that used the
database.)"""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bench.search import comment_markup_sql, insert_rows
from discussions import markup
from discussions.models import Comment
from discussions.services import comment_moderate
from tests.factories import (
    make_comment,
    make_source_comment,
    make_user,
    parse_html,
    policy_rule,
    thread_comments,
)


def thread_of(article) -> dict:
    return thread_comments(parse_html(Client().get(article.get_absolute_url()).content))


def admin_client():
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_render_comments_check_finds_stale_markup_and_render_comments_mends_it(article):
    comment = make_comment(article, body="Fresh words")
    call_command("render_comments", "--check")  # up to date: no error
    # A write behind the services' back, which no refresh follows.
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Changed words</p>")

    with pytest.raises(CommandError, match=rf"1 comments have out-of-date markup: {comment.pk}"):
        call_command("render_comments", "--check")
    assert "Changed words" not in Comment.objects.get(pk=comment.pk).markup

    call_command("render_comments")

    call_command("render_comments", "--check")
    assert "Changed words" in Comment.objects.get(pk=comment.pk).markup


def test_an_account_renamed_in_the_admin_shows_its_new_name_in_the_thread(article):
    author = make_user(username="ahn", display_name="Ahn Before")
    comment = make_comment(article, author=author)
    assert "Ahn Before" in thread_of(article)[comment.pk].text()

    response = admin_client().post(
        f"/admin/accounts/user/{author.pk}/change/",
        {
            "username": "ahn",
            "display_name": "Ahn After",
            "is_active": "",  # deactivated too: no profile link
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    element = thread_of(article)[comment.pk]
    assert "Ahn After" in element.text()
    assert "/users/ahn/" not in Client().get(article.get_absolute_url()).content.decode()


def test_a_retitled_rule_shows_in_the_placeholders_citing_it(article, moderator):
    removed = make_comment(article)
    make_comment(article, parent=removed)  # keeps the removed one as a placeholder
    comment_moderate(comment=removed, moderator=moderator, action="remove", rule=policy_rule(2))
    rule = policy_rule(2)

    rule.title = "Argue with ideas, not people"
    rule.save()  # as the admin's change form does

    placeholder = thread_of(article)[removed.pk]
    assert "comment-placeholder" in placeholder.classes
    assert "Rule 2: Argue with ideas, not people" in placeholder.text()


def test_a_deleted_source_comment_leaves_its_replies_unquoted(article):
    source = make_source_comment(article, text="The quiet car is the best car.")
    reply = make_comment(article, source_comment=source, body="Agreed.")
    assert "The quiet car is the best car." in thread_of(article)[reply.pk].text()

    source.delete()  # as the article admin's source comment inline does

    element = thread_of(article)[reply.pk]
    assert "The quiet car is the best car." not in element.text()
    assert "Agreed." in element.text()


def test_stored_markup_holds_no_hole_character_from_its_texts(article):
    author = make_user(display_name="Split\x1fName")
    comment = make_comment(article, author=author, body="Body with \x1f inside")

    pieces = Comment.objects.get(pk=comment.pk).markup.split(markup.HOLE)

    assert len(pieces) == len(markup.STORED_PIECES)
    assert "SplitName" in thread_of(article)[comment.pk].text()


def test_markup_generated_in_sql_for_the_bench_is_what_the_site_renders(article):
    status = "(ARRAY['visible', 'pending', 'removed', 'spam', 'deleted'])[1 + g %% 5]"
    body_html = "'<p>Row ' || g || ' &amp; more</p>'"
    created_at = "now() - g * interval '97 seconds 123 milliseconds'"
    columns = {
        "article_id": str(article.pk), "body": "'Row ' || g", "body_html": body_html,
        "created_at": created_at, "status": status, "guest_name": "'O''Brien <guest>'",
        "markup": comment_markup_sql(
            status=status, body_html=body_html, created_at=created_at,
            guest_name="O'Brien <guest>",
        ),
        "lft": "1", "rght": "2", "tree_id": "200000 + g", "level": "0",
    }  # fmt: skip
    insert_rows(Comment, columns, rows_sql="FROM generate_series(1, 40) AS g", params={})

    generated = Comment.objects.filter(tree_id__gte=200_000)
    assert generated.count() == 40
    assert markup.stale(generated) == []


def test_a_deleted_account_leaves_its_comments_by_nobody(article):
    author = make_user(username="leaving", display_name="Leaving Reader")
    comment = make_comment(article, author=author, body="Still here.")
    assert "Leaving Reader" in thread_of(article)[comment.pk].text()

    author.delete()  # as the user admin's delete action does

    element = thread_of(article)[comment.pk]
    assert "Leaving Reader" not in element.text()
    assert "Still here." in element.text()
    assert "/users/leaving/" not in Client().get(article.get_absolute_url()).content.decode()
