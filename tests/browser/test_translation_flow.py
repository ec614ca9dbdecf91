"""The translation issue's "done when", in a browser: a reader opens a Chinese-source
article, reads 内卷's definition by keyboard focus, toggles a Weibo comment's original,
replies quoting it, and reports a mistranslated sentence; an editor accepts the report and
corrects the article; the correction shows on the article and on /corrections/, and the
reporter has a notification."""

from django.utils import timezone

from articles.models import Article
from tests.browser.conftest import log_in
from tests.factories import make_article, make_source_comment, make_user
from tests.glossary.helpers import make_term
from tests.translations.helpers import make_editor

MISTRANSLATED = "Young people call it running in place."


def test_read_toggle_quote_report_then_an_editor_corrects(page, browser, live_server):
    make_term(definition="Competition that exhausts everyone and rewards nobody.")
    article = make_article(
        title="Graduates weigh civil service exams",
        source_language=Article.Language.CHINESE,
        body=f"<p>The word of the year is 内卷 again. {MISTRANSLATED}</p>"
        "<p>Some say 内卷 is simply the market.</p>",
        published_at=timezone.now(),
    )
    weibo = make_source_comment(
        article,
        platform="weibo",
        text="Everyone is exhausted and nobody wins.",
        original_text="大家都累了，没有人赢。",
        language="zh",
    )
    reader = make_user(username="mei", display_name="Mei")

    log_in(page, reader.username)
    page.goto(article.get_absolute_url())

    # The first use of 内卷 is linked; its definition shows on keyboard focus.
    terms = page.locator(".story-body a.term")
    assert terms.count() == 1
    terms.first.focus()
    tip = page.locator("#term-tooltip[role=tooltip]")
    tip.wait_for(state="visible")
    assert "exhausts everyone" in tip.inner_text()
    assert terms.first.get_attribute("aria-describedby") == "term-tooltip"
    page.keyboard.press("Escape")

    # The Weibo comment's original, behind its toggle.
    source = page.locator(f"#source-comment-{weibo.pk}")
    toggle = source.locator("button.original-toggle")
    original = source.locator("p.original")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not original.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert original.is_visible()
    assert original.get_attribute("lang") == "zh"

    # Reply quoting it.
    source.locator("a.source-reply").click()
    quote = page.locator("#comment-form .form-quote")
    quote.wait_for(state="visible")
    assert "Everyone is exhausted" in quote.inner_text()
    page.fill("#comment-form textarea[name=body]", "Same here in Chengdu.")
    with page.expect_navigation():
        page.locator("#comment-form button[type=submit]").click()
    reply = page.locator("article.comment", has_text="Same here in Chengdu.")
    assert "Everyone is exhausted" in reply.locator("blockquote.comment-quote").inner_text()
    assert source.locator("details.source-replies summary").inner_text().strip() == "1 reply"

    # Report the mistranslated sentence.
    page.locator("#report-translation summary").click()
    page.fill("#report-quote", MISTRANSLATED)
    page.fill("#report-suggestion", "Young people call it involution.")
    with page.expect_navigation():
        page.locator("#report-form button[type=submit]").click()
    assert "report" in page.locator(".messages").inner_text().lower()

    # An editor accepts it and corrects the article.
    editor = make_editor(username="editor-lin")
    desk_context = browser.new_context(base_url=live_server.url)
    desk = desk_context.new_page()
    log_in(desk, editor.username)
    desk.goto("/admin/translations/translationreport/")
    desk.locator("input[name=_selected_action]").first.check()
    desk.select_option("select[name=action]", "accept_reports")
    desk.locator("button[name=index], input[name=index]").first.click()
    desk.fill("textarea[name=resolution_note]", "Fixed in the body.")
    with desk.expect_navigation():
        desk.locator("form button[type=submit], form input[type=submit]").filter(
            has_text="Accept"
        ).first.click()
    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    desk.fill("textarea[name=correction_note]", "An idiom was translated literally.")
    desk.locator("input[name=correction_reports]").first.check()
    with desk.expect_navigation():
        desk.locator("input[name=_save]").click()
    assert desk.locator(".errornote").count() == 0
    desk_context.close()

    # The article shows the correction; /corrections/ lists it; the reporter is told.
    page.goto(article.get_absolute_url())
    correction = page.locator("#corrections li.correction")
    assert "An idiom was translated literally." in correction.inner_text()
    page.goto("/corrections/")
    assert page.locator("ol.corrections-log a", has_text=article.title).count() == 1
    page.goto("/notifications/")
    assert page.locator("li.notification[data-kind=report]").count() >= 1
