from tests.factories import make_article, make_comment, make_thread, make_user


def _big_discussion():
    """Return an article with 300 comments: 70 short threads and one chain 13 deep."""
    article = make_article()
    authors = [make_user() for _ in range(6)]
    made = 0
    for i in range(70):
        root = make_comment(article, author=authors[i % 6], body=f"Top-level comment {i}")
        made += 1
        for j in range(3):
            make_comment(
                article, parent=root, author=authors[(i + j + 1) % 6], body=f"Reply {i}.{j}"
            )
            made += 1
    chain = make_thread(article, depth=12)
    made += len(chain)
    while made < 300:
        make_comment(article, parent=chain[0], author=authors[made % 6])
        made += 1
    return article, chain


def test_reader_pages_through_300_comments_with_load_more_and_continue_this_thread(page):
    article, chain = _big_discussion()
    page.goto(article.get_absolute_url() + "?sort=oldest")
    first = page.locator("article.comment").count()
    assert 0 < first <= 200

    # "Load more comments" appends the next page in place, without leaving the page.
    url = page.url
    while page.locator("a.load-more").count():
        before = page.locator("article.comment").count()
        page.click("a.load-more")
        # (wait_for_function would evaluate a string, which the page's CSP rightly forbids)
        page.locator("article.comment").nth(before).wait_for(state="attached")
        assert page.url == url
    ids = page.eval_on_selector_all("article.comment", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    # Everything but the part of the chain beyond depth 8 is now on the page.
    assert len(ids) == 300 - 4
    assert page.locator(f"#comment-{chain[9].pk}").count() == 0

    # Replies deeper than depth 8 are behind "Continue this thread".
    depth8 = page.locator(f"#comment-{chain[8].pk}")
    with page.expect_navigation():
        depth8.locator(".continue-thread a").click()
    assert f"/comments/{chain[8].pk}/" in page.url
    for depth in (9, 12):
        node = page.locator(f"#comment-{chain[depth].pk}")
        assert node.get_attribute("data-depth") == str(depth)
        assert node.is_visible()


def test_load_more_is_a_plain_link_without_javascript(browser, live_server):
    article, _chain = _big_discussion()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(article.get_absolute_url())
        first_ids = set(page.eval_on_selector_all("article.comment", "els => els.map(e => e.id)"))
        with page.expect_navigation():
            page.click("a.load-more")
        assert "page=2" in page.url
        second_ids = set(page.eval_on_selector_all("article.comment", "els => els.map(e => e.id)"))
        assert second_ids and not (first_ids & second_ids)
    finally:
        context.close()
