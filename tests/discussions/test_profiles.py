"""Public profiles, /users/<username>/: contents, who sees which comments, sanctions, queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from discussions import markup
from discussions.models import Comment, Sanction
from discussions.profiles import PROFILE_PAGE_SIZE
from tests.factories import (
    make_article,
    make_comment,
    make_moderator,
    make_user,
    parse_html,
    set_comment_status,
    set_comment_votes,
)
from tests.security.corpus import seed_corpus
from tests.security.inert import assert_inert

pytestmark = pytest.mark.django_db


def profile_page(client, user, *, page=None):
    url = f"/users/{user.username}/" + (f"?page={page}" if page else "")
    response = client.get(url)
    assert response.status_code == 200, url
    return response, assert_inert(response.content, url)


def listed(doc) -> list[dict]:
    """Return the listed comments, in page order: id (from the permalink), status, text."""
    items = []
    for li in doc.find_all("li", cls="profile-comment"):
        link = li.find("a", cls="permalink")
        text = li.find(cls="profile-comment-text")
        status = li.find(cls="profile-comment-status")
        items.append(
            {
                "id": int(link.attrs["href"].strip("/").split("/")[-1]),
                "href": link.attrs["href"],
                "status": li.attrs["data-status"],
                "label": status.text().strip() if status else None,
                "text": text.text().strip() if text else None,
                "article": li.find("a").text(),
            }
        )
    return items


def with_statuses(author):
    """Post one comment of each status by the author; return them by status."""
    article = make_article()
    comments = {}
    for status in Comment.Status.values:
        comment = make_comment(article, author=author, body=f"The {status} one")
        if status != Comment.Status.VISIBLE:
            set_comment_status(comment, status)
        comments[status] = comment
    return comments


def test_a_profile_shows_name_joined_totals_and_comments_newest_first(client):
    author = make_user(username="minji", display_name="Kim Min-ji")
    first, second = make_article(title="Quiet cars"), make_article(title="Night buses")
    older = make_comment(first, author=author, body="Older thoughts")
    newer = make_comment(second, author=author, body="Newer thoughts")
    Comment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    markup.refresh([older.pk])
    set_comment_votes(older, up=5, down=1)
    set_comment_votes(newer, up=2, down=4)
    make_comment(first)  # someone else's

    response, doc = profile_page(client, author)

    assert doc.find("h1").text() == "Kim Min-ji"
    meta = doc.find(cls="profile-meta")
    assert "@minji" in meta.text()
    assert meta.find("time").attrs["datetime"].startswith(f"{author.date_joined:%Y-%m-%d}")
    assert "Joined" in meta.text()
    totals = doc.find(cls="profile-totals")
    assert totals.find("span", data_comment_count="2") is not None
    assert totals.find("span", data_score="2") is not None  # (5 - 1) + (2 - 4)
    assert "2 comments" in totals.text()
    assert "total score 2 points" in totals.text()
    items = listed(doc)
    assert [item["id"] for item in items] == [newer.pk, older.pk]
    assert items[0]["href"] == newer.get_absolute_url()
    assert [item["article"] for item in items] == ["Night buses", "Quiet cars"]
    assert [item["text"] for item in items] == ["Newer thoughts", "Older thoughts"]
    assert doc.find("article", cls="comment") is None  # contract: other markup than the thread
    assert doc.find("meta", name="robots").attrs["content"] == "noindex, follow"


def test_the_profile_comments_are_paginated(client):
    author = make_user()
    article = make_article()
    comments = [make_comment(article, author=author) for _ in range(PROFILE_PAGE_SIZE + 3)]
    newest_first = [c.pk for c in reversed(comments)]

    _, first = profile_page(client, author)
    _, second = profile_page(client, author, page=2)
    _, beyond = profile_page(client, author, page=99)

    assert [item["id"] for item in listed(first)] == newest_first[:PROFILE_PAGE_SIZE]
    assert [item["id"] for item in listed(second)] == newest_first[PROFILE_PAGE_SIZE:]
    assert listed(beyond) == listed(second)
    assert first.find("nav", cls="pagination").find("a", rel="next").attrs["href"] == "?page=2"
    assert f"{PROFILE_PAGE_SIZE + 3} comments" in first.find(cls="profile-totals").text()


def test_others_see_only_the_visible_comments(client):
    author = make_user()
    comments = with_statuses(author)
    reader = Client()
    reader.force_login(make_user())

    for viewer in (client, reader):
        _, doc = profile_page(viewer, author)
        assert [item["id"] for item in listed(doc)] == [comments["visible"].pk]
        assert "The pending one" not in doc.text()
        assert "The removed one" not in doc.text()
        assert "1 comment" in doc.find(cls="profile-totals").text()


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_the_author_and_moderators_see_every_comment_marked_and_deleted_text_never(client, who):
    author = make_user()
    comments = with_statuses(author)
    client.force_login(author if who == "author" else make_moderator())

    _, doc = profile_page(client, author)

    items = {item["id"]: item for item in listed(doc)}
    assert set(items) == {comment.pk for comment in comments.values()}
    for status, comment in comments.items():
        item = items[comment.pk]
        assert item["status"] == status
        if status == Comment.Status.VISIBLE:
            assert item["label"] is None
        else:
            assert item["label"] == Comment.Status(status).label
        if status == Comment.Status.DELETED:
            assert item["text"] is None
        else:
            assert item["text"] == f"The {status} one"
    assert "The deleted one" not in doc.text()
    # The totals are the public ones, whoever looks.
    assert "1 comment" in doc.find(cls="profile-totals").text()


def test_comments_on_articles_that_are_not_public_are_not_listed(client):
    author = make_user()
    shown = make_comment(make_article(), author=author)
    hidden = make_comment(make_article(), author=author)
    Article.objects.filter(pk=hidden.article_id).update(status=Article.Status.DRAFT)
    client.force_login(author)

    _, doc = profile_page(client, author)

    assert [item["id"] for item in listed(doc)] == [shown.pk]


@pytest.mark.parametrize(
    ("kind", "until", "words"),
    [
        (Sanction.Kind.SUSPENSION, timedelta(days=3), "Suspended until"),
        (Sanction.Kind.BAN, None, "Banned."),
    ],
)
def test_a_sanction_in_force_is_shown_to_moderators_only(client, kind, until, words):
    author = make_user()
    moderator = make_moderator()
    Sanction.objects.create(
        user=author,
        kind=kind,
        until=timezone.now() + until if until else None,
        reason="Repeated insults",
        created_by=moderator,
    )
    signed_in_author = Client()
    signed_in_author.force_login(author)
    signed_in_moderator = Client()
    signed_in_moderator.force_login(moderator)

    for viewer in (client, signed_in_author):
        _, doc = profile_page(viewer, author)
        assert doc.find(cls="profile-sanction") is None
        assert "Repeated insults" not in doc.text()
    _, doc = profile_page(signed_in_moderator, author)
    note = doc.find(cls="profile-sanction")
    assert note.attrs["data-sanction"] == kind
    assert words in note.text()
    assert "Repeated insults" in note.text()


def test_a_lifted_or_expired_sanction_is_not_shown(client):
    author = make_user()
    moderator = make_moderator()
    Sanction.objects.create(user=author, kind="ban", reason="x", lifted_at=timezone.now())
    Sanction.objects.create(
        user=author, kind="suspension", until=timezone.now() - timedelta(hours=1), reason="y"
    )
    client.force_login(moderator)

    _, doc = profile_page(client, author)

    assert doc.find(cls="profile-sanction") is None


def test_unknown_and_inactive_accounts_have_no_profile(client):
    inactive = make_user(username="gone", is_active=False)
    make_comment(author=inactive)

    assert client.get("/users/nobody-here/").status_code == 404
    assert client.get(f"/users/{inactive.username}/").status_code == 404
    assert client.post(f"/users/{make_user().username}/").status_code in (403, 405)


def test_a_profile_never_shows_an_email_or_ip_address(client):
    author = make_user(email="private@example.org", display_name="Private Person")
    make_comment(author=author, ip_address="203.0.113.9")
    client.force_login(make_moderator())

    response, _ = profile_page(client, author)

    page = response.content.decode()
    assert "private@example.org" not in page
    assert "203.0.113.9" not in page


def test_profile_names_and_texts_are_escaped(client):
    author = make_user(display_name='<script>alert("n")</script>')
    make_comment(author=author, body="<img src=x onerror=alert(1)> **bold**")

    response, doc = profile_page(client, author)

    assert doc.find("h1").text() == '<script>alert("n")</script>'
    assert doc.find(cls="profile-comment-text").find("strong").text() == "bold"


def test_profile_queries_are_bounded_and_do_not_grow_with_comments(
    client, django_assert_max_num_queries
):
    author = make_user()
    article = make_article()
    moderator = make_moderator()
    staff = Client()
    staff.force_login(moderator)
    make_comment(article, author=author)
    with django_assert_max_num_queries(4) as few:
        client.get(f"/users/{author.username}/")
    with django_assert_max_num_queries(9) as few_staff:
        staff.get(f"/users/{author.username}/")

    for n in range(PROFILE_PAGE_SIZE + 5):
        make_comment(make_article() if n % 3 else article, author=author)
    with django_assert_max_num_queries(4) as many:
        response = client.get(f"/users/{author.username}/")
    with django_assert_max_num_queries(9) as many_staff:
        staff.get(f"/users/{author.username}/")

    assert len(listed(parse_html(response.content))) == PROFILE_PAGE_SIZE
    assert len(many) == len(few)
    assert len(many_staff) == len(few_staff)


def test_every_profile_of_the_hostile_corpus_is_inert(client):
    corpus = seed_corpus()
    client.force_login(corpus.moderator)

    for author in corpus.authors:
        response = client.get(reverse("discussions:profile", args=[author.username]))
        assert response.status_code == 200, author.username
        doc = assert_inert(response.content, f"profile of {author.username!r}")
        assert doc.find("h1").text() == author.public_name
        assert listed(doc)
