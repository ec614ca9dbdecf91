"""Original and translation by the reader's choice; the headline in the original script."""

import io

from tests.factories import make_article, make_source_comment, parse_html


def source_comment_of(client, article, source):
    html = client.get(article.get_absolute_url()).content
    return parse_html(html).find("blockquote", id=f"source-comment-{source.pk}")


def test_translation_comes_first_and_the_original_keeps_its_own_lang(client, db):
    article = make_article(source_language="zh")
    source = make_source_comment(
        article, platform="naver", text="So jealous.", original_text="부럽다 진짜", language="ko"
    )

    element = source_comment_of(client, article, source)

    paragraphs = element.find_all("p")
    assert paragraphs[0].text() == "So jealous."
    original = element.find("p", cls="original")
    assert original.attrs["lang"] == "ko"
    assert original.text() == "부럽다 진짜"
    assert "hidden" not in original.attrs  # reachable without JavaScript


def test_the_toggle_is_a_button_that_controls_the_original(client, article):
    source = make_source_comment(article, text="Finally.", original_text="드디어")

    element = source_comment_of(client, article, source)

    button = element.find("button", cls="original-toggle")
    original = element.find("p", cls="original")
    assert button.attrs["type"] == "button"
    assert button.attrs["aria-controls"] == original.attrs["id"]
    assert button.attrs["aria-expanded"] == "true"  # as the page is without JavaScript
    assert button.attrs["data-show-label"] == "Show original"
    assert button.attrs["data-hide-label"] == "Hide original"
    # Without JavaScript there is nothing to toggle: the script shows the button.
    assert "hidden" in button.attrs


def test_ids_of_originals_are_unique_on_the_page(client, article):
    for n in range(3):
        make_source_comment(article, text=f"Text {n}", original_text=f"원문 {n}")

    doc = parse_html(client.get(article.get_absolute_url()).content)

    ids = [el.attrs["aria-controls"] for el in doc.find_all("button", cls="original-toggle")]
    assert len(set(ids)) == 3
    assert all(doc.find(id=pk) is not None for pk in ids)


def test_a_source_comment_without_original_has_no_toggle(client, article):
    source = make_source_comment(article, text="Only a translation.", original_text="")

    element = source_comment_of(client, article, source)

    assert element.find("button", cls="original-toggle") is None


def test_the_anonymous_page_sets_no_cookie_for_the_choice(client, article):
    make_source_comment(article, original_text="드디어")

    response = client.get(article.get_absolute_url())

    assert not response.cookies


def test_the_header_shows_the_original_headline_in_the_source_language(client, db):
    article = make_article(
        title="Hangzhou noodle shop adds a fee",
        original_title="杭州面馆收空调费",
        source_language="zh",
    )

    header = parse_html(client.get(article.get_absolute_url()).content).find(
        "header", cls="story-header"
    )

    original = header.find("p", cls="original-title").find("span", lang="zh")
    assert original.text() == "杭州面馆收空调费"
    assert header.find("h1").text() == "Hangzhou noodle shop adds a fee"
    assert header.find("p", cls="source").find("a").attrs["href"] == article.source_url


def test_no_original_headline_no_element(client, article):
    header = parse_html(client.get(article.get_absolute_url()).content).find(
        "header", cls="story-header"
    )

    assert header.find("p", cls="original-title") is None


def test_the_original_headline_is_escaped(client, db):
    article = make_article(original_title="<b>굵게</b>")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<b>굵게</b>" not in html
    assert "&lt;b&gt;굵게&lt;/b&gt;" in html


def test_every_demo_article_has_its_headline_in_the_original_script(client, db):
    from django.core.management import call_command

    from articles.management.commands.seed_demo import ARTICLES

    call_command("seed_demo", stdout=io.StringIO())

    for spec in ARTICLES:
        assert spec["original_title"].strip()
        html = client.get(f"/articles/{spec['slug']}/").content
        header = parse_html(html).find("header", cls="story-header")
        original = header.find("p", cls="original-title").find("span", lang=spec["source_language"])
        assert original.text() == spec["original_title"]
