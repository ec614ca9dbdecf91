"""Authors' own edits (within 15 minutes, earlier text kept, screened again) and deletes (any
time, a placeholder when replies remain), and the links to both on the article page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from discussions import markup
from discussions.models import EDIT_WINDOW, Comment, CommentRevision, Sanction, ScreeningWord
from discussions.services import (
    ModerationError,
    comment_delete,
    comment_edit,
    comment_moderate,
)
from tests.factories import (
    make_article,
    make_comment,
    make_screening_word,
    make_user,
    parse_html,
    policy_rule,
    reader_state,
    set_comment_status,
    thread_comments,
)

pytestmark = pytest.mark.django_db

Status = Comment.Status


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


def as_user(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def edit_url(comment) -> str:
    return f"/comments/{comment.pk}/edit/"


def delete_url(comment) -> str:
    return f"/comments/{comment.pk}/delete/"


def age(comment, delta: timedelta) -> None:
    """Move the comment's posting time back by delta."""
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - delta)
    markup.refresh([comment.pk])
    comment.refresh_from_db()


def error_text(response) -> str:
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="form-errors"))


# Editing --------------------------------------------------------------------------------


def test_edit_form_shows_the_current_text(user, article):
    comment = make_comment(article, author=user, body="First thoughts")

    response = as_user(user).get(edit_url(comment))

    assert response.status_code == 200
    textarea = parse_html(response.content).find("textarea", name="body")
    assert textarea.text().strip() == "First thoughts"


def test_edit_within_the_window_saves_and_keeps_the_earlier_text(user, article):
    comment = make_comment(article, author=user, body="First thoughts")
    age(comment, timedelta(minutes=14))

    response = as_user(user).post(edit_url(comment), {"body": "Second *thoughts*"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.body == "Second *thoughts*"
    assert "<em>thoughts</em>" in comment.body_html
    assert comment.edited_at is not None
    assert comment.status == Status.VISIBLE
    assert list(CommentRevision.objects.values_list("comment_id", "body")) == [
        (comment.pk, "First thoughts")
    ]


def test_every_edit_keeps_its_earlier_text(user, article):
    comment = make_comment(article, author=user, body="One")
    client = as_user(user)

    client.post(edit_url(comment), {"body": "Two"})
    client.post(edit_url(comment), {"body": "Three"})

    assert sorted(CommentRevision.objects.values_list("body", flat=True)) == ["One", "Two"]
    assert Comment.objects.get(pk=comment.pk).body == "Three"


def test_edited_comment_is_marked_edited_on_the_page(user, article):
    comment = make_comment(article, author=user, body="First thoughts")
    untouched = make_comment(article)
    as_user(user).post(edit_url(comment), {"body": "Second thoughts"})

    elements = thread_comments(parse_html(Client().get(article.get_absolute_url()).content))

    edited = elements[comment.pk]
    assert edited.find(cls="comment-edited") is not None
    assert "edited" in edited.find(cls="comment-edited").text()
    assert "Second thoughts" in edited.find(itemprop="text").text()
    assert elements[untouched.pk].find(cls="comment-edited") is None


def test_edit_after_the_window_is_403(user, article):
    comment = make_comment(article, author=user, body="First thoughts")
    age(comment, EDIT_WINDOW + timedelta(seconds=5))
    client = as_user(user)

    assert client.get(edit_url(comment)).status_code == 403
    response = client.post(edit_url(comment), {"body": "Too late"})

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "First thoughts"
    assert not CommentRevision.objects.exists()


def test_edit_of_someone_elses_comment_is_403(user, other_user, article):
    comment = make_comment(article, author=other_user, body="Their words")
    client = as_user(user)

    assert client.get(edit_url(comment)).status_code == 403
    response = client.post(edit_url(comment), {"body": "My words now"})

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Their words"


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_edit_redirects_to_login(article, method):
    comment = make_comment(article, body="Their words")

    response = getattr(Client(), method)(edit_url(comment), {"body": "Vandalised"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert Comment.objects.get(pk=comment.pk).body == "Their words"


@pytest.mark.parametrize("body", ["", "   ", "\n\n"])
def test_edit_to_an_empty_body_is_400(user, article, body):
    comment = make_comment(article, author=user, body="First thoughts")

    response = as_user(user).post(edit_url(comment), {"body": body})

    assert response.status_code == 400
    assert Comment.objects.get(pk=comment.pk).body == "First thoughts"
    assert not CommentRevision.objects.exists()


def test_edit_with_control_characters_is_400(user, article):
    comment = make_comment(article, author=user, body="First thoughts")

    response = as_user(user).post(edit_url(comment), {"body": "bad\x00body"})

    assert response.status_code == 400
    assert Comment.objects.get(pk=comment.pk).body == "First thoughts"


def test_edit_adding_a_banned_word_is_rejected_with_a_message(user, article):
    make_screening_word("idiot", rule_number=2)
    comment = make_comment(article, author=user, body="First thoughts")

    response = as_user(user).post(edit_url(comment), {"body": "First thoughts, you ｉd\u200biot"})

    assert response.status_code == 400
    assert "Rule 2" in error_text(response)
    comment.refresh_from_db()
    assert comment.body == "First thoughts"
    assert comment.edited_at is None
    assert not CommentRevision.objects.exists()


def test_edit_adding_a_suspect_word_holds_the_comment(user, article):
    make_screening_word("crypto", kind=ScreeningWord.Kind.SUSPECT)
    comment = make_comment(article, author=user, body="First thoughts")

    as_user(user).post(edit_url(comment), {"body": "Buy crypto"})

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert comment.hold_reason
    article.refresh_from_db()
    assert article.comment_count == 0


def test_edit_adding_too_many_links_holds_the_comment(user, article):
    comment = make_comment(article, author=user, body="First thoughts")

    as_user(user).post(
        edit_url(comment), {"body": " ".join(f"https://{c}.example" for c in "abcd")}
    )

    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_edit_on_a_premoderated_article_goes_back_to_review(user):
    # Otherwise approved harmless text could be swapped for anything within the window.
    article = make_article(premoderation=True)
    comment = make_comment(article, author=user, body="Harmless text")

    as_user(user).post(edit_url(comment), {"body": "Something else entirely"})

    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_suspended_author_cannot_edit(user, article):
    comment = make_comment(article, author=user, body="First thoughts")
    Sanction.objects.create(
        user=user,
        kind=Sanction.Kind.SUSPENSION,
        reason="Attacks",
        until=timezone.now() + timedelta(days=1),
    )

    response = as_user(user).post(edit_url(comment), {"body": "New words while suspended"})

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "First thoughts"


def test_edit_after_the_discussion_closed_is_403(user, article):
    comment = make_comment(article, author=user, body="First thoughts")
    article.comments_open = False
    article.save()

    response = as_user(user).post(edit_url(comment), {"body": "Last word after closing"})

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "First thoughts"


@pytest.mark.parametrize("status", [Status.REMOVED, Status.SPAM, Status.DELETED])
def test_edit_of_a_removed_or_deleted_comment_is_403(user, article, status):
    comment = make_comment(article, author=user, body="First thoughts")
    set_comment_status(comment, status)

    response = as_user(user).post(edit_url(comment), {"body": "Back from the dead"})

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "First thoughts"


def test_edit_service_refuses_after_the_window(user, article):
    comment = make_comment(article, author=user)
    age(comment, timedelta(minutes=16))

    with pytest.raises(ModerationError) as caught:
        comment_edit(comment=comment, user=user, body="Too late")

    assert caught.value.status == 403


def test_edit_bumps_the_cached_discussion(user, client, article):
    comment = make_comment(article, author=user, body="First thoughts")
    client.get(article.get_absolute_url())  # fills the cache

    comment_edit(comment=comment, user=user, body="Second thoughts")

    assert "Second thoughts" in client.get(article.get_absolute_url()).content.decode()


# Deleting -------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(user, article):
    comment = make_comment(article, author=user, body="Regrettable words")

    response = as_user(user).get(delete_url(comment))

    assert response.status_code == 200
    doc = parse_html(response.content)
    assert doc.find("form", method="post", action=delete_url(comment)) is not None
    assert "Regrettable words" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Status.VISIBLE


def test_delete_soft_deletes_at_any_time(user, article):
    comment = make_comment(article, author=user, body="Regrettable words")
    age(comment, timedelta(days=400))

    response = as_user(user).post(delete_url(comment))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.DELETED
    assert comment.body == "Regrettable words"  # kept for moderators, never shown
    article.refresh_from_db()
    assert article.comment_count == 0
    page = Client().get(article.get_absolute_url())
    assert comment.pk not in thread_comments(parse_html(page.content))
    assert "Regrettable words" not in page.content.decode()


def test_deleted_comment_with_replies_leaves_a_placeholder_over_them(user, article):
    comment = make_comment(article, author=user, body="Regrettable words")
    reply = make_comment(article, parent=comment, body="A reply that stays")

    as_user(user).post(delete_url(comment))

    page = Client().get(article.get_absolute_url())
    elements = thread_comments(parse_html(page.content))
    placeholder = elements[comment.pk]
    assert "comment-placeholder" in placeholder.classes
    assert "Deleted by its author" in placeholder.text()
    assert "Regrettable words" not in page.content.decode()
    assert reply.pk in {
        int(el.attrs["id"].removeprefix("comment-"))
        for el in placeholder.find_all("article", cls="comment")
    }
    assert "A reply that stays" in elements[reply.pk].text()


def test_delete_of_a_pending_comment_is_allowed(user, article):
    comment = make_comment(article, author=user, status=Status.PENDING)

    assert as_user(user).post(delete_url(comment)).status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Status.DELETED


def test_delete_of_someone_elses_comment_is_403(user, other_user, article):
    comment = make_comment(article, author=other_user)
    client = as_user(user)

    assert client.get(delete_url(comment)).status_code == 403
    assert client.post(delete_url(comment)).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Status.VISIBLE


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_delete_redirects_to_login(article, method):
    comment = make_comment(article)

    response = getattr(Client(), method)(delete_url(comment))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert Comment.objects.get(pk=comment.pk).status == Status.VISIBLE


def test_delete_of_a_removed_comment_is_403(user, article):
    comment = make_comment(article, author=user)
    set_comment_status(comment, Status.REMOVED)

    response = as_user(user).post(delete_url(comment))

    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Status.REMOVED


def test_deleting_a_featured_comment_drops_it_from_the_picks(user, article):
    comment = make_comment(article, author=user)
    Comment.objects.filter(pk=comment.pk).update(is_featured=True, featured_at=timezone.now())

    comment_delete(comment=comment, user=user)

    comment.refresh_from_db()
    assert comment.is_featured is False
    page = parse_html(Client().get(article.get_absolute_url()).content)
    assert page.find("aside", cls="editors-picks") is None


def test_unknown_comment_edit_and_delete_are_404(user, db):
    client = as_user(user)

    assert client.get("/comments/987654321/edit/").status_code == 404
    assert client.get("/comments/987654321/delete/").status_code == 404


# Links on the article page --------------------------------------------------------------


def test_own_comments_get_edit_and_delete_links_and_others_do_not(user, other_user, article):
    mine = make_comment(article, author=user)
    theirs = make_comment(article, author=other_user)
    my_reply = make_comment(article, parent=theirs, author=user)

    page = as_user(user).get(article.get_absolute_url())

    # The thread's markup is shared; the reader's own links come as data for the page script.
    own = reader_state(page)["own"]
    assert own == {mine.pk: True, my_reply.pk: True}
    assert theirs.pk not in own
    assert edit_url(theirs) not in page.content.decode()


def test_own_comment_past_the_window_gets_delete_but_not_edit(user, article):
    comment = make_comment(article, author=user)
    age(comment, timedelta(minutes=20))

    page = as_user(user).get(article.get_absolute_url())

    assert reader_state(page)["own"] == {comment.pk: False}


@pytest.mark.parametrize("viewer", ["anonymous", "other reader"])
def test_others_see_no_edit_or_delete_links(article, viewer):
    comment = make_comment(article)
    user = make_user() if viewer == "other reader" else None

    response = as_user(user).get(article.get_absolute_url())
    content = response.content.decode()

    assert edit_url(comment) not in content
    assert delete_url(comment) not in content
    state = reader_state(response)
    assert state is None if viewer == "anonymous" else state["own"] == {}


def test_own_comment_links_show_on_the_permalink_too(user, article):
    comment = make_comment(article, author=user)

    page = parse_html(as_user(user).get(f"/comments/{comment.pk}/").content)

    actions = page.find("p", cls="own-actions")
    assert actions.find("a", href=edit_url(comment)) is not None
    assert actions.find("a", href=delete_url(comment)) is not None


@pytest.mark.parametrize("decision", ["remove", "spam"])
def test_an_edit_or_delete_of_a_comment_removed_meanwhile_changes_nothing(
    user, article, moderator, decision
):
    # The author opened the edit form (their instance says: visible, theirs, in the window);
    # a moderator removes the comment before they save.
    comment = make_comment(article, author=user, body="First thoughts")
    seen_by_author = Comment.objects.get(pk=comment.pk)
    comment_moderate(
        comment=Comment.objects.get(pk=comment.pk),
        moderator=moderator,
        action=decision,
        rule=policy_rule(1),
    )

    with pytest.raises(ModerationError) as edit:
        comment_edit(comment=seen_by_author, user=user, body="Buy crypto now")
    with pytest.raises(ModerationError) as delete:
        comment_delete(comment=seen_by_author, user=user)

    assert edit.value.code == delete.value.code == "gone"
    assert edit.value.status == 409
    comment.refresh_from_db()
    assert comment.status == ("removed" if decision == "remove" else "spam")
    assert comment.body == "First thoughts"
    assert not CommentRevision.objects.exists()
