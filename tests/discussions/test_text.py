"""Untrusted text to safe HTML: the comment markdown subset and article sanitizing."""

import pytest
from django.core.exceptions import ValidationError

from core.text import (
    normalize_body,
    render_comment,
    sanitize_article_html,
    sanitize_comment_html,
    validate_plain_text,
)
from tests.factories import parse_html

UGC_REL = {"nofollow", "ugc", "noopener", "noreferrer"}


def all_attribute_values(html: str) -> list[str]:
    return [value for el in parse_html(html).iter() for value in el.attrs.values()]


def tags(html: str) -> set[str]:
    return {el.tag for el in parse_html(html).iter()}


def test_blank_lines_make_paragraphs_and_single_newlines_breaks():
    doc = parse_html(render_comment("First paragraph\nsame one\n\nSecond paragraph"))

    paragraphs = doc.find_all("p")
    assert [p.text().strip() for p in paragraphs] == [
        "First paragraph\nsame one",
        "Second paragraph",
    ]
    assert paragraphs[0].find("br") is not None


def test_emphasis_and_strong_are_rendered():
    doc = parse_html(render_comment("*quiet* and **very** quiet"))

    assert doc.find("em").text() == "quiet"
    assert doc.find("strong").text() == "very"


def test_quotes_are_rendered_as_blockquotes():
    doc = parse_html(render_comment("> They said it would never work.\n\nIt did."))

    quote = doc.find("blockquote")
    assert quote.text().strip() == "They said it would never work."
    assert "It did." not in quote.text()


@pytest.mark.parametrize(
    ("body", "href"),
    [
        ("[the survey](https://example.org/survey?q=1)", "https://example.org/survey?q=1"),
        ("[old site](http://example.org/)", "http://example.org/"),
        ("<https://example.org/auto>", "https://example.org/auto"),
        ("[write us](mailto:desk@example.org)", "mailto:desk@example.org"),
    ],
)
def test_links_keep_allowed_schemes_and_get_ugc_rel(body, href):
    link = parse_html(render_comment(body)).find("a")

    assert link.attrs["href"] == href
    assert set(link.attrs["rel"].split()) == UGC_REL


def test_link_title_cannot_smuggle_a_rel():
    link = parse_html(render_comment('[x](https://example.org "t")')).find("a")

    assert set(link.attrs["rel"].split()) == UGC_REL


@pytest.mark.parametrize(
    "body",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "[click](ftp://example.org/file)",
        "[click](file:///etc/passwd)",
        "<javascript:alert(1)>",
    ],
)
def test_links_with_other_schemes_are_inert(body):
    html = render_comment(body)

    hrefs = [el.attrs["href"] for el in parse_html(html).find_all("a", href=None)]
    allowed = ("http://", "https://", "mailto:")
    assert all(href.startswith(allowed) for href in hrefs)
    assert "click" in html or "javascript" in html  # the text itself survives, inert


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "<iframe src=https://evil.example></iframe>",
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "<style>body{display:none}</style>",
        '<p onmouseover="alert(1)">hover</p>',
    ],
)
def test_raw_html_is_inert(body):
    html = render_comment(body)

    assert tags(html) <= {"p", "br", "em", "strong", "a", "blockquote"}
    assert not any(name.startswith("on") for el in parse_html(html).iter() for name in el.attrs)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html


def test_markdown_images_and_headings_are_not_part_of_the_subset():
    html = render_comment("# Shouting\n\n![pixel](https://tracker.example/p.gif)")

    assert tags(html) <= {"p", "br", "em", "strong", "a", "blockquote"}


def test_imported_comment_html_is_reduced_to_the_subset():
    html = sanitize_comment_html(
        '<p>Hi <a href="javascript:alert(1)">x</a> <b>bold</b>'
        '<a href="https://example.org">y</a><script>alert(2)</script></p>'
    )

    doc = parse_html(html)
    assert "alert(2)" not in html
    assert [a.attrs["href"] for a in doc.find_all("a", href=None)] == ["https://example.org"]
    assert set(doc.find("a", href="https://example.org").attrs["rel"].split()) == UGC_REL
    assert "b" not in tags(html)


def test_article_html_keeps_images_and_captions_and_drops_scripts():
    html = sanitize_article_html(
        "<p onclick=\"alert(1)\">Intro</p><script>alert('x')</script>"
        '<figure><img src="https://example.org/a.jpg" alt="Platform" onerror="alert(1)">'
        "<figcaption>Line 2 at rush hour</figcaption></figure>"
        '<a href="javascript:alert(1)">bad</a><iframe src="https://evil.example"></iframe>'
    )

    doc = parse_html(html)
    assert doc.find("script") is None and doc.find("iframe") is None
    assert "alert('x')" not in html
    assert not any(name.startswith("on") for el in doc.iter() for name in el.attrs)
    assert doc.find("img").attrs["src"] == "https://example.org/a.jpg"
    assert doc.find("img").attrs["alt"] == "Platform"
    assert doc.find("figure").find("figcaption").text() == "Line 2 at rush hour"
    assert all("javascript" not in value for value in all_attribute_values(html))


def test_article_images_are_lazy_and_async_whatever_the_source_says():
    source = (
        '<img src="https://example.org/a.jpg" alt="A">'
        '<img src="https://example.org/b.jpg" loading="eager" decoding="sync" alt="B">'
        '<img src="https://example.org/c.jpg" loading="lazy" decoding="async" alt="C">'
        '<p loading="lazy" decoding="async">text</p>'
    )
    html = sanitize_article_html(source)

    doc = parse_html(html)
    images = doc.find_all("img")
    assert [img.attrs["alt"] for img in images] == ["A", "B", "C"]
    assert all(img.attrs["loading"] == "lazy" for img in images)
    assert all(img.attrs["decoding"] == "async" for img in images)
    assert html.count("loading=") == 3  # only on images, and never doubled
    assert '<img src="https://example.org/a.jpg" alt="A" loading="lazy" decoding="async">' in html


def test_article_html_is_the_same_on_every_save():
    source = '<figure><img src="https://example.org/a.jpg" alt="A"></figure><p>Text</p>'

    outputs = {sanitize_article_html(source) for _ in range(50)}

    assert len(outputs) == 1  # attributes always in one order
    (html,) = outputs
    assert sanitize_article_html(html) == html


@pytest.mark.parametrize(
    "value",
    ["a\x00b", "\x07", "bell\x1b[0m", "x\x7f", "x\x85", "lone \ud800 surrogate", "\x0c"],
)
def test_control_characters_are_rejected_with_a_code(value):
    with pytest.raises(ValidationError) as rejected:
        validate_plain_text(value)

    assert rejected.value.code == "control_characters"


@pytest.mark.parametrize(
    "value", ["tab\there", "line\nbreak", "crlf\r\nend", "서울 🚇 北京", "", "naïve café"]
)
def test_ordinary_text_passes_validation(value):
    assert validate_plain_text(value) is None


def test_normalize_body_makes_line_ends_plain_and_trims():
    assert normalize_body("\r\n  one\r\ntwo\rthree  \n\n") == "one\ntwo\nthree"


def test_normalize_body_keeps_hangul_and_emoji_as_written():
    text = "조용한 칸 👨\u200d👩\u200d👧 安静"

    assert normalize_body(text) == text
