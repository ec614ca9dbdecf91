"""Turn untrusted text into safe HTML, once, at write time."""

import re
import unicodedata

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

# Every link a reader writes carries these, so we pass on no ranking and no opener.
USER_LINK_REL = "nofollow ugc noopener noreferrer"
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

COMMENT_TAGS = {"p", "br", "em", "strong", "a", "blockquote"}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}}

ARTICLE_TAGS = {
    "p", "br", "h2", "h3", "h4", "em", "strong", "b", "i", "a", "blockquote", "ul", "ol", "li",
    "figure", "figcaption", "img", "hr", "q", "cite", "small", "sup", "sub",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "title"},
    "blockquote": {"cite", "lang"},
    "p": {"lang"},
    "q": {"lang"},
}

# C0/C1 control characters other than tab and newlines, and lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_markdown = (
    MarkdownIt("zero", {"breaks": True})
    .enable(["emphasis", "link", "blockquote", "autolink", "escape", "newline"])
    .disable(["text_join"], ignoreInvalid=True)
)


def validate_plain_text(value: str) -> None:
    """Reject control characters (NUL among them) and lone surrogates."""
    if value and _FORBIDDEN.search(value):
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


def sanitize_comment_html(html: str) -> str:
    """Return imported comment HTML reduced to what our own comments may contain."""
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=USER_LINK_REL,
    ).strip()


def sanitize_article_html(html: str) -> str:
    """Return article HTML with formatting, images and captions kept and the rest dropped."""
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def strip_tags_text(html: str) -> str:
    """Return the text of sanitized HTML, without any tag."""
    return nh3.clean(html, tags=set()).strip()
