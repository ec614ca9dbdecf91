"""Turn untrusted text into safe HTML, once, at write time: comments and articles alike."""

import re
import unicodedata

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

# Every link a reader writes carries these, so we pass on no ranking and no opener.
USER_LINK_REL = "nofollow ugc noopener noreferrer"
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

COMMENT_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "ul", "ol", "li", "code", "pre"}
# An ordered list keeps the number it starts at ("3. third" shows as 3.), nothing else.
COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

ARTICLE_TAGS = {
    "p", "br", "h2", "h3", "h4", "em", "strong", "b", "i", "a", "blockquote", "ul", "ol", "li",
    "figure", "figcaption", "img", "hr", "q", "cite", "small", "sup", "sub",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "title", "loading", "decoding"},
    "blockquote": {"cite", "lang"},
    "p": {"lang"},
    "q": {"lang"},
}

# Set on every article image, whatever the source says: images load as the reader scrolls to
# them and decode off the main thread, so a long article's pictures never hold up its text.
# One attribute per nh3 pass: given several at once, nh3 adds them in a random order (from a
# hash map), and a body whose markup changes on every save would look edited each time.
ARTICLE_IMG_ATTRIBUTE_PASSES = ({"img": {"loading": "lazy"}}, {"img": {"decoding": "async"}})

# C0/C1 control characters other than tab and newlines, and lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# The comment subset: paragraphs and line breaks, *emphasis*, **strong**, [links](…), <autolinks>,
# > quotes, "- " / "* " and "1. " lists, `inline code` and ``` fenced blocks. No headings,
# images, tables, rules, raw HTML or indented code (a reader's indented lines stay text).
_markdown = MarkdownIt("zero", {"breaks": True}).enable(
    ["emphasis", "link", "blockquote", "autolink", "escape", "newline", "list", "backticks",
     "fence"]
)  # fmt: skip


def has_control_characters(value: str) -> bool:
    """Return whether the text holds what no text of ours may: control characters (NUL
    among them) or lone surrogates."""
    return bool(value) and _FORBIDDEN.search(value) is not None


def without_control_characters(value: str) -> str:
    """Return the text without the characters has_control_characters finds."""
    return _FORBIDDEN.sub("", value)


def validate_plain_text(value: str) -> None:
    """Reject control characters (NUL among them) and lone surrogates."""
    if has_control_characters(value):
        raise ValidationError(
            _("Remove the control characters from this text (such as NUL)."),
            code="control_characters",
        )


def normalize_body(value: str) -> str:
    """Return the text with Windows line ends made plain and outer blank space trimmed."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def render_comment(body: str) -> str:
    """Return the sanitized HTML of a comment written in our small markdown subset."""
    return sanitize_comment_html(_markdown.render(body))


def sanitize_comment_html(html: str, *, link_classes: frozenset[str] = frozenset()) -> str:
    """Return comment HTML reduced to what our own comments may contain (link_classes: the
    classes a link may keep, such as discussions.mentions' "mention")."""
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=USER_LINK_REL,
        allowed_classes={"a": set(link_classes)} if link_classes else None,
    ).strip()


def sanitize_article_html(html: str) -> str:
    """Return article HTML with formatting, images and captions kept and the rest dropped;
    every image gets loading="lazy" decoding="async", always in that order."""
    for number, values in enumerate(ARTICLE_IMG_ATTRIBUTE_PASSES):
        if number and "<img" not in html:
            break  # the first pass has sanitized it; the next ones only touch images
        html = nh3.clean(
            html,
            tags=ARTICLE_TAGS,
            attributes=ARTICLE_ATTRIBUTES,
            set_tag_attribute_values=values,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    return html


def strip_tags_text(html: str) -> str:
    """Return the text of sanitized HTML, without any tag."""
    return nh3.clean(html, tags=set()).strip()
