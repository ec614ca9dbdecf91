"""Voting in the browser: with JavaScript the counts and pressed state change in place, with no
reload; a refused vote says why next to the buttons."""

from discussions import markup
from discussions.models import Comment, Vote
from discussions.services import vote_cast
from tests.browser.conftest import log_in
from tests.factories import make_article, make_comment, make_user

PRESSED = "(el) => el.getAttribute('aria-pressed') === '{}'"


def counts(page, comment_id: int) -> tuple[str, str]:
    form = page.locator(f"#comment-{comment_id} > .comment-actions .comment-votes")
    return (
        form.locator("[itemprop=upvoteCount]").inner_text().strip(),
        form.locator("[itemprop=downvoteCount]").inner_text().strip(),
    )


def test_votes_change_counts_and_pressed_state_in_place_without_reload(page):
    article = make_article()
    comment = make_comment(article, author=make_user(), body="Quiet cars should be on every line.")
    reader = make_user(username="minji")
    log_in(page, reader.username)
    page.goto(article.get_absolute_url())
    # A value that only survives if the page is never reloaded.
    page.evaluate("window.voteTestMarker = 'same page'")
    up = page.locator(f"#comment-{comment.pk} > .comment-actions .vote-up")
    down = page.locator(f"#comment-{comment.pk} > .comment-actions .vote-down")

    up.click()
    page.wait_for_function(PRESSED.format("true"), arg=up.element_handle())
    assert counts(page, comment.pk) == ("1", "0")
    assert Vote.objects.get(comment=comment, user=reader).value == 1

    down.click()
    page.wait_for_function(PRESSED.format("true"), arg=down.element_handle())
    assert up.get_attribute("aria-pressed") == "false"
    assert counts(page, comment.pk) == ("0", "1")

    down.click()  # the same way twice withdraws
    page.wait_for_function(PRESSED.format("false"), arg=down.element_handle())
    assert counts(page, comment.pk) == ("0", "0")
    assert not Vote.objects.filter(comment=comment, user=reader).exists()
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 0)

    assert page.evaluate("window.voteTestMarker") == "same page"


def test_a_refused_vote_shows_a_message_next_to_the_buttons(page):
    article = make_article()
    comment = make_comment(article, author=make_user(), body="This one will be removed.")
    log_in(page, make_user().username)
    page.goto(article.get_absolute_url())
    page.evaluate("window.voteTestMarker = 'same page'")
    # A moderator removes the comment while the reader still has the page open.
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.REMOVED)
    markup.refresh([comment.pk])

    page.locator(f"#comment-{comment.pk} > .comment-actions .vote-up").click()

    message = page.locator(f"#comment-{comment.pk} .vote-message[role=status]")
    message.wait_for()
    assert message.inner_text().strip()
    assert counts(page, comment.pk) == ("0", "0")
    assert not Vote.objects.filter(comment=comment).exists()
    assert page.evaluate("window.voteTestMarker") == "same page"


def test_the_readers_own_votes_and_comments_show_on_the_shared_thread(page):
    article = make_article()
    reader = make_user(username="junho")
    theirs = make_comment(article, author=make_user(), body="Quiet cars work in Tokyo.")
    vote_cast(comment=theirs, user=reader, value=-1)
    mine = make_comment(article, author=reader, body="And in Seoul, soon.")
    log_in(page, reader.username)

    page.goto(article.get_absolute_url())

    down = page.locator(f"#comment-{theirs.pk} > .comment-actions .vote-down")
    page.wait_for_function(PRESSED.format("true"), arg=down.element_handle())
    up = page.locator(f"#comment-{theirs.pk} > .comment-actions .vote-up")
    assert up.get_attribute("aria-pressed") == "false"
    edit = page.locator(f"#comment-{mine.pk} > .comment-actions a.edit-link")
    assert edit.get_attribute("href") == f"/comments/{mine.pk}/edit/"
    assert page.locator(f"#comment-{theirs.pk} > .comment-actions a.edit-link").count() == 0
