"""Turn an imported comment's HTML into our own source format, the subset render_comment reads.

Paragraphs, line breaks, emphasis, strong (also <i> and <b>), links with an allowed scheme,
blockquotes, lists, inline code and <pre> blocks are kept; an image with an allowed scheme
becomes a link to it named by its alt text; a link with another scheme (javascript:, data:, a
relative one) keeps its words and loses its target. Every other element is dropped, and its
text kept, except the elements whose content is not text a reader wrote (script, style,
iframe …), which go whole — unless one never closes: WordPress strips a commenter's tags it
does not allow and shows what follows, so the text after an unclosed <iframe> stays (an
unclosed <script> or <style> still takes the rest with it). Text is escaped for our markdown,
so "*", "[x](y)" or "<b>" written as text stay text; it is composed (NFC) and rid of control
characters before, so nothing done after escaping gives it a meaning.

Where our markdown cannot say what the HTML did, the words win: emphasis that could not open
or close beside a word loses its marks, lists and quotes nested deeper than MAX_NESTING become
plain blocks, and two lists in a row take different markers so they stay two.
"""

import re
import unicodedata
from html.parser import HTMLParser

from markdown_it.common.normalize_url import normalizeLink

from core.text import ALLOWED_URL_SCHEMES, strip_tags_text, without_control_characters

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
# How many blockquotes, lists and list items may hold each other (a list and its item count
# two); deeper ones are plain blocks. Past about ten levels markdown-it renders nothing of
# what is inside, and each level indents everything within it once more.
MAX_NESTING = 8

# What our markdown subset gives a meaning to ("~~~" opens a code block, as "```" does).
_SPECIAL = re.compile(r"([\\*_\[\]<>`~])")
# List markers at the start of a line ("- ", "+ ", "1. ", "1) "): escaped, they stay text.
_BULLET = re.compile(r"(?m)^([ \t]*)([-+])(?=[ \t]|$)")
_NUMBERED = re.compile(r"(?m)^([ \t]*\d{1,9})([.)])(?=[ \t]|$)")
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a no-break space is text
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# Browsers drop tabs and newlines anywhere in a URL (so "java\tscript:" is javascript: to
# them), and control characters and spaces at its ends; a space within is %20.
_URL_DROPPED = re.compile(r"[\t\n\r]+")
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_CONTROLS = re.compile(r"[\x00-\x1f\x7f]+")
_URL_UNSAFE = str.maketrans({"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"})
_BACKTICKS = re.compile(r"`+")
# "<![" with no name after it: a browser hides it to the next ">", Python's parser fails.
_BOGUS_SECTION = re.compile(r"<!\[(?![A-Za-z])[^>]*>?")
# A tag's start ("<a", "</", "<!", "<?"): one that no ">" ever ends runs to the end of the
# comment, which a browser then drops.
_TAG_START = re.compile(r"<[A-Za-z/!?]")

# Emphasis beside a word only opens or closes when its inner edge is not punctuation: in
# CommonMark "**Update:**Text" stays literal. So each emphasis is written as a form between
# noncharacters (which no text keeps): its mark, the punctuation at its edges and what is
# between, resolved once its paragraph is whole (_resolve_emphasis) — the edge punctuation
# moved outside the marks where a word stands on that side, and the marks left out where they
# still could not open or close (the words kept, the emphasis lost).
_OPEN, _PART, _CLOSE = "\ufdd0", "\ufdd1", "\ufdd2"
_NONCHARACTERS = str.maketrans(dict.fromkeys(map(ord, _OPEN + _PART + _CLOSE)))
_FORM = re.compile(
    f"{_OPEN}(\\*+){_PART}([^{_OPEN}-{_CLOSE}]*){_PART}([^{_OPEN}-{_CLOSE}]*)"
    f"{_PART}([^{_OPEN}-{_CLOSE}]*){_PART}{_CLOSE}"
)
# Punctuation our own syntax writes, never moved: an escape, a nested mark, a link, code.
_SYNTAX = frozenset("*_\\`[]()<>~")
# The end of a link we wrote (its target holds no parenthesis: they are %28 and %29).
_LINK_END = re.compile(r"(?<!\\)\]\([^()]*\)$")
# Two emphasis forms of one mark side by side, nothing between (<b>a</b><b>b</b>): one form,
# as "**a****b**" would not read as two.
_TOUCHING = re.compile(
    f"{_OPEN}(\\*+){_PART}([^{_OPEN}-{_CLOSE}]*){_PART}([^{_OPEN}-{_CLOSE}]*)"
    f"{_PART}{_PART}{_CLOSE}{_OPEN}\\1{_PART}{_PART}"
)


def _is_punctuation(char: str) -> bool:
    return char not in _SYNTAX and unicodedata.category(char)[0] in "PS"


def _holds_fast(char: str) -> bool:
    """Whether emphasis beside a word opens or closes with this character inside its mark: a
    letter or digit, or a nested mark."""
    return char.isalnum() or char == "*"


def html_to_source(html: str) -> str:
    """Return the HTML of an imported comment written in our own source format, without the
    control characters XML lets through (U+0080-U+009F) and no form would take."""
    html = _BOGUS_SECTION.sub("", html.replace("\r\n", "\n").replace("\r", "\n"))
    html = _without_unended_tail(html)
    for _attempt in range(MAX_REOPENED + 1):
        converter = _Converter(html)
        try:
            converter.feed(html)
            converter.close()
        except AssertionError:  # html.parser gives up on some malformed declarations
            return escape_text(_clean(strip_tags_text(html))).strip(" \n")
        unclosed = converter.unclosed_start
        if unclosed is None or _attempt == MAX_REOPENED:
            break
        # As WordPress shows it: the unclosed start tag stripped, what follows it kept.
        html = html[: unclosed[0]] + html[unclosed[1] :]
    return converter.source()  # every text in it went through _clean


def _without_unended_tail(html: str) -> str:
    """Return html without the tag or comment at its end that never ends, as a browser drops
    it: Python's parser (3.11.7) reads each "<" of one again, so that 60,000 characters of
    "<a <a …" took 20 s."""
    unended = _TAG_START.search(html, html.rfind(">") + 1)
    if unended is not None:
        html = html[: unended.start()]
    last_end = html.rfind("-->")
    comment = html.find("<!--", last_end + 3 if last_end >= 0 else 0)
    return html[:comment] if comment >= 0 else html


def _clean(text: str) -> str:
    """Return text as it is escaped: composed (NFC), so that no character composes with an
    escape after it, and without control characters or our noncharacters."""
    text = without_control_characters(text.translate(_NONCHARACTERS))
    return unicodedata.normalize("NFC", text)


def escape_text(text: str) -> str:
    """Return text with a backslash before every character our markdown would read."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _escape_markers(text)


def _escape_markers(text: str) -> str:
    """Escape list markers at the starts of lines ("- ", "1. "), once: an escaped one starts
    with a backslash."""
    return _NUMBERED.sub(r"\1\\\2", _BULLET.sub(r"\1\\\2", text))


def link_target(href: str | None) -> str | None:
    """Return href ready for a markdown link, as markdown-it writes it (so a rendered link
    converts back to the same source), or None when its scheme is not allowed."""
    url = _URL_DROPPED.sub("", (href or "").translate(_NONCHARACTERS)).strip(_URL_EDGES)
    url = _URL_CONTROLS.sub("", url).replace(" ", "%20")
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in ALLOWED_URL_SCHEMES:
        return None
    return normalizeLink(url).translate(_URL_UNSAFE)


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
    text = text.rstrip()
    if not text.strip():
        return ""
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence}\n{text}\n{fence}"


def _resolve_emphasis(text: str) -> str:
    """Write out each emphasis form of a paragraph (see _FORM), the innermost first."""

    def resolve(match: re.Match) -> str:
        mark, lead, inner, trail = match.groups()
        string = match.string
        before = string[match.start() - 1] if match.start() else ""
        after = string[match.end() : match.end() + 1]
        # Another emphasis right after: its mark touches this one's like a word would.
        word_before, word_after = before.isalnum(), after.isalnum() or after == _OPEN
        outside_before = lead if lead and word_before else ""
        outside_after = trail if trail and word_after else ""
        body = (lead if not outside_before else "") + inner + (trail if not outside_after else "")
        if not body:
            return outside_before + outside_after
        if (word_before and not _holds_fast(body[0])) or (word_after and not _holds_fast(body[-1])):
            return outside_before + body + outside_after  # the marks could not hold here
        return f"{outside_before}{mark}{body}{mark}{outside_after}"

    for _level in range(text.count(_OPEN)):
        text = _TOUCHING.sub(f"{_OPEN}\\1{_PART}\\2{_PART}\\3", text)
        text, resolved = _FORM.subn(resolve, text)
        if not resolved:
            break
    return text.translate(_NONCHARACTERS)


class _Container:
    """A block holding blocks: the document, a blockquote, a list or one of its items."""

    __slots__ = ("kind", "blocks", "ordered", "number", "implicit", "other_markers", "last_list")

    def __init__(self, kind: str, *, ordered=False, number=1, implicit=False, other=False):
        self.kind = kind
        self.blocks: list[str] = []
        self.ordered = ordered
        self.number = number
        self.implicit = implicit  # a list no <ul> or <ol> opened, around a stray <li>
        # A list right after another of its kind takes the other markers ("* ", "1)"), or the
        # two would read as one.
        self.other_markers = other
        # Whether the last block added is a list, and which: (ordered, other markers).
        self.last_list: tuple[bool, bool] | None = None

    def marker(self) -> str:
        """Return the marker of this list's next item."""
        if not self.ordered:
            return "* " if self.other_markers else "- "
        marker = f"{self.number}{')' if self.other_markers else '.'} "
        self.number = min(self.number + 1, MAX_LIST_START)
        return marker


# Tags that end a line inside <pre> (its text keeps no markup, but keeps their lines apart).
_PRE_LINE_TAGS = BLOCKS | LISTS | {"li", "blockquote", "pre"}


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
        self.pre_fresh = False  # nothing read since <pre> (a newline right after it goes)
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
            return
        if tag in DROPPED:
            self.skipping = (tag, 1)
            line, column = self.getpos()
            start = self.line_starts[line - 1] + column
            self.skip_tag = (start, start + len(self.get_starttag_text() or ""))
        elif self.pre is not None:
            self.pre_fresh = False
            if tag == "pre":
                self.pre_depth += 1
            if tag == "br" or tag in _PRE_LINE_TAGS:
                self.pre.append("\n")
        elif tag == "pre":
            self.end_paragraph()
            self.pre, self.pre_depth, self.pre_fresh = [], 1, True
        elif tag in ("blockquote", "li") or tag in LISTS:
            self.end_paragraph()
            if len(self.containers) > MAX_NESTING:
                return  # as deep as it goes: a plain block
            if tag == "blockquote":
                self.containers.append(_Container("quote"))
            elif tag in LISTS:
                self.open_list(ordered=tag == "ol", number=_list_start(dict(attrs)))
            else:
                if self.containers[-1].kind == "item":
                    self.close_container()
                if self.containers[-1].kind != "list":
                    self.open_list(ordered=False, number=1, implicit=True)
                self.containers.append(_Container("item"))
        elif tag in BLOCKS:
            self.end_paragraph()
        elif self.inline[-1][0] == "code":
            if tag == "br":
                self.inline[-1][2].append(" ")
        elif tag == "br":
            self.inline[-1][2].append("\n")
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
            self.pre_fresh = False
            if tag == "pre":
                self.pre_depth -= 1
                if not self.pre_depth:
                    self.end_pre()
                    return
            if tag in _PRE_LINE_TAGS:
                self.pre.append("\n")
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
        data = _clean(data)
        if self.pre is not None:
            if self.pre_fresh and data.startswith("\n"):
                data = data[1:]  # as browsers drop it
            self.pre_fresh = False
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
        alt = escape_text(_SPACE.sub(" ", _clean(attrs.get("alt") or ""))).strip()
        if self.is_open("a"):
            self.inline[-1][2].append(alt)
            return
        target = link_target(attrs.get("src"))
        if target is not None:
            self.inline[-1][2].append(f"[{alt or escape_text(target)}]({target})")

    def close_inline(self) -> None:
        """Close the innermost inline element, with its white space (any: a no-break space
        too) outside its marks (a "* x*" is no emphasis) and nothing at all for one that holds
        no text."""
        tag, mark, parts = self.inline.pop()
        text = "".join(parts)
        if tag == "code":
            self.inline[-1][2].append(_code_span(text))
            return
        core = text.strip()
        if core and mark:
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            marked = f"[{core}]({mark})" if tag == "a" else _emphasis(core, mark)
            text = lead + marked + trail
        self.inline[-1][2].append(text)

    def end_paragraph(self) -> None:
        """Finish the paragraph being written; inline elements still open carry on after it
        (but code: a block ends it, as a browser shows it)."""
        still_open = [(tag, mark, []) for tag, mark, _parts in self.inline[1:] if tag != "code"]
        while len(self.inline) > 1:
            self.close_inline()
        parts = self.inline[0][2]
        text = re.sub(r" *\n[ \n]*", "\n", re.sub(r" {2,}", " ", "".join(parts))).strip(" \n")
        parts.clear()
        if text:
            # A list marker may have been split between two texts ("1<span>.</span> x").
            self.add_block(_escape_markers(_resolve_emphasis(text)))
        self.inline.extend(still_open)

    # Blocks -------------------------------------------------------------------------------

    def open_list(self, *, ordered: bool, number: int, implicit: bool = False) -> None:
        last = self.containers[-1].last_list
        other = last is not None and last == (ordered, False)
        self.containers.append(
            _Container("list", ordered=ordered, number=number, implicit=implicit, other=other)
        )

    def end_pre(self) -> None:
        block = _code_block("".join(self.pre or ()))
        self.pre, self.pre_depth, self.pre_fresh = None, 0, False
        if block:
            self.add_block(block)

    def add_block(self, block: str, *, list_kind: tuple[bool, bool] | None = None) -> None:
        """Add a finished block to the innermost container (list_kind: the list it is, if it
        is one). Directly in a list (outside its items) it is an item of its own; after a
        stray <li>, the list that item made ends."""
        container = self.containers[-1]
        if container.kind != "list":
            container.blocks.append(block)
            container.last_list = list_kind
        elif container.implicit:
            self.close_container()
            self.add_block(block, list_kind=list_kind)
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
        if container.kind == "item":
            if container.blocks:
                outer.blocks.append(_item("\n\n".join(container.blocks), outer.marker()))
        elif container.kind == "quote" and container.blocks:
            self.add_block(_quoted("\n\n".join(container.blocks)))
        elif container.kind == "list" and container.blocks:
            loose = any("\n\n" in item for item in container.blocks)
            text = ("\n\n" if loose else "\n").join(container.blocks)
            self.add_block(text, list_kind=(container.ordered, container.other_markers))
        return container

    def source(self) -> str:
        if self.pre is not None:
            self.end_pre()
        self.end_paragraph()
        while len(self.containers) > 1:
            self.close_container()
        return "\n\n".join(self.containers[0].blocks).strip(" \n")


def _emphasis(core: str, mark: str) -> str:
    """Return core as an emphasis form (_FORM): the punctuation at its edges apart."""
    start, end = 0, len(core)
    while start < end:
        if core[start] == "\\" and start + 1 < end:  # an escaped character: punctuation too
            start += 2
        elif _is_punctuation(core[start]) or core[start] == "(":  # "[" would start a link
            start += 1
        else:
            break
    while end > start:
        if end - start >= 2 and core[end - 2] == "\\":
            end -= 2
        elif _is_punctuation(core[end - 1]) or (
            core[end - 1] == ")" and not _LINK_END.search(core, 0, end)
        ):
            end -= 1
        else:
            break
    lead, inner, trail = core[:start], core[start:end], core[end:]
    if not inner:  # nothing but punctuation: nothing to move it away from
        lead, inner, trail = "", core, ""
    return f"{_OPEN}{mark}{_PART}{lead}{_PART}{inner}{_PART}{trail}{_PART}{_CLOSE}"


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
