"""Turn an imported comment's HTML into our own source format, the subset render_comment reads.

Paragraphs, line breaks, emphasis, strong (also <i> and <b>), links with an allowed scheme,
blockquotes, lists, inline code and <pre> blocks are kept; an image with an allowed scheme
becomes a link to it named by its alt text; a link with another scheme (javascript:, data:, a
relative one) keeps its words and loses its target. Every other element is dropped, and its
text kept, except the elements whose content is not text a reader wrote (script, style,
iframe …), which go whole — unless one never closes: WordPress strips a commenter's tags it
does not allow and shows what follows, so the text after an unclosed <iframe> stays (an
unclosed <script> or <style> still takes the rest with it). Text is escaped for our markdown,
so "*", "[x](y)" or "<b>" written as text stay text.
"""

import re
import unicodedata
from html.parser import HTMLParser

from core.text import ALLOWED_URL_SCHEMES, normalize_body, without_control_characters

# Elements dropped with everything inside them.
DROPPED = {
    "script", "style", "iframe", "noscript", "template", "object", "svg", "math", "textarea",
    "select", "head", "title",
}  # fmt: skip
# Of those, the ones whose unclosed start takes the rest of the comment with it.
DROPPED_UNCLOSED = {"script", "style"}
# Elements that end the paragraph before them and start a new one after them.
BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "table", "tr", "td", "th",
    "hr", "section", "article", "aside", "header", "footer", "nav", "figure", "figcaption",
    "address", "details", "summary", "form", "fieldset",
}  # fmt: skip
MARKS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
LISTS = {"ul", "ol"}
# The largest number an ordered list of our markdown starts at (nine digits).
MAX_LIST_START = 999_999_999
# How many unclosed dropped elements are let go of before the rest stays dropped.
MAX_REOPENED = 50

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
_BACKTICKS = re.compile(r"`+")

# Emphasis beside a word only opens or closes when its inner edge is not punctuation: in
# CommonMark "**Update:**Text" stays literal. Punctuation at an emphasis' edge is noted between
# these noncharacters (which no text keeps) and moved outside its marks, once a paragraph is
# whole, where a word stands on that side.
_LEAD, _LEAD_END, _TRAIL, _TRAIL_END = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
_NONCHARACTERS = str.maketrans(dict.fromkeys(map(ord, _LEAD + _LEAD_END + _TRAIL + _TRAIL_END)))
_LEADING = re.compile(f"{_LEAD}(\\*+){_LEAD_END}([^{_LEAD_END}]*){_LEAD_END}")
_TRAILING = re.compile(f"{_TRAIL}([^{_TRAIL_END}]*){_TRAIL_END}(\\*+){_TRAIL_END}")
# Punctuation our own syntax writes, never moved: an escaped character, a nested mark, a link.
_SYNTAX = frozenset("*_\\`[]()<>~")


def _is_punctuation(char: str) -> bool:
    return char not in _SYNTAX and unicodedata.category(char)[0] in "PS"


def html_to_source(html: str) -> str:
    """Return the HTML of an imported comment written in our own source format, without the
    control characters XML lets through (U+0080-U+009F) and no form would take."""
    for _attempt in range(MAX_REOPENED + 1):
        converter = _Converter(html)
        converter.feed(html)
        converter.close()
        unclosed = converter.unclosed_start
        if unclosed is None or _attempt == MAX_REOPENED:
            break
        # As WordPress shows it: the unclosed start tag stripped, what follows it kept.
        html = html[: unclosed[0]] + html[unclosed[1] :]
    return without_control_characters(converter.source())


def escape_text(text: str) -> str:
    """Return text with a backslash before every character our markdown would read."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _NUMBERED.sub(r"\1\\\2", _BULLET.sub(r"\1\\\2", text))


def link_target(href: str | None) -> str | None:
    """Return href ready for a markdown link, or None when its scheme is not allowed."""
    url = _URL_IGNORED.sub("", (href or "").translate(_NONCHARACTERS))
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in ALLOWED_URL_SCHEMES:
        return None
    return url.translate(_URL_UNSAFE)


def _code_span(text: str) -> str:
    """Return text as an inline code span: fenced by more backticks than it holds in a row,
    padded when it starts or ends with one (or with a space at both ends, which a span drops)."""
    if not text.strip(" "):
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " "):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def _code_block(text: str) -> str:
    """Return a <pre>'s text as a fenced code block ("" for one with no text)."""
    text = text.removeprefix("\n").rstrip()
    if not text.strip():
        return ""
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence}\n{text}\n{fence}"


def _resolve_edges(text: str) -> str:
    """Put each emphasis' edge punctuation (noted by close_inline) inside its marks, or
    outside them where a word stands beside: the marks then open and close."""

    def leading(match: re.Match) -> str:
        before = match.string[match.start() - 1] if match.start() else ""
        mark, punctuation = match.groups()
        return punctuation + mark if before.isalnum() else mark + punctuation

    def trailing(match: re.Match) -> str:
        after = match.string[match.end() : match.end() + 1]
        punctuation, mark = match.groups()
        return mark + punctuation if after.isalnum() else punctuation + mark

    return _TRAILING.sub(trailing, _LEADING.sub(leading, text))


class _Container:
    """A block holding blocks: the document, a blockquote, a list or one of its items."""

    __slots__ = ("kind", "blocks", "ordered", "number", "implicit")

    def __init__(self, kind: str, *, ordered=False, number=1, implicit=False):
        self.kind = kind
        self.blocks: list[str] = []
        self.ordered = ordered
        self.number = number
        self.implicit = implicit  # a list no <ul> or <ol> opened, around a stray <li>

    def marker(self) -> str:
        """Return the marker of this list's next item."""
        if not self.ordered:
            return "- "
        marker = f"{self.number}. "
        self.number = min(self.number + 1, MAX_LIST_START)
        return marker


class _Converter(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        # Where each line of the input starts, to turn the parser's (line, column) into offsets.
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.skipping = ("", 0)  # the dropped element we are inside, and how deeply
        # (start, end) offsets of the start tag of the dropped element still open, if any.
        self.skip_tag: tuple[int, int] | None = None
        self.unclosed_start: tuple[int, int] | None = None
        self.pre: list[str] | None = None  # the text of the <pre> being read
        self.pre_depth = 0
        # The blocks being written: the document, then each blockquote, list and list item
        # still open inside it.
        self.containers = [_Container("document")]
        # The paragraph being written: the open inline elements as (tag, mark, parts), the
        # paragraph itself at the bottom. A mark is "*", "**", "`", a link's target, or "" for
        # an element that adds nothing (a link without a target, <em> inside <em>).
        self.inline: list[tuple[str, str, list[str]]] = [("", "", [])]

    # The parser -------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        dropped, depth = self.skipping
        if depth:
            if tag == dropped:
                self.skipping = (dropped, depth + 1)
        elif tag in DROPPED:
            self.skipping = (tag, 1)
            line, column = self.getpos()
            start = self.line_starts[line - 1] + column
            self.skip_tag = (start, start + len(self.get_starttag_text() or ""))
        elif self.pre is not None:
            if tag == "pre":
                self.pre_depth += 1
            elif tag == "br":
                self.pre.append("\n")
        elif tag == "pre":
            self.end_paragraph()
            self.pre, self.pre_depth = [], 1
        elif self.inline[-1][0] == "code":
            if tag == "br":
                self.inline[-1][2].append(" ")
        elif tag == "br":
            self.inline[-1][2].append("\n")
        elif tag == "blockquote":
            self.end_paragraph()
            self.containers.append(_Container("quote"))
        elif tag in LISTS:
            self.end_paragraph()
            self.containers.append(
                _Container("list", ordered=tag == "ol", number=_list_start(dict(attrs)))
            )
        elif tag == "li":
            self.end_paragraph()
            if self.containers[-1].kind == "item":
                self.close_container()
            if self.containers[-1].kind != "list":
                self.containers.append(_Container("list", implicit=True))
            self.containers.append(_Container("item"))
        elif tag in BLOCKS:
            self.end_paragraph()
        elif tag in MARKS:
            mark = MARKS[tag]
            self.inline.append((tag, "" if self.is_open(mark) else mark, []))
        elif tag == "code":
            self.inline.append((tag, "`", []))
        elif tag == "a":
            target = None if self.is_open("a") else link_target(dict(attrs).get("href"))
            self.inline.append((tag, target or "", []))
        elif tag == "img":
            self.image(dict(attrs))

    # A "/>" on an element that is not void means nothing to a browser: <script/> opens one.
    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        dropped, depth = self.skipping
        if depth:
            if tag == dropped:
                self.skipping = (dropped, depth - 1)
                if depth == 1:
                    self.skip_tag = None
        elif self.pre is not None:
            if tag == "pre":
                self.pre_depth -= 1
                if not self.pre_depth:
                    self.end_pre()
        elif tag == "blockquote":
            self.close_down_to("quote")
        elif tag in LISTS:
            self.close_down_to("list")
        elif tag == "li":
            self.close_down_to("item", within="list")
        elif tag in BLOCKS:
            self.end_paragraph()
        elif tag in MARKS or tag in ("a", "code"):
            open_tags = [frame[0] for frame in self.inline]
            if tag in open_tags[1:]:
                start = len(open_tags) - 1 - open_tags[::-1].index(tag)
                while len(self.inline) > start:
                    self.close_inline()

    def handle_data(self, data):
        if self.skipping[1]:
            return
        data = data.translate(_NONCHARACTERS)
        if self.pre is not None:
            self.pre.append(data)
        elif self.inline[-1][0] == "code":
            self.inline[-1][2].append(_SPACE.sub(" ", data))
        else:
            self.inline[-1][2].append(escape_text(_SPACE.sub(" ", data)))

    def close(self):
        super().close()
        if self.skipping[1] and self.skipping[0] not in DROPPED_UNCLOSED:
            self.unclosed_start = self.skip_tag

    # Inline elements ----------------------------------------------------------------------

    def is_open(self, mark_or_tag: str) -> bool:
        if mark_or_tag == "a":
            return any(tag == "a" for tag, _mark, _parts in self.inline)
        return any(mark == mark_or_tag for _tag, mark, _parts in self.inline)

    def image(self, attrs: dict) -> None:
        """An image: a link to it named by its alt text (its address when it has none); its
        alt text alone inside a link; nothing when its address has another scheme."""
        alt = escape_text(_SPACE.sub(" ", (attrs.get("alt") or "").translate(_NONCHARACTERS)))
        alt = alt.strip()
        if self.is_open("a"):
            self.inline[-1][2].append(alt)
            return
        target = link_target(attrs.get("src"))
        if target is not None:
            self.inline[-1][2].append(f"[{alt or escape_text(target)}]({target})")

    def close_inline(self) -> None:
        """Close the innermost inline element, with its white space outside its marks (a "* x*"
        is no emphasis) and nothing at all for one that holds no text."""
        tag, mark, parts = self.inline.pop()
        text = "".join(parts)
        if tag == "code":
            self.inline[-1][2].append(_code_span(text))
            return
        core = text.strip(" \n")
        if core and mark:
            lead = text[: len(text) - len(text.lstrip(" \n"))]
            trail = text[len(text.rstrip(" \n")) :]
            if tag == "a":
                marked = f"[{core}]({mark})"
            else:
                marked = _emphasis(core, mark)
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
            self.add_block(_resolve_edges(text))
        self.inline.extend(still_open)

    # Blocks -------------------------------------------------------------------------------

    def end_pre(self) -> None:
        block = _code_block("".join(self.pre or ()))
        self.pre, self.pre_depth = None, 0
        if block:
            self.add_block(block)

    def add_block(self, block: str) -> None:
        """Add a finished block to the innermost container. Directly in a list (outside its
        items) it is an item of its own; after a stray <li>, the list that item made ends."""
        container = self.containers[-1]
        if container.kind != "list":
            container.blocks.append(block)
        elif container.implicit:
            self.close_container()
            self.add_block(block)
        else:
            container.blocks.append(_item(block, container.marker()))

    def close_down_to(self, kind: str, *, within: str | None = None) -> None:
        """End the paragraph, then close the innermost open container of this kind and every
        one inside it; none open (or none inside the innermost `within`): nothing more."""
        self.end_paragraph()
        for container in reversed(self.containers[1:]):
            if container.kind == kind:
                break
            if container.kind == within:
                return
        else:
            return
        while self.close_container().kind != kind:
            pass

    def close_container(self) -> _Container:
        """Close the innermost container, writing it as one block of the one around it."""
        self.end_paragraph()
        container = self.containers.pop()
        outer = self.containers[-1]
        text = ""
        if container.kind == "quote" and container.blocks:
            text = _quoted("\n\n".join(container.blocks))
        elif container.kind == "list" and container.blocks:
            loose = any("\n\n" in item for item in container.blocks)
            text = ("\n\n" if loose else "\n").join(container.blocks)
        elif container.kind == "item" and container.blocks:
            outer.blocks.append(_item("\n\n".join(container.blocks), outer.marker()))
        if text:
            self.add_block(text)
        return container

    def source(self) -> str:
        if self.pre is not None:
            self.end_pre()
        self.end_paragraph()
        while len(self.containers) > 1:
            self.close_container()
        return normalize_body("\n\n".join(self.containers[0].blocks))


def _emphasis(core: str, mark: str) -> str:
    """Return core between the marks, the punctuation at its edges noted for _resolve_edges."""
    start, end = 0, len(core)
    while start < end:
        if core[start] == "\\" and start + 1 < end:  # an escaped character: punctuation too
            start += 2
        elif _is_punctuation(core[start]):
            start += 1
        else:
            break
    while end > start:
        if end - start >= 2 and core[end - 2] == "\\":
            end -= 2
        elif _is_punctuation(core[end - 1]):
            end -= 1
        else:
            break
    if start == end:  # nothing but punctuation: nothing to move it away from
        return f"{mark}{core}{mark}"
    lead, inner, trail = core[:start], core[start:end], core[end:]
    if lead:
        lead = f"{_LEAD}{mark}{_LEAD_END}{lead}{_LEAD_END}"
    else:
        lead = mark
    if trail:
        trail = f"{_TRAIL}{trail}{_TRAIL_END}{mark}{_TRAIL_END}"
    else:
        trail = mark
    return f"{lead}{inner}{trail}"


def _list_start(attrs: dict) -> int:
    try:
        start = int(attrs.get("start") or 1)
    except ValueError:
        return 1
    return min(max(start, 0), MAX_LIST_START)


def _item(text: str, marker: str) -> str:
    """Return a list item's blocks after its marker, their later lines indented under it."""
    indent = " " * len(marker)
    lines = text.split("\n")
    rest = [f"{indent}{line}" if line else "" for line in lines[1:]]
    return "\n".join([marker + lines[0], *rest])


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))
