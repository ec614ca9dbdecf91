"""A comment's notifications are written in one statement for all its readers: each told
once, each unread count moved by exactly what was added."""

import pytest

from accounts.models import User
from discussions import signals
from notifications.models import Follow, Notification
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def test_many_followers_are_each_told_once_and_counted_once(django_assert_max_num_queries):
    article = make_article()
    followers = [make_user() for _ in range(30)]
    Follow.objects.bulk_create([Follow(user=user, article=article) for user in followers])
    already = followers[0]
    make_comment(article)  # one earlier comment: every follower has 1 unread
    poster = make_user()

    comment = make_comment(article, author=poster)

    for user in User.objects.filter(pk__in=[f.pk for f in followers]):
        assert user.unread_notifications == 2
    assert Notification.objects.filter(comment=comment).count() == 30
    assert not Notification.objects.filter(recipient=poster).exists()
    # Told again of the same comment (approved again while its rows stand): nothing moves.
    with django_assert_max_num_queries(4):
        signals.comment_published.send(sender=None, comment=comment)
    already.refresh_from_db()
    assert already.unread_notifications == 2
    assert Notification.objects.filter(comment=comment).count() == 30
