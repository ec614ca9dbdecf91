"""Voting over HTTP: casting, switching, withdrawing, refusals, and the reader's own votes."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from discussions.models import Comment, Vote
from discussions.services import vote_cast, votes_recount
from tests.factories import (
    make_article,
    make_comment,
    make_discussion,
    make_user,
    parse_html,
    reader_state,
    set_comment_status,
    set_comment_votes,
    thread_comments,
)

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
# Most SQL queries one article page may issue, whatever the number of the reader's votes.
PAGE_QUERY_BOUND = 8


@pytest.fixture
def comment(article, other_user):
    return make_comment(article, author=other_user)


def vote_url(comment) -> str:
    return f"/comments/{comment.pk}/vote/"


def stored(comment) -> tuple[int, int]:
    comment.refresh_from_db(fields=["upvotes", "downvotes"])
    return comment.upvotes, comment.downvotes


def vote_buttons(response, comment) -> dict[str, str]:
    """Return whether the comment's up and down buttons show pressed, keyed by value: the
    buttons of the shared markup, pressed as the page's reader state says (its script
    applies it)."""
    element = thread_comments(parse_html(response.content))[comment.pk]
    votes = (reader_state(response) or {"votes": {}})["votes"]
    return {
        button.attrs["value"]: (
            "true"
            if votes.get(comment.pk) == int(button.attrs["value"])
            else button.attrs["aria-pressed"]
        )
        for button in element.find_all("button", cls="vote")
        if button.attrs.get("formaction") == vote_url(comment)
    }


@pytest.mark.parametrize(("value", "counts"), [("1", (1, 0)), ("-1", (0, 1))])
def test_vote_updates_the_comment_counts_and_answers_json(signed_in, user, comment, value, counts):
    response = signed_in.post(vote_url(comment), {"value": value}, **JSON)

    assert response.status_code == 200
    assert response.json() == {
        "id": comment.pk,
        "upvotes": counts[0],
        "downvotes": counts[1],
        "value": int(value),
    }
    assert stored(comment) == counts
    assert Vote.objects.get(comment=comment, user=user).value == int(value)


def test_switching_a_vote_moves_it_from_one_counter_to_the_other(signed_in, user, comment):
    signed_in.post(vote_url(comment), {"value": "1"}, **JSON)

    response = signed_in.post(vote_url(comment), {"value": "-1"}, **JSON)

    assert response.json()["value"] == -1
    assert stored(comment) == (0, 1)
    assert Vote.objects.get(comment=comment, user=user).value == -1


@pytest.mark.parametrize("value", ["1", "-1"])
def test_voting_the_same_way_twice_withdraws_the_vote(signed_in, comment, value):
    signed_in.post(vote_url(comment), {"value": value}, **JSON)

    response = signed_in.post(vote_url(comment), {"value": value}, **JSON)

    assert response.json() == {"id": comment.pk, "upvotes": 0, "downvotes": 0, "value": 0}
    assert stored(comment) == (0, 0)
    assert not Vote.objects.filter(comment=comment).exists()


@pytest.mark.parametrize("value", ["1", "-1"])
def test_value_zero_withdraws_the_vote(signed_in, comment, value):
    signed_in.post(vote_url(comment), {"value": value}, **JSON)

    response = signed_in.post(vote_url(comment), {"value": "0"}, **JSON)

    assert response.json()["value"] == 0
    assert stored(comment) == (0, 0)
    assert not Vote.objects.filter(comment=comment).exists()


def test_value_zero_without_a_vote_changes_nothing(signed_in, comment):
    vote_cast(comment=comment, user=make_user(), value=1)

    response = signed_in.post(vote_url(comment), {"value": "0"}, **JSON)

    assert response.json() == {"id": comment.pk, "upvotes": 1, "downvotes": 0, "value": 0}
    assert stored(comment) == (1, 0)


def test_votes_of_several_readers_add_up(comment):
    clients = []
    for _ in range(3):
        client = Client()
        client.force_login(make_user())
        clients.append(client)

    for client, value in zip(clients, ["1", "1", "-1"], strict=True):
        client.post(vote_url(comment), {"value": value}, **JSON)

    assert stored(comment) == (2, 1)


def test_vote_without_javascript_redirects_back_to_next_at_the_comment(signed_in, comment):
    article_url = comment.article.get_absolute_url()

    response = signed_in.post(vote_url(comment), {"value": "1", "next": f"{article_url}?sort=top"})

    assert response.status_code == 302
    assert response["Location"] == f"{article_url}?sort=top#comment-{comment.pk}"
    assert stored(comment) == (1, 0)


def test_vote_without_next_redirects_to_the_article_at_the_comment(signed_in, comment):
    response = signed_in.post(vote_url(comment), {"value": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_vote_with_foreign_next_redirects_to_the_article(signed_in, comment, next_url):
    response = signed_in.post(vote_url(comment), {"value": "1", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"


def test_counts_on_the_page_follow_the_vote(signed_in, comment):
    page = signed_in.get(comment.article.get_absolute_url())
    assert vote_buttons(page, comment) == {"1": "false", "-1": "false"}

    response = signed_in.post(vote_url(comment), {"value": "-1"})

    page = signed_in.get(response["Location"])
    element = thread_comments(parse_html(page.content))[comment.pk]
    assert element.find(itemprop="upvoteCount").text().strip() == "0"
    assert element.find(itemprop="downvoteCount").text().strip() == "1"


@pytest.mark.parametrize(
    "status",
    [Comment.Status.DELETED, Comment.Status.REMOVED, Comment.Status.SPAM, Comment.Status.PENDING],
)
def test_vote_on_hidden_comment_is_404(signed_in, comment, status):
    set_comment_status(comment, status)

    response = signed_in.post(vote_url(comment), {"value": "1"})

    assert response.status_code == 404
    assert not Vote.objects.exists()
    assert stored(comment) == (0, 0)


def test_vote_on_nonexistent_comment_is_404(signed_in):
    assert signed_in.post("/comments/987654321/vote/", {"value": "1"}).status_code == 404


def test_vote_on_comment_of_draft_article_is_404(signed_in):
    comment = make_comment(make_article(status="draft"))

    response = signed_in.post(vote_url(comment), {"value": "1"})

    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_vote_on_own_comment_is_403_with_a_message(signed_in, user, article):
    own = make_comment(article, author=user)

    response = signed_in.post(vote_url(own), {"value": "1"})

    assert response.status_code == 403
    assert "your own comment" in response.content.decode()
    assert not Vote.objects.exists()
    assert stored(own) == (0, 0)


def test_vote_on_own_comment_answers_json_403(signed_in, user, article):
    own = make_comment(article, author=user)

    response = signed_in.post(vote_url(own), {"value": "1"}, **JSON)

    assert response.status_code == 403
    assert "own comment" in response.json()["error"]


@pytest.mark.parametrize("value", ["2", "-2", "up", "", "1.0", " 1", "+1"])
def test_vote_value_other_than_one_minus_one_or_zero_is_400(signed_in, comment, value):
    response = signed_in.post(vote_url(comment), {"value": value})

    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_vote_without_value_is_400_json(signed_in, comment):
    response = signed_in.post(vote_url(comment), {}, **JSON)

    assert response.status_code == 400
    assert response.json()["error"]


def test_vote_by_get_is_405(signed_in, comment):
    response = signed_in.get(vote_url(comment), {"value": "1"})

    assert response.status_code == 405
    assert not Vote.objects.exists()


def test_vote_without_csrf_token_is_403(user, comment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(vote_url(comment), {"value": "1"})

    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_anonymous_vote_redirects_to_login_with_next_at_the_comment(client, comment):
    response = client.post(vote_url(comment), {"value": "1"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    next_url = parse_qs(location.query)["next"][0]
    assert next_url == f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
    assert not Vote.objects.exists()


def test_own_votes_show_pressed_on_page_load(signed_in, user, article):
    liked, disliked, untouched = (make_comment(article) for _ in range(3))
    vote_cast(comment=liked, user=user, value=1)
    vote_cast(comment=disliked, user=user, value=-1)

    response = signed_in.get(article.get_absolute_url())

    assert vote_buttons(response, liked) == {"1": "true", "-1": "false"}
    assert vote_buttons(response, disliked) == {"1": "false", "-1": "true"}
    assert vote_buttons(response, untouched) == {"1": "false", "-1": "false"}


def test_own_votes_show_pressed_on_the_permalink(signed_in, user, article):
    parent = make_comment(article)
    reply = make_comment(article, parent=parent)
    vote_cast(comment=reply, user=user, value=-1)

    response = signed_in.get(f"/comments/{parent.pk}/")

    assert vote_buttons(response, reply) == {"1": "false", "-1": "true"}
    assert vote_buttons(response, parent) == {"1": "false", "-1": "false"}


def test_one_readers_pressed_votes_never_reach_another_reader(signed_in, user, article):
    comment = make_comment(article)
    vote_cast(comment=comment, user=user, value=1)
    signed_in.get(article.get_absolute_url())  # renders and caches the shared fragment
    other = Client()
    other.force_login(make_user())

    for client in (other, Client()):
        response = client.get(article.get_absolute_url())
        assert vote_buttons(response, comment) == {"1": "false", "-1": "false"}


def test_page_queries_do_not_grow_with_the_readers_votes(
    signed_in, user, article, django_assert_max_num_queries
):
    comments = make_discussion(article, count=80)
    vote_cast(comment=comments[0], user=user, value=1)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as few:
        signed_in.get(article.get_absolute_url())

    for index, comment in enumerate(comments[1:]):
        vote_cast(comment=comment, user=user, value=1 if index % 2 else -1)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND) as many:
        response = signed_in.get(article.get_absolute_url())

    assert len(many) == len(few)
    pressed = [c for c in comments if "true" in vote_buttons(response, c).values()]
    assert len(pressed) == len(comments)


# Recount ----------------------------------------------------------------------------------


def test_votes_recount_finds_and_repairs_corrupted_counters(article):
    sound, broken = make_comment(article), make_comment(article)
    voters = [make_user() for _ in range(4)]
    for voter, value in zip(voters, [1, 1, 1, -1], strict=True):
        vote_cast(comment=sound, user=voter, value=value)
        vote_cast(comment=broken, user=voter, value=-value)
    set_comment_votes(broken, up=40, down=0)

    found = votes_recount(repair=False)

    assert found == [(broken.pk, 40, 0, 1, 3)]
    assert stored(broken) == (40, 0)

    repaired = votes_recount(repair=True)

    assert repaired == found
    assert stored(broken) == (1, 3)
    assert stored(sound) == (3, 1)
    assert votes_recount(repair=False) == []


def test_votes_recount_zeroes_counters_without_vote_rows(article):
    comment = make_comment(article)
    set_comment_votes(comment, up=3, down=2)

    assert votes_recount(repair=True) == [(comment.pk, 3, 2, 0, 0)]
    assert stored(comment) == (0, 0)
