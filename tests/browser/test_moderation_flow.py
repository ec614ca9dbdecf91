"""The moderation flow in a real browser: readers flag a comment citing a rule, three flags
hold it, a moderator removes it from the admin queue citing Rule 2, and the thread and the
public log show the outcome."""

from discussions.models import Comment, ModerationAction
from tests.browser.conftest import log_in
from tests.factories import (
    ensure_comment_policy,
    make_article,
    make_comment,
    make_moderator,
    make_user,
)


def sign_in_as(page, user) -> None:
    """Switch the browser to another reader (a fresh session)."""
    page.context.clear_cookies()
    log_in(page, user.username)


def flag_through_the_page(page, article, comment, *, rule: str, note: str) -> None:
    page.goto(article.get_absolute_url())
    page.locator(f"#comment-{comment.pk} > footer .flag-link").click()
    page.wait_for_url(f"**/comments/{comment.pk}/flag/")
    page.select_option("select[name=rule]", rule)
    page.fill("textarea[name=note]", note)
    with page.expect_navigation():
        page.get_by_role("button", name="Send flag").click()


def test_flags_hold_a_comment_and_a_moderator_removes_it_citing_rule_two(page):
    ensure_comment_policy()
    article = make_article(title="Night buses return to Busan")
    author = make_user(username="harsh", display_name="Harsh Critic")
    target = make_comment(article, author=author, body="Everyone here is a fool.")
    reply = make_comment(article, parent=target, body="Please keep it civil.")
    readers = [make_user(username=f"flagger{n}", display_name=f"Flagger {n}") for n in range(3)]
    moderator = make_moderator(username="mod", display_name="Min the Moderator")

    # A reader flags it through the page, citing Rule 2, and is thanked beside the comment.
    sign_in_as(page, readers[0])
    flag_through_the_page(page, article, target, rule="2", note="Insults everyone")
    assert "Thank you" in page.locator(f"#comment-{target.pk} > .message").inner_text()
    target.refresh_from_db()
    assert target.status == Comment.Status.VISIBLE

    # Two more readers flag it: it is held, and drops out of the public thread.
    for reader in readers[1:]:
        sign_in_as(page, reader)
        flag_through_the_page(page, article, target, rule="2", note="Name-calling")
    target.refresh_from_db()
    assert target.status == Comment.Status.PENDING
    page.context.clear_cookies()
    page.goto(article.get_absolute_url())
    assert "Everyone here is a fool." not in page.locator("ol.thread").inner_text()
    assert page.locator(f"#comment-{reply.pk}").is_visible()

    # The moderator removes it from the queue, citing Rule 2.
    sign_in_as(page, moderator)
    page.goto("/admin/discussions/queuedcomment/")
    row = page.locator("#result_list tbody tr", has_text="Everyone here is a fool.")
    assert "Rule 2" in row.inner_text()
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "remove")
    with page.expect_navigation():
        page.locator("button[name=index]").first.click()
    page.select_option("select[name=rule]", label="Rule 2: No personal attacks")
    page.fill("input[name=note]", "Insults other readers")
    with page.expect_navigation():
        page.locator("input[type=submit][value=Remove]").click()
    target.refresh_from_db()
    assert target.status == Comment.Status.REMOVED

    # The thread keeps the reply under a placeholder naming the rule.
    page.context.clear_cookies()
    page.goto(article.get_absolute_url())
    placeholder = page.locator(f"#comment-{target.pk}.comment-placeholder")
    assert "Removed by a moderator" in placeholder.inner_text()
    rule_link = placeholder.locator("a[href$='#rule-2']")
    assert "Rule 2" in rule_link.inner_text()
    assert placeholder.locator(f"#comment-{reply.pk}").is_visible()
    assert "Please keep it civil." in page.locator(f"#comment-{reply.pk}").inner_text()
    assert "Everyone here is a fool." not in page.content()

    # The public log lists the removal, by "a moderator" (never their name), citing Rule 2.
    page.goto("/moderation-log/")
    newest = page.locator("table.mod-log tbody tr").first
    text = newest.inner_text()
    assert "a moderator" in text
    assert "Min the Moderator" not in page.content() and "Insults other readers" not in text
    assert "removed" in text
    assert "Rule 2: No personal attacks" in text
    assert "Everyone here is a fool." not in page.content()
    assert ModerationAction.objects.filter(action="remove", comment=target).count() == 1
