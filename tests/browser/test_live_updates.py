"""An open article page learns of new comments without a reload and shows them in place.

Playwright's clock stands in for the 20 seconds between polls: the page's timers run on it,
while the requests they make go to the live server for real.
"""

import re

from playwright.sync_api import expect

from discussions.services import vote_cast
from tests.browser.conftest import log_in
from tests.factories import make_article, make_comment, make_user

POLL_MS = 20_000


def state_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/discussion/state/" in r.url else None)
    return seen


def test_an_open_page_shows_one_new_comment_from_another_reader_in_place(
    page, browser, live_server
):
    article = make_article()
    first = make_comment(article, body="The first word")
    writer = make_user(username="min", display_name="Min")

    page.clock.install()
    page.goto(article.get_absolute_url())
    show = page.locator(".live-discussion[aria-live=polite] a.live-discussion-show")
    expect(show).to_be_hidden()
    page.evaluate("window.notReloaded = true")

    # Another reader, in a browser of their own, posts a reply.
    other = browser.new_context(base_url=live_server.url)
    try:
        theirs = other.new_page()
        log_in(theirs, writer.username)
        theirs.goto(article.get_absolute_url())
        theirs.click(f"#comment-{first.pk} .reply-link")
        theirs.fill(f"#comment-{first.pk} form.inline-reply textarea", "Late, but loud")
        with theirs.expect_navigation():
            theirs.click(f"#comment-{first.pk} form.inline-reply button[type=submit]")
    finally:
        other.close()

    page.clock.run_for(POLL_MS + 1_000)
    expect(show).to_be_visible()
    expect(show).to_have_text("1 new comment — show")

    show.click()
    reply = page.locator(f"#comment-{first.pk} article.comment[data-depth='1']")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Late, but loud")
    expect(reply).to_have_class(re.compile(r"\bis-new\b"))
    expect(reply).to_be_focused()
    expect(show).to_be_hidden()
    expect(page.locator("#discussion-title")).to_have_text("Discussion (2 comments)")
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("article.comment").count() == 2


def test_a_new_top_level_comment_joins_the_thread_and_counts_go_on_from_there(page):
    article = make_article()
    make_comment(article, body="Older")

    page.clock.install()
    page.goto(article.get_absolute_url() + "?sort=newest")
    show = page.locator("a.live-discussion-show")

    make_comment(article, body="Newest one")
    make_comment(article, body="Newer still")
    page.clock.run_for(POLL_MS + 1_000)
    expect(show).to_have_text("2 new comments — show")
    show.click()
    expect(page.locator("ol.thread > li article.comment")).to_have_count(3)
    texts = page.locator("ol.thread > li > article.comment [itemprop=text]").all_inner_texts()
    assert texts == ["Newer still", "Newest one", "Older"]

    make_comment(article, body="And one more")
    page.clock.run_for(POLL_MS + 1_000)
    expect(show).to_have_text("1 new comment — show")  # counted from what is now on screen


def poll_answered(page, milliseconds: int) -> None:
    """Move the page's clock on and wait for the poll it makes, and for the script to read it."""
    with page.expect_response(lambda r: "/discussion/state/" in r.url):
        page.clock.run_for(milliseconds)
    page.wait_for_timeout(200)


def test_an_unchanged_discussion_is_asked_less_and_less_often(page):
    article = make_article()
    make_comment(article)
    page.clock.install()
    asked = state_requests(page)
    page.goto(article.get_absolute_url())

    poll_answered(page, POLL_MS + 500)  # unchanged: the next wait is twice as long
    assert len(asked) == 1
    page.clock.run_for(POLL_MS)  # 20 s into a 40 s wait: nothing yet
    page.wait_for_timeout(300)
    assert len(asked) == 1
    poll_answered(page, POLL_MS + 500)
    assert len(asked) == 2
    assert all(re.search(r"\?seen=1$", url) for url in asked)


def test_without_a_change_no_button_shows_and_votes_do_not_count(page):
    article = make_article()
    comment = make_comment(article)
    page.clock.install()
    asked = state_requests(page)
    page.goto(article.get_absolute_url())

    vote_cast(comment=comment, user=make_user(), value=1)
    poll_answered(page, POLL_MS + 500)

    assert len(asked) == 1
    expect(page.locator("a.live-discussion-show")).to_be_hidden()


def test_a_reply_to_the_readers_comment_shows_as_new_and_in_their_unread_count(
    page, browser, live_server
):
    article = make_article()
    reader = make_user(username="ara", display_name="Ara")
    mine = make_comment(article, author=reader, body="What I think")
    writer = make_user(username="bo", display_name="Bo")

    page.clock.install()
    log_in(page, reader.username)
    page.goto(article.get_absolute_url())
    badge = page.locator("header [data-unread-count]")
    expect(badge).to_have_attribute("data-unread-count", "0")

    other = browser.new_context(base_url=live_server.url)
    try:
        theirs = other.new_page()
        log_in(theirs, writer.username)
        theirs.goto(article.get_absolute_url())
        theirs.click(f"#comment-{mine.pk} .reply-link")
        theirs.fill(f"#comment-{mine.pk} form.inline-reply textarea", "@ara I disagree")
        with theirs.expect_navigation():
            theirs.click(f"#comment-{mine.pk} form.inline-reply button[type=submit]")
    finally:
        other.close()

    page.clock.run_for(POLL_MS + 1_000)
    show = page.locator("a.live-discussion-show")
    expect(show).to_have_text("1 new comment — show")
    show.click()
    expect(page.locator(f"#comment-{mine.pk} article.comment[data-depth='1']")).to_contain_text(
        "I disagree"
    )
    expect(badge).to_have_attribute("data-unread-count", "1")
    page.click("a.notifications-link")
    expect(page.locator("li.notification[data-kind=reply][data-unread=true]")).to_have_count(1)
