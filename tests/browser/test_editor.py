"""An editor writes a story in the admin's rich-text editor, under the site's CSP: a heading,
a list and a link typed into ProseMirror, a Korean source comment under a Chinese story, then
publishes; the public page shows them, the source comment with lang="ko"."""

from pathlib import Path

from articles.models import Article
from tests.articles.editors import make_editor
from tests.browser.conftest import log_in
from tests.factories import make_article, make_source_comment

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_editor_writes_a_rich_body_and_a_korean_source_comment_under_a_chinese_story(page):
    editor = make_editor(username="editor-jin", display_name="Jin the Editor")
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append((message.text, message.location))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in(page, editor.username)

    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Shenzhen opens night bus routes")
    page.select_option("#id_source_language", "zh")
    page.fill("#id_source_name", "Nanfang Daily")

    # The body: markdown-style input rules for the heading and the list, Ctrl+K for the link.
    prose = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    prose.click()
    page.keyboard.type("## Night buses")
    page.keyboard.press("Enter")
    page.keyboard.type("Twelve routes start on Monday:")
    page.keyboard.press("Enter")
    page.keyboard.type("- Route N1")
    page.keyboard.press("Enter")
    page.keyboard.type("Route N2")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("See the timetable")
    # Select "timetable" as a mouse would (ProseMirror follows the DOM selection).
    prose.locator("p", has_text="See the timetable").evaluate(
        """p => {
            const range = document.createRange();
            range.setStart(p.firstChild, "See the ".length);
            range.setEnd(p.firstChild, "See the timetable".length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    page.wait_for_timeout(100)
    page.keyboard.press("Control+k")
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.locator("input[name=href]").fill("https://example.org/timetable")
    dialog.get_by_role("button", name="Update").click()
    assert prose.locator("h2", has_text="Night buses").is_visible()
    assert prose.locator("ul > li").count() == 2
    assert prose.locator("a[href='https://example.org/timetable']").is_visible()

    # A Korean comment from Naver under the Chinese story, in the first source-comment form.
    page.select_option("#id_source_comments-0-platform", "naver")
    page.select_option("#id_source_comments-0-language", "ko")
    page.fill("#id_source_comments-0-text", "So jealous. Seoul needs this too.")
    page.fill("#id_source_comments-0-original_text", "부럽다. 서울도 필요해")
    page.select_option("#id_status", "published")

    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "editor.png"
    shot.unlink(missing_ok=True)
    page.locator("#article_form").screenshot(path=str(shot), animations="disabled")
    assert shot.stat().st_size > 10_000

    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    assert blocked == []

    # The slug was filled in from the title by the admin's own script.
    article = Article.objects.get(slug="shenzhen-opens-night-bus-routes")
    assert article.history.get().history_user == editor
    page.context.clear_cookies()
    page.goto(article.get_absolute_url())
    body = page.locator("[itemprop=articleBody]")
    assert body.locator("h2", has_text="Night buses").is_visible()
    assert body.locator("ul > li").all_inner_texts() == ["Route N1", "Route N2"]
    link = body.locator("a", has_text="timetable")
    assert link.get_attribute("href") == "https://example.org/timetable"
    assert link.inner_text() == "timetable"
    original = page.locator(
        "section.source-comments[data-platform=naver] blockquote.source-comment p.original"
    )
    assert original.get_attribute("lang") == "ko"
    assert original.inner_text() == "부럽다. 서울도 필요해"


def test_editor_reorders_source_comments_with_the_move_buttons(page):
    editor = make_editor(username="editor-min")
    article = make_article(source_language=Article.Language.CHINESE)
    make_source_comment(article, platform="weibo", text="First on Weibo", position=1)
    make_source_comment(article, platform="weibo", text="Second on Weibo", position=2)
    log_in(page, editor.username)

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    second = page.locator(".source-comment-inline > .inline-related", has_text="Second on Weibo")
    second.get_by_role("button", name="Move up").click()
    assert page.locator("#id_source_comments-1-position").input_value() == "1"
    assert page.locator("#id_source_comments-0-position").input_value() == "2"
    with page.expect_navigation():
        page.locator("input[name=_save]").click()

    texts = list(article.source_comments.order_by("position").values_list("text", flat=True))
    assert texts == ["Second on Weibo", "First on Weibo"]


def test_editor_reorders_source_comments_by_dragging(page):
    editor = make_editor(username="editor-ha")
    article = make_article()
    make_source_comment(article, text="First on Naver", position=1)
    make_source_comment(article, text="Second on Naver", position=2)
    log_in(page, editor.username)

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    cards = page.locator(".source-comment-inline > .inline-related")
    # Both cards in view at once, so the pointer moves between them without scrolling.
    page.set_viewport_size({"width": 1280, "height": 2400})
    cards.nth(1).locator(".sortable-handle").drag_to(
        cards.nth(0).locator("h3"), target_position={"x": 5, "y": 2}
    )

    assert cards.nth(0).locator("textarea[name$='-text']").input_value() == "Second on Naver"
    assert page.locator("#id_source_comments-1-position").input_value() == "1"
