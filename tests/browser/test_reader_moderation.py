"""The reader's side of moderation in the browser: no Flag on one's own comment, "Flagged"
on one already flagged, and the thanks for a flag beside the comment it is about."""

from playwright.sync_api import expect

from discussions.services import flag_create
from tests.browser.conftest import log_in
from tests.factories import (
    ensure_comment_policy,
    make_article,
    make_comment,
    make_user,
    policy_rule,
)


def test_flag_links_follow_what_the_reader_may_do_and_the_thanks_shows_beside_it(page):
    ensure_comment_policy()
    article = make_article()
    reader = make_user(username="dami")
    mine = make_comment(article, author=reader, body="My own view")
    flagged = make_comment(article, body="Already reported")
    other = make_comment(article, body="Rude words here")
    flag_create(comment=flagged, user=reader, rule=policy_rule(2))
    log_in(page, reader.username)

    page.goto(article.get_absolute_url())

    expect(page.locator(f"#comment-{mine.pk} > .comment-actions .flag-link")).to_have_count(0)
    done = page.locator(f"#comment-{flagged.pk} > .comment-actions .flag-link")
    expect(done).to_have_text("Flagged")
    expect(page.locator(f"#comment-{flagged.pk} > .comment-actions a.flag-link")).to_have_count(0)

    page.click(f"#comment-{other.pk} > .comment-actions a.flag-link")
    page.select_option("select[name=rule]", "2")  # the rule number
    with page.expect_navigation():
        page.click("form[action$='/flag/'] button[type=submit]")

    thanks = page.locator(f"#comment-{other.pk} > .message[role=status]")
    expect(thanks).to_contain_text("Thank you")
    expect(page.locator(".messages .message")).to_have_count(0)
    expect(page.locator(f"#comment-{other.pk} > .comment-actions .flag-link")).to_have_text(
        "Flagged"
    )
