"""Turn an imported comment's HTML into our own source format, the subset render_comment reads.

Paragraphs, line breaks, emphasis, strong (also <i> and <b>), links with an allowed scheme and
blockquotes are kept; a link with another scheme (javascript:, data:, a relative one) keeps its
words and loses its target. Every other element is dropped, and its text kept, except the
elements whose content is not text a reader wrote (script, style, iframe …), which go whole.
Text is escaped for our markdown, so "*", "[x](y)" or "<b>" written as text stay text.
"""

import re
from html.parser import HTMLParser

from core.text import ALLOWED_URL_SCHEMES, normalize_body, without_control_characters

# Elements dropped with everything inside them.
DROPPED = {
    "script", "style", "iframe", "noscript", "template", "object", "svg", "math", "textarea",
    "select", "head", "title",
}  # fmt: skip
# Elements that end the paragraph before them and start a new one after them.
BLOCKS = {
    "p", "div", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "tr", "td", "th", "hr", "section", "article", "aside", "header", "footer", "nav",
    "figure", "figcaption", "address", "details", "summary", "form", "fieldset",
}  # fmt: skip
MARKS = {"em": "*", "i": "*", "strong": "**", "b": "**"}

# What our markdown subset gives a meaning to ("~~~" opens a code block, as "```" does).
_SPECIAL = re.compile(r"([\\*_\[\]<>`~])")
# List markers at the start of a line ("- ", "+ ", "1. ", "1) "): escaped, they stay text.
_BULLET = re.compile(r"(?m)^([ \t]*)([-+])(?=[ \t]|$)")
_NUMBERED = re.compile(r"(?m)^([ \t]*\d{1,9})([.)])(?=[ \t]|$)")
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a no-break space is text
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# Browsers ignore these anywhere in a URL, so "java\tscript:" is javascript: to them.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_URL_UNSAFE = str.maketrans({"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"})


def html_to_source(html: str) -> str:
    """Return the HTML of an imported comment written in our own source format, without the
    control characters XML lets through (U+0080-U+009F) and no form would take."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return without_control_characters(converter.source())


def escape_text(text: str) -> str:
    """Return text with a backslash before every character our markdown would read."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _NUMBERED.sub(r"\1\\\2", _BULLET.sub(r"\1\\\2", text))


def link_target(href: str | None) -> str | None:
    """Return href ready for a markdown link, or None when its scheme is not allowed."""
    url = _URL_IGNORED.sub("", href or "")
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in ALLOWED_URL_SCHEMES:
        return None
    return url.translate(_URL_UNSAFE)


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = ("", 0)  # the dropped element we are inside, and how deeply
        self.pre = 0
        # Finished blocks of the document, then of each blockquote still open inside it.
        self.quotes: list[list[str]] = [[]]
        # The paragraph being written: the open inline elements as (tag, mark, parts), the
        # paragraph itself at the bottom. A mark is "*", "**", a link's target, or "" for an
        # element that adds nothing (a link without a target, <em> inside <em>).
        self.inline: list[tuple[str, str, list[str]]] = [("", "", [])]

    def handle_starttag(self, tag, attrs):
        dropped, depth = self.skipping
        if depth:
            if tag == dropped:
                self.skipping = (dropped, depth + 1)
        elif tag in DROPPED:
            self.skipping = (tag, 1)
        elif tag == "br":
            self.inline[-1][2].append("\n")
        elif tag == "blockquote":
            self.end_paragraph()
            self.quotes.append([])
        elif tag in BLOCKS:
            self.end_paragraph()
            if tag == "pre":
                self.pre += 1
        elif tag in MARKS:
            mark = MARKS[tag]
            self.inline.append((tag, "" if self.is_open(mark) else mark, []))
        elif tag == "a":
            target = None if self.is_open("a") else link_target(dict(attrs).get("href"))
            self.inline.append((tag, target or "", []))

    # A "/>" on an element that is not void means nothing to a browser: <script/> opens one.
    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        dropped, depth = self.skipping
        if depth:
            if tag == dropped:
                self.skipping = (dropped, depth - 1)
        elif tag == "blockquote" and len(self.quotes) > 1:
            self.end_paragraph()
            blocks = self.quotes.pop()
            if blocks:
                self.quotes[-1].append(_quoted("\n\n".join(blocks)))
        elif tag in BLOCKS:
            self.end_paragraph()
            if tag == "pre" and self.pre:
                self.pre -= 1
        elif tag in MARKS or tag == "a":
            open_tags = [frame[0] for frame in self.inline]
            if tag in open_tags[1:]:
                start = len(open_tags) - 1 - open_tags[::-1].index(tag)
                while len(self.inline) > start:
                    self.close_inline()

    def handle_data(self, data):
        if self.skipping[1]:
            return
        lines = data.split("\n") if self.pre else [data]
        self.inline[-1][2].append("\n".join(escape_text(_SPACE.sub(" ", x)) for x in lines))

    def is_open(self, mark_or_tag: str) -> bool:
        if mark_or_tag == "a":
            return any(tag == "a" for tag, _mark, _parts in self.inline)
        return any(mark == mark_or_tag for _tag, mark, _parts in self.inline)

    def close_inline(self) -> None:
        """Close the innermost inline element, with its white space outside its marks (a "* x*"
        is no emphasis) and nothing at all for one that holds no text."""
        tag, mark, parts = self.inline.pop()
        text = "".join(parts)
        core = text.strip(" \n")
        if core and mark:
            lead = text[: len(text) - len(text.lstrip(" \n"))]
            trail = text[len(text.rstrip(" \n")) :]
            marked = f"[{core}]({mark})" if tag == "a" else f"{mark}{core}{mark}"
            text = lead + marked + trail
        self.inline[-1][2].append(text)

    def end_paragraph(self) -> None:
        """Finish the paragraph being written; inline elements still open carry on after it."""
        still_open = [(tag, mark, []) for tag, mark, _parts in self.inline[1:]]
        while len(self.inline) > 1:
            self.close_inline()
        parts = self.inline[0][2]
        text = re.sub(r" *\n[ \n]*", "\n", re.sub(r" {2,}", " ", "".join(parts))).strip(" \n")
        parts.clear()
        if text:
            self.quotes[-1].append(text)
        self.inline.extend(still_open)

    def source(self) -> str:
        self.end_paragraph()
        while len(self.quotes) > 1:
            self.handle_endtag("blockquote")
        return normalize_body("\n\n".join(self.quotes[0]))


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))
