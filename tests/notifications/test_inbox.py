"""Notifications in the site: who is told of what, and the inbox at /notifications/."""

import pytest
from django.test import Client
from django.urls import reverse

from discussions.models import Comment, PolicyRule
from discussions.services import comment_moderate, flag_create
from discussions.services.posting import comment_delete, comment_submit
from notifications.models import Follow, Notification
from tests.factories import (
    make_article,
    make_comment,
    make_moderator,
    make_user,
    parse_html,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_reply_notifies_the_parent_author_once_and_not_the_replier():
    author, replier = make_user(), make_user()
    parent = make_comment(author=author)

    make_comment(parent=parent, author=replier)

    assert kinds_of(author) == ["reply"]
    assert kinds_of(replier) == []
    author.refresh_from_db()
    assert author.unread_notifications == 1


def test_replying_to_oneself_notifies_nobody():
    author = make_user()
    parent = make_comment(author=author)

    make_comment(parent=parent, author=author)

    assert Notification.objects.count() == 0


def test_a_held_comment_notifies_nobody_until_it_is_approved():
    author, replier = make_user(), make_user()
    parent = make_comment(author=author)
    held = make_comment(parent=parent, author=replier, status=Comment.Status.PENDING)
    assert kinds_of(author) == []

    comment_moderate(comment=held, moderator=make_moderator(), action="approve")

    assert kinds_of(author) == ["reply"]
    assert kinds_of(replier) == ["moderation"]
    decision = Notification.objects.get(recipient=replier)
    assert decision.decision == "approved"
    assert decision.actor is None  # never the moderator


def test_a_removed_comment_leaves_every_inbox_and_its_author_learns_the_rule():
    author, replier = make_user(), make_user()
    parent = make_comment(author=author)
    reply = make_comment(parent=parent, author=replier)
    rule = PolicyRule.objects.order_by("number").first()

    comment_moderate(comment=reply, moderator=make_moderator(), action="remove", rule=rule)

    assert kinds_of(author) == []
    author.refresh_from_db()
    assert author.unread_notifications == 0
    told = Notification.objects.get(recipient=replier)
    assert (told.kind, told.decision, told.rule) == ("moderation", "removed", rule)
    page = signed_in(replier).get("/notifications/").content.decode()
    assert f"/comment-policy/#rule-{rule.number}" in page
    assert rule.title in page


def test_a_comment_deleted_by_its_author_leaves_the_inboxes():
    author, replier = make_user(), make_user()
    reply = make_comment(parent=make_comment(author=author), author=replier)

    comment_delete(comment=reply, user=replier)

    assert kinds_of(author) == []


def test_flags_that_hold_a_comment_take_it_out_of_the_inboxes(settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "FLAGS_TO_HOLD": 1}
    author, replier = make_user(), make_user()
    reply = make_comment(parent=make_comment(author=author), author=replier)

    assert flag_create(comment=reply, user=make_user(), rule=PolicyRule.objects.first())

    assert kinds_of(author) == []
    assert Notification.objects.get(recipient=replier).decision == "held"


def test_screening_hold_tells_the_author_only(settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "NEW_ACCOUNT_HOLD_COUNT": 5}
    author, replier = make_user(), make_user()
    parent = make_comment(author=author)

    held = comment_submit(
        article=parent.article, author=replier, body="My first words here", parent_id=parent.pk
    )

    assert held.status == Comment.Status.PENDING
    assert kinds_of(author) == []
    assert Notification.objects.get(recipient=replier).decision == "held"


def test_followers_of_the_article_are_told_of_new_comments():
    article = make_article()
    follower, poster = make_user(), make_user()
    Follow.objects.create(user=follower, article=article)

    make_comment(article, author=poster)

    assert kinds_of(follower) == ["follow"]


def test_a_followed_subtree_notifies_of_deep_replies_and_a_muted_one_of_nothing():
    article = make_article()
    root_author, follower, muter = make_user(), make_user(), make_user()
    root = make_comment(article, author=root_author)
    child = make_comment(parent=root)
    Follow.objects.create(user=follower, comment=root)
    Follow.objects.create(user=muter, article=article)
    Follow.objects.create(user=muter, comment=root, muted=True)

    make_comment(parent=child)

    assert kinds_of(follower) == ["follow"]
    assert kinds_of(muter) == []
    # The root's author follows only direct replies by default.
    assert kinds_of(root_author) == ["reply"]  # from `child`


def test_a_muted_subtree_silences_even_replies_to_ones_own_comment():
    author = make_user()
    parent = make_comment(author=author)
    Follow.objects.create(user=author, comment=parent, muted=True)

    make_comment(parent=parent)

    assert kinds_of(author) == []


def test_one_notification_per_reader_per_comment_reply_first():
    article = make_article()
    author = make_user()
    Follow.objects.create(user=author, article=article)
    parent = make_comment(article, author=author)

    make_comment(parent=parent)

    assert kinds_of(author) == ["reply"]


def test_featuring_a_comment_tells_its_author_once():
    comment = make_comment()
    moderator = make_moderator()

    comment_moderate(comment=comment, moderator=moderator, action="feature")
    comment_moderate(comment=comment, moderator=moderator, action="unfeature")
    comment_moderate(comment=comment, moderator=moderator, action="feature")

    assert kinds_of(comment.author) == ["featured"]


def test_a_draft_articles_comments_notify_nobody():
    article = make_article(status="draft")
    author = make_user()
    parent = make_comment(article, author=author)

    make_comment(parent=parent)

    assert kinds_of(author) == []


def test_the_inbox_lists_newest_first_with_contract_markup():
    author = make_user()
    parent = make_comment(author=author, body="Buses should run all night")
    first = make_comment(parent=parent)
    second = make_comment(parent=parent)

    doc = parse_html(signed_in(author).get("/notifications/").content)

    items = doc.find_all("li", cls="notification")
    assert [i.attrs["data-kind"] for i in items] == ["reply", "reply"]
    assert [i.attrs["data-unread"] for i in items] == ["true", "true"]
    links = [a.attrs["href"] for i in items for a in i.find_all("a")]
    assert links.index(second.get_absolute_url()) < links.index(first.get_absolute_url())


def test_the_header_shows_the_unread_count():
    author = make_user()
    parent = make_comment(author=author)
    make_comment(parent=parent)
    make_comment(parent=parent)
    client = signed_in(author)

    doc = parse_html(client.get("/comment-policy/").content)

    count = doc.find(data_unread_count=None)
    assert count is not None and count.attrs["data-unread-count"] == "2"


def test_anonymous_pages_have_no_unread_count():
    parent = make_comment()
    make_comment(parent=parent)

    page = Client().get(parent.article.get_absolute_url()).content.decode()

    assert "data-unread-count" not in page


def test_marking_one_then_all_read():
    author = make_user()
    parent = make_comment(author=author)
    make_comment(parent=parent)
    make_comment(parent=parent)
    client = signed_in(author)
    one = Notification.objects.filter(recipient=author).first()

    client.post(reverse("notifications:read"), {"id": one.pk})
    author.refresh_from_db()
    assert author.unread_notifications == 1
    client.post(reverse("notifications:read"))

    author.refresh_from_db()
    assert author.unread_notifications == 0
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()
    doc = parse_html(client.get("/notifications/").content)
    assert {i.attrs["data-unread"] for i in doc.find_all("li", cls="notification")} == {"false"}


def test_another_readers_notification_id_is_404_and_changes_nothing():
    author, other = make_user(), make_user()
    make_comment(parent=make_comment(author=author))
    theirs = Notification.objects.get(recipient=author)

    response = signed_in(other).post(reverse("notifications:read"), {"id": theirs.pk})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_non_numeric_id_is_404():
    response = signed_in(make_user()).post(reverse("notifications:read"), {"id": "1 OR 1=1"})

    assert response.status_code == 404


def test_the_inbox_asks_anonymous_readers_to_log_in():
    response = Client().get("/notifications/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_marking_read_needs_post():
    assert signed_in(make_user()).get(reverse("notifications:read")).status_code == 405


def test_the_inbox_pages_in_twenties(django_assert_max_num_queries):
    author = make_user()
    parent = make_comment(author=author)
    for _ in range(23):
        make_comment(parent=parent)
    client = signed_in(author)

    with django_assert_max_num_queries(6):
        first = parse_html(client.get("/notifications/").content)
    second = parse_html(client.get("/notifications/?page=2").content)

    assert len(first.find_all("li", cls="notification")) == 20
    assert len(second.find_all("li", cls="notification")) == 3


def test_following_and_muting_through_the_site():
    article = make_article()
    reader = make_user()
    client = signed_in(reader)

    client.post(reverse("notifications:follow_article", args=[article.slug]))
    assert Follow.objects.filter(user=reader, article=article).exists()
    client.post(reverse("notifications:follow_article", args=[article.slug]))
    assert not Follow.objects.filter(user=reader, article=article).exists()

    comment = make_comment(article)
    client.post(reverse("notifications:mute_comment", args=[comment.pk]))
    assert Follow.objects.get(user=reader, comment=comment).muted
    client.post(reverse("notifications:follow_comment", args=[comment.pk]))
    assert not Follow.objects.get(user=reader, comment=comment).muted


def test_following_needs_a_signed_in_post():
    article = make_article()

    assert (
        Client().post(reverse("notifications:follow_article", args=[article.slug])).status_code
        == 302
    )
    assert not Follow.objects.exists()


def test_a_mention_notifies_the_named_reader_and_a_reply_that_mentions_is_one_item():
    author, named, poster = make_user(), make_user(), make_user()
    parent = make_comment(author=author)

    make_comment(
        parent=parent, author=poster, body=f"@{named.username} and @{author.username} agree"
    )

    assert kinds_of(named) == ["mention"]
    assert kinds_of(author) == ["reply"]


def test_mentioning_oneself_or_an_unknown_name_notifies_nobody():
    poster = make_user()

    make_comment(author=poster, body=f"@{poster.username} talks to @nobody-here")

    assert Notification.objects.count() == 0


def test_the_article_page_shows_the_follow_state_at_no_extra_query(django_assert_max_num_queries):
    article = make_article()
    make_comment(article)
    reader = make_user()
    client = signed_in(reader)
    client.get(article.get_absolute_url())

    with django_assert_max_num_queries(8):
        before = client.get(article.get_absolute_url()).content.decode()
    client.post(reverse("notifications:follow_article", args=[article.slug]))
    after = client.get(article.get_absolute_url()).content.decode()

    assert "Follow this discussion" in before
    assert "Unfollow this discussion" in after


def test_the_shared_anonymous_page_has_no_follow_form():
    article = make_article()

    page = Client().get(article.get_absolute_url()).content.decode()

    assert "follow-form" not in page
    assert 'id="follow-state"' not in page
