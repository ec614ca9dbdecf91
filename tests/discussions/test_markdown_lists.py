"""The comment markdown subset's lists and code: "- " / "* " bullets, "1. " numbers, `code`
and ``` fenced blocks, with everything else of the subset as it was."""

import pytest

from core.text import render_comment, sanitize_comment_html
from tests.factories import parse_html

UGC_REL = {"nofollow", "ugc", "noopener", "noreferrer"}
SUBSET = {"p", "br", "em", "strong", "a", "blockquote", "ul", "ol", "li", "code", "pre"}


def tags(html: str) -> set[str]:
    return {el.tag for el in parse_html(html).iter()}


def items(html: str, list_tag: str) -> list[str]:
    return [li.text().strip() for li in parse_html(html).find(list_tag).find_all("li")]


@pytest.mark.parametrize("marker", ["-", "*"])
def test_dash_and_star_lines_make_a_bulleted_list(marker):
    html = render_comment(f"{marker} quiet cars\n{marker} louder platforms")

    assert parse_html(html).find("ol") is None
    assert items(html, "ul") == ["quiet cars", "louder platforms"]


def test_numbered_lines_make_a_numbered_list():
    html = render_comment("1. board\n2. sit\n3. be quiet")

    assert parse_html(html).find("ul") is None
    assert items(html, "ol") == ["board", "sit", "be quiet"]
    assert "start" not in parse_html(html).find("ol").attrs


def test_a_numbered_list_keeps_the_number_it_starts_at():
    ol = parse_html(render_comment("3. third\n4. fourth")).find("ol")

    assert ol.attrs["start"] == "3"


def test_a_list_after_a_paragraph_and_before_another():
    doc = parse_html(render_comment("Two wishes:\n- silence\n- seats\n\nThat is all."))

    assert [p.text() for p in doc.find_all("p")] == ["Two wishes:", "That is all."]
    assert [li.text() for li in doc.find_all("li")] == ["silence", "seats"]


def test_list_items_keep_the_inline_subset():
    doc = parse_html(render_comment("- *quiet* and **calm**\n- [map](https://example.org/m)"))

    first, second = doc.find_all("li")
    assert first.find("em").text() == "quiet"
    assert first.find("strong").text() == "calm"
    link = second.find("a")
    assert link.attrs["href"] == "https://example.org/m"
    assert set(link.attrs["rel"].split()) == UGC_REL


def test_nested_lists():
    doc = parse_html(render_comment("- lines\n  - line 2\n  - line 9\n- buses"))

    outer = doc.find("ul")
    inner = outer.find("li").find("ul")
    assert [li.text() for li in inner.find_all("li")] == ["line 2", "line 9"]


def test_a_dash_without_a_space_or_inside_a_line_is_text():
    html = render_comment("-- Kim\nThe 2-3 trains\nnot - a list")

    assert "ul" not in tags(html) and "li" not in tags(html)
    assert "-- Kim" in html and "not - a list" in html


def test_backticks_make_inline_code():
    doc = parse_html(render_comment("Type `quiet --now` to start"))

    assert doc.find("code").text() == "quiet --now"
    assert doc.find("p").text() == "Type quiet --now to start"


def test_double_backticks_hold_a_backtick():
    assert parse_html(render_comment("``a`b``")).find("code").text() == "a`b"


def test_code_keeps_markdown_characters_as_written():
    code = parse_html(render_comment("`*not emphasis* [not](https://a.example) > no`")).find("code")

    assert code.text() == "*not emphasis* [not](https://a.example) > no"
    assert code.find("em") is None and code.find("a") is None


def test_a_lone_backtick_is_text():
    assert render_comment("it`s fine") == "<p>it`s fine</p>"


def test_fenced_code_is_a_block_and_keeps_its_lines():
    doc = parse_html(render_comment("Try:\n\n```python\nfor car in train:\n    hush(car)\n```"))

    pre = doc.find("pre")
    assert pre.find("code").text() == "for car in train:\n    hush(car)\n"
    assert "class" not in pre.find("code").attrs  # the language name is dropped


def test_indented_lines_stay_text_not_code():
    assert "pre" not in tags(render_comment("A poem:\n\n    quiet\n    cars"))


# Hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "`<script>alert(1)</script>`",
        "`<img src=x onerror=alert(1)>`",
        "```\n<script>alert(1)</script>\n```",
        "`</code><script>alert(1)</script>`",
        '`"><svg onload=alert(1)>`',
    ],
)
def test_html_inside_code_is_escaped_text(body):
    html = render_comment(body)

    assert tags(html) <= SUBSET
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    code = parse_html(html).find("code")
    assert "alert(1)" in code.text()
    assert not any(name.startswith("on") for el in parse_html(html).iter() for name in el.attrs)


@pytest.mark.parametrize(
    "body",
    [
        "- [click](javascript:alert(1))",
        "* [click](JaVaScRiPt:alert(1))",
        "1. [click](data:text/html;base64,PHNjcmlwdD4=)",
        "- <javascript:alert(1)>",
        "- `[click](javascript:alert(1))`",
        "1. [click](vbscript:msgbox(1))\n2. [ok](https://example.org/)",
    ],
)
def test_links_with_other_schemes_inside_lists_are_inert(body):
    html = render_comment(body)

    hrefs = [el.attrs["href"] for el in parse_html(html).find_all("a", href=None)]
    assert all(href.startswith(("http://", "https://", "mailto:")) for href in hrefs)
    assert "li" in tags(html)


@pytest.mark.parametrize(
    "body",
    [
        "- <script>alert(1)</script>",
        '1. <a href="javascript:alert(1)">x</a>',
        '- <ol start="1" onclick="alert(1)"><li>x</li></ol>',
        "* <style>body{display:none}</style>",
    ],
)
def test_raw_html_inside_lists_is_inert(body):
    html = render_comment(body)

    assert tags(html) <= SUBSET
    assert "<script" not in html and "<style" not in html
    assert not any(name.startswith("on") for el in parse_html(html).iter() for name in el.attrs)
    assert all("javascript" not in a.attrs.get("href", "") for a in parse_html(html).find_all("a"))


def test_imported_list_and_code_html_keeps_only_the_subset():
    html = sanitize_comment_html(
        '<ul class="x" onclick="alert(1)"><li style="color:red">one</li></ul>'
        '<ol start="2" reversed type="a"><li>two</li></ol>'
        '<pre class="language-js"><code onmouseover="alert(1)">x</code></pre>'
    )

    doc = parse_html(html)
    assert tags(html) <= SUBSET
    assert doc.find("ul").attrs == {}
    assert doc.find("li").attrs == {}
    assert doc.find("ol").attrs == {"start": "2"}
    assert doc.find("pre").attrs == {} and doc.find("code").attrs == {}


def test_headings_images_tables_and_rules_are_still_not_in_the_subset():
    html = render_comment(
        "# Big\n\n![p](https://tracker.example/p.gif)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---"
    )

    # ![p](…) was and stays "!" and a link: images are not in the subset.
    assert tags(html) <= {"p", "br", "a"}
