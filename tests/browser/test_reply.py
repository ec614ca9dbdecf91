from tests.browser.conftest import log_in
from tests.factories import make_article, make_thread, make_user


def test_reader_replies_to_depth_two_comment_and_sees_it_nested_at_depth_three(page):
    article = make_article()
    chain = make_thread(article, depth=2)
    reader = make_user(username="hana", display_name="Hana")

    page.goto(article.get_absolute_url())
    assert page.locator(f"#comment-{chain[2].pk}[data-depth='2']").is_visible()

    log_in(page, reader.username)
    page.goto(article.get_absolute_url())
    page.click(f"#comment-{chain[2].pk} .reply-link")
    reply_box = page.locator(f"#comment-{chain[2].pk} form.comment-form textarea[name=body]")
    reply_box.fill("지하철 조용한 칸 좋네요 — 安静车厢 👍")
    with page.expect_navigation():
        page.locator(f"#comment-{chain[2].pk} form.comment-form button[type=submit]").click()

    reply = page.locator(f"#comment-{chain[2].pk} article.comment[data-depth='3']")
    assert reply.count() == 1
    assert "지하철 조용한 칸 좋네요 — 安静车厢 👍" in reply.inner_text()
    assert "Hana" in reply.locator("[itemprop=author]").inner_text()
    assert page.url.endswith("#" + reply.get_attribute("id"))
