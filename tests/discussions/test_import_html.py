import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from core.text import render_comment
from discussions.importers.common import comment_markup
from discussions.importers.html_source import html_to_source
from discussions.models import Comment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HOSTILE = ("<script", "onerror", "onmouseover", "onclick", "javascript:", "<iframe", "<img")


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *map(str, args), stdout=out)
    return out.getvalue()


def exported_bodies() -> list[str]:
    document = json.loads(run("export_discussions"))
    return [c["body"] for article in document["articles"] for c in article["comments"]]


def test_paragraphs_and_line_breaks_are_kept():
    source = html_to_source("<p>one<br>two</p>\n<p>three</p>")
    assert source == "one\ntwo\n\nthree"
    assert render_comment(source) == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_plain_wordpress_text_gets_its_paragraphs_from_its_blank_lines():
    assert html_to_source(comment_markup("one\ntwo\n\nthree")) == "one\ntwo\n\nthree"


def test_emphasis_and_strong_are_kept_and_b_and_i_become_them():
    html = "<p><b>a</b> <I class='x'>b</I> <em>c</em> <strong>d</strong></p>"
    source = html_to_source(html)
    assert source == "**a** *b* *c* **d**"
    assert render_comment(source) == (
        "<p><strong>a</strong> <em>b</em> <em>c</em> <strong>d</strong></p>"
    )


def test_emphasis_keeps_its_spaces_outside_and_an_empty_one_is_dropped():
    assert html_to_source("a<em> b </em>c<em></em>d<em> </em>e") == "a *b* cd e"
    assert html_to_source("<em>a<em>b</em>c</em>") == "*abc*"  # no "**" from nesting


def test_links_with_an_allowed_scheme_are_kept():
    html = (
        '<a href="https://example.org/a_(b)" title="t" onclick="x()">one</a> '
        '<a href="http://example.org">two</a> <a href="mailto:kim@example.org">mail</a>'
    )
    source = html_to_source(html)
    assert source == (
        "[one](https://example.org/a_%28b%29) [two](http://example.org) "
        "[mail](mailto:kim@example.org)"
    )
    rendered = render_comment(source)
    assert '<a href="https://example.org/a_%28b%29" rel="nofollow ugc noopener noreferrer">one' in (
        rendered
    )
    assert '<a href="mailto:kim@example.org" rel="nofollow ugc noopener noreferrer">mail' in (
        rendered
    )


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVa&#09;ScRiPt:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "/relative/to/the/old/site",
        "",
    ],
)
def test_a_link_without_an_allowed_scheme_keeps_only_its_words(href):
    assert html_to_source(f'<p>Go <a href="{href}">click</a> now</p>') == "Go click now"


def test_script_style_and_iframe_go_with_their_content():
    html = (
        "<p>a<script>alert(1)</script>b<style>p{display:none}</style>c"
        '<iframe src="https://evil.example.com"><p>fallback</p></iframe>d<script/>e</script>f</p>'
    )
    assert html_to_source(html) == "abcdf"


def test_handlers_and_images_leave_nothing_behind():
    html = '<p onclick="x()">Seagulls <img src=x onerror=alert(1)><b onmouseover="y()">here</b></p>'
    source = html_to_source(html)
    assert source == "Seagulls **here**"
    for bad in HOSTILE:
        assert bad not in render_comment(source)


def test_markdown_written_as_text_is_escaped_in_the_source():
    html = "<p>2 * 3 = 6, snake_case, [x](https://example.org) and &lt;b&gt; \\ &lt;3</p>"
    assert html_to_source(html) == (
        r"2 \* 3 = 6, snake\_case, \[x\](https://example.org) and \<b\> \\ \<3"
    )
    assert html_to_source("<p>&gt; not a quote</p>") == r"\> not a quote"


def test_markdown_written_as_text_stays_literal_text_once_rendered():
    html = "<p>2 * 3 = 6, snake_case, [x](https://example.org) and &lt;b&gt;</p>"
    assert render_comment(html_to_source(html)) == (
        "<p>2 * 3 = 6, snake_case, [x](https://example.org) and &lt;b&gt;</p>"
    )


def test_a_tilde_line_stays_text_and_the_rest_of_the_comment_with_it():
    # A signature divider of tildes would otherwise open a code block holding the rest.
    source = html_to_source(
        comment_markup("~~~~\nThanks, Kim\n\nA <a href='https://a.example'>link</a>")
    )
    assert render_comment(source) == (
        '<p>~~~~<br>\nThanks, Kim</p>\n<p>A <a href="https://a.example" '
        'rel="nofollow ugc noopener noreferrer">link</a></p>'
    )


def test_a_pre_element_does_not_cost_a_plain_comment_its_paragraphs():
    source = html_to_source(comment_markup("First\n\nSecond\n<pre>x  y</pre>"))
    assert source.split("\n\n")[:2] == ["First", "Second"]
    assert render_comment(source).startswith("<p>First</p>\n<p>Second")


def test_control_characters_xml_lets_through_are_dropped():
    assert html_to_source("<p>one\x85two\x07 three\x9f</p>") == "onetwo three"


def test_nested_blockquotes_are_kept():
    html = (
        "<blockquote><p>outer</p><blockquote><p>inner</p></blockquote>"
        "<p>outer again</p></blockquote><p>my answer</p>"
    )
    source = html_to_source(html)
    assert source == "> outer\n>\n> > inner\n>\n> outer again\n\nmy answer"
    assert render_comment(source) == (
        "<blockquote>\n<p>outer</p>\n<blockquote>\n<p>inner</p>\n</blockquote>\n"
        "<p>outer again</p>\n</blockquote>\n<p>my answer</p>"
    )


def test_our_own_rendering_converts_back_to_its_source():
    source = "Hi *there*, **all**\nof you\n\n> quoted [a link](https://example.org/x)\n\n끝 🚇"
    assert html_to_source(render_comment(source)) == source


def test_other_elements_keep_their_text_as_paragraphs():
    html = "<div>one</div><ul><li>two</li><li><h2>three</h2></li></ul><span>four</span>"
    assert html_to_source(html) == "one\n\ntwo\n\nthree\n\nfour"


def assert_bodies_are_our_source_format(words: tuple[str, ...]):
    bodies = exported_bodies()
    assert bodies
    joined = "\n".join(bodies)
    for bad in HOSTILE:
        assert bad not in joined.lower()
    for word in words:
        assert word in joined
    for comment in Comment.objects.all():
        assert comment.body_html == render_comment(comment.body)


@pytest.mark.django_db
def test_hostile_wordpress_comments_are_exported_as_safe_source_text_and_imported_once():
    hostile = FIXTURES / "wordpress_hostile.xml"
    run("import_wxr", hostile)
    assert_bodies_are_our_source_format(
        (
            "Ferry tickets are cheap\n\nand the view is lovely.",
            "Seagulls everywhere on the **upper deck**",
            "Timetable: click or tap here, the real one is "
            "[on the port site](https://ferry.example.org/times)",
            "Watch the crossing from the pier.\n\n> Best ferry in Korea\n\nI agree!",
            "Ferry & bus, one ticket — 부산 최고 🚢 free tickets",
        )
    )
    count = Comment.objects.count()
    assert count == 5
    output = run("import_wxr", hostile)
    assert Comment.objects.count() == count
    assert "already imported: 5" in output


@pytest.mark.django_db
def test_hostile_disqus_messages_are_exported_as_safe_source_text_and_imported_once():
    hostile = FIXTURES / "disqus_hostile.xml"
    run("import_disqus", hostile, "--create-missing")
    assert_bodies_are_our_source_format(
        (
            "Ferry tickets are cheap\n\nand the view is lovely.",
            "Seagulls everywhere on the **upper deck**",
            "Timetable: click, the real one is [on the port site](https://ferry.example.org/times)",
            "Watch the crossing from the pier.\n\n> Best ferry in Korea",
        )
    )
    count = Comment.objects.count()
    assert count == 4
    output = run("import_disqus", hostile, "--create-missing")
    assert Comment.objects.count() == count
    assert "already imported: 4" in output


@pytest.mark.parametrize(
    "text",
    ["- not a list", "+ not a list", "2022. That year", "1) not numbered", "a `code` word"],
)
def test_list_markers_and_backticks_written_as_text_stay_text(text):
    assert render_comment(html_to_source(f"<p>{text}</p>")) == f"<p>{text}</p>"
