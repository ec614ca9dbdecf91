"""The write services: posting into comment trees, counting, and casting votes."""

import pytest

from articles.models import Article
from discussions import markup
from discussions.models import Comment, Vote
from discussions.services import (
    CommentRejected,
    article_touch,
    comment_post,
    vote_cast,
    votes_recount,
)
from tests.factories import make_article, make_comment, make_user, set_comment_status

pytestmark = pytest.mark.django_db


def counts(comment) -> tuple[int, int]:
    comment.refresh_from_db(fields=["upvotes", "downvotes"])
    return comment.upvotes, comment.downvotes


def test_each_top_level_comment_starts_its_own_tree(article, user):
    first = comment_post(article=article, author=user, body="One")
    second = comment_post(article=article, author=user, body="Two")

    assert first.tree_id != second.tree_id
    assert (first.level, first.lft, first.rght) == (0, 1, 2)
    assert (second.level, second.lft, second.rght) == (0, 1, 2)


def test_reply_joins_its_parents_tree_as_the_last_child(article, user):
    root = comment_post(article=article, author=user, body="Root")
    first = comment_post(article=article, author=user, body="First", parent_id=root.pk)
    second = comment_post(article=article, author=user, body="Second", parent_id=root.pk)

    root.refresh_from_db()
    first.refresh_from_db()
    assert second.tree_id == first.tree_id == root.tree_id
    assert second.level == 1
    assert list(root.get_children()) == [first, second]
    assert root.lft < first.lft < first.rght < second.lft < second.rght < root.rght
    assert root.rght - root.lft + 1 == 2 * 3


def test_reply_to_comment_of_other_article_is_rejected(article, user):
    elsewhere = make_comment(make_article())

    with pytest.raises(CommentRejected) as rejected:
        comment_post(article=article, author=user, body="Hi", parent_id=elsewhere.pk)

    assert rejected.value.code == "bad_parent"
    assert rejected.value.status == 400
    assert not Comment.objects.filter(article=article).exists()


def test_reply_to_nonexistent_comment_is_rejected(article, user):
    with pytest.raises(CommentRejected) as rejected:
        comment_post(article=article, author=user, body="Hi", parent_id=987654321)

    assert rejected.value.code == "bad_parent"
    assert not Comment.objects.exists()


@pytest.mark.parametrize("status", [Comment.Status.DELETED, Comment.Status.REMOVED])
def test_reply_to_hidden_comment_is_rejected(article, user, status):
    parent = make_comment(article)
    set_comment_status(parent, status)

    with pytest.raises(CommentRejected) as rejected:
        comment_post(article=article, author=user, body="Hi", parent_id=parent.pk)

    assert rejected.value.code == "parent_gone"
    assert Comment.objects.count() == 1


def test_posted_body_is_normalized_and_rendered(article, user):
    comment = comment_post(
        article=article, author=user, body="  First line\r\nsecond *line*\r\n\r\n"
    )

    comment.refresh_from_db()
    assert comment.body == "First line\nsecond *line*"
    assert "<em>line</em>" in comment.body_html
    assert "<br" in comment.body_html


def test_posting_counts_visible_comments_and_bumps_the_version(article, user):
    make_comment(article)
    version = Article.objects.get(pk=article.pk).discussion_version

    comment_post(article=article, author=user, body="Pending", status=Comment.Status.PENDING)
    comment_post(article=article, author=user, body="Shown")

    article.refresh_from_db()
    assert article.comment_count == 2
    assert article.discussion_version == version + 2


def test_article_touch_recounts_after_a_status_change(article):
    comments = [make_comment(article) for _ in range(3)]
    Comment.objects.filter(pk=comments[0].pk).update(status=Comment.Status.DELETED)
    markup.refresh([comments[0].pk])
    version = Article.objects.get(pk=article.pk).discussion_version

    article_touch(article_id=article.pk)

    article.refresh_from_db()
    assert article.comment_count == 2
    assert article.discussion_version == version + 1


def test_article_touch_counts_zero_without_visible_comments(article):
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.SPAM)
    markup.refresh([comment.pk])

    article_touch(article_id=article.pk)

    article.refresh_from_db()
    assert article.comment_count == 0


def test_a_new_comment_moves_the_count_only_when_it_is_visible(article):
    make_comment(article)
    held = comment_post(
        article=article, author=make_user(), body="Held for review", status=Comment.Status.PENDING
    )
    article.refresh_from_db()
    assert article.comment_count == 1

    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.VISIBLE)
    markup.refresh([held.pk])
    article_touch(article_id=article.pk)  # approval recounts
    make_comment(article)

    article.refresh_from_db()
    assert (
        article.comment_count
        == 3
        == Comment.objects.filter(article=article, status=Comment.Status.VISIBLE).count()
    )


def test_comment_count_is_per_article(article):
    make_comment(article)
    other = make_article()
    make_comment(other)
    make_comment(other)

    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.comment_count, other.comment_count) == (1, 2)


# Votes ------------------------------------------------------------------------------------


def test_vote_cast_up_down_switch_and_withdraw(article, user):
    comment = make_comment(article)

    assert vote_cast(comment=comment, user=user, value=1) == (1, 0, 1)
    assert vote_cast(comment=comment, user=user, value=-1) == (0, 1, -1)
    assert vote_cast(comment=comment, user=user, value=-1) == (0, 0, 0)
    assert vote_cast(comment=comment, user=user, value=1) == (1, 0, 1)
    assert vote_cast(comment=comment, user=user, value=0) == (0, 0, 0)
    assert vote_cast(comment=comment, user=user, value=0) == (0, 0, 0)
    assert not Vote.objects.filter(comment=comment).exists()


def test_vote_cast_keeps_counters_equal_to_vote_rows(article):
    comment = make_comment(article)
    voters = [make_user() for _ in range(6)]
    for voter, values in zip(
        voters, [[1], [1, -1], [-1, -1], [1, 0], [-1, 1], [1, 1, 1]], strict=True
    ):
        for value in values:
            vote_cast(comment=comment, user=voter, value=value)

    rows = list(Vote.objects.filter(comment=comment).values_list("value", flat=True))
    assert counts(comment) == (rows.count(1), rows.count(-1)) == (3, 1)
    assert votes_recount(repair=False) == []


def test_vote_bumps_the_discussion_version(article, user):
    comment = make_comment(article)
    version = Article.objects.get(pk=article.pk).discussion_version

    vote_cast(comment=comment, user=user, value=1)

    article.refresh_from_db()
    assert article.discussion_version > version


def test_votes_recount_reports_without_repairing(article):
    comment = make_comment(article)
    vote_cast(comment=comment, user=make_user(), value=1)
    Comment.objects.filter(pk=comment.pk).update(upvotes=7, downvotes=2)

    assert votes_recount(repair=False) == [(comment.pk, 7, 2, 1, 0)]
    assert counts(comment) == (7, 2)
