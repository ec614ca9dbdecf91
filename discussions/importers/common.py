"""What the importers share: streaming XML safely, errors, counts, progress, value cleaning."""

import html
import ipaddress
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote
from xml.etree.ElementTree import TreeBuilder

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError, iterparse
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discussions.services import ImportedComment, ImportOutcome

PLAIN_PROGRESS_EVERY = 10_000  # comments between two progress lines when not on a terminal
TTY_REFRESH_SECONDS = 0.2


class ImportFileError(Exception):
    """The file cannot be imported; str() is the one line the command prints."""

    def __init__(self, command: str, path, problem: str, *, line: int | None = None):
        self.line = line
        where = f"{path} line {line}" if line else f"{path}"
        super().__init__(f"{command}: {where}: {problem}")


_POSITION = re.compile(r":\s*line \d+, column \d+$")


class XmlStream:
    """Stream the elements of an XML file at one depth, each freed once it has been used.

    The parser is defusedxml's (entity declarations and external references are refused), and
    every element handed out is cleared together with its parent's list of children after the
    consumer is done with it, so memory holds one element at a time, whatever the file's size.
    """

    def __init__(self, path, *, command: str, depth: int, check_root):
        self.path = path
        self.command = command
        self.depth = depth
        self.check_root = check_root
        self.size = 0
        self._file = None

    @property
    def position(self) -> int:
        """Return how many bytes of the file have been read so far."""
        try:
            return self._file.tell() if self._file else 0
        except (OSError, ValueError):
            return self.size

    def elements(self) -> Iterator:
        try:
            self._file = open(self.path, "rb")
        except FileNotFoundError:
            raise ImportFileError(self.command, self.path, _("no such file")) from None
        except OSError as exc:
            raise ImportFileError(self.command, self.path, exc.strerror or str(exc)) from None
        parser = DefusedXMLParser(target=TreeBuilder())
        try:
            self.size = self._file.seek(0, 2)
            self._file.seek(0)
            yield from self._walk(parser)
        except ParseError as exc:
            line = exc.position[0] if getattr(exc, "position", None) else None
            raise ImportFileError(
                self.command, self.path, _POSITION.sub("", str(exc)), line=line
            ) from None
        except DefusedXmlException as exc:
            raise ImportFileError(
                self.command,
                self.path,
                _refusal(exc),
                line=parser.parser.CurrentLineNumber,
            ) from None
        finally:
            self._file.close()

    def _walk(self, parser):
        stack = []
        for event, elem in iterparse(self._file, events=("start", "end"), parser=parser):
            if event == "start":
                if not stack:
                    self.check_root(elem.tag)
                stack.append(elem)
                continue
            stack.pop()
            if len(stack) == self.depth - 1:
                yield elem
                elem.clear()
                # Elements already read ahead stay alive through iterparse's own references.
                stack[-1].clear()


def _refusal(exc: DefusedXmlException) -> str:
    if isinstance(exc, EntitiesForbidden):
        return _("entity declarations are not allowed (entity {name!r})").format(name=exc.name)
    if isinstance(exc, DTDForbidden):
        return _("document type declarations are not allowed")
    return _("external references are not allowed")


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def text_of(elem) -> str:
    return elem.text or "" if elem is not None else ""


# Stats ---------------------------------------------------------------------------------------

# Why something in a file was not imported, in the order the summary names them.
SKIP_REASONS = {
    "page": lambda n: ngettext("{n} page", "{n} pages", n),
    "attachment": lambda n: ngettext("{n} attachment", "{n} attachments", n),
    "post_type": lambda n: ngettext(
        "{n} item of another post type", "{n} items of other post types", n
    ),
    "post_status": lambda n: ngettext(
        "{n} post in the trash or of unknown status",
        "{n} posts in the trash or of unknown status",
        n,
    ),
    "item_comment": lambda n: ngettext(
        "{n} comment on a skipped item", "{n} comments on skipped items", n
    ),
    "pingback": lambda n: ngettext("{n} pingback", "{n} pingbacks", n),
    "trackback": lambda n: ngettext("{n} trackback", "{n} trackbacks", n),
    "comment_type": lambda n: ngettext(
        "{n} comment of another type", "{n} comments of other types", n
    ),
    "no_id": lambda n: ngettext(
        "{n} comment without an id or thread", "{n} comments without an id or thread", n
    ),
    "unmatched_thread": lambda n: ngettext("{n} unmatched thread", "{n} unmatched threads", n),
    "unmatched_comment": lambda n: ngettext(
        "{n} comment in unmatched threads", "{n} comments in unmatched threads", n
    ),
    "empty_thread": lambda n: ngettext(
        "{n} thread without comments", "{n} threads without comments", n
    ),
}


@dataclass
class ImportStats:
    """What an import did, for the summary it prints."""

    articles_created: int = 0
    articles_matched: int = 0
    comments: Counter = field(default_factory=Counter)  # created comments by status
    skipped: Counter = field(default_factory=Counter)  # SKIP_REASONS key -> count
    already_there: int = 0
    orphans: int = 0
    loops: int = 0
    notes: list = field(default_factory=list)

    @property
    def comments_created(self) -> int:
        return sum(self.comments.values())

    def add_outcome(self, outcome: ImportOutcome, items: list[ImportedComment]) -> None:
        status = {item.external_id: item.status for item in items}
        for external_id in outcome.created_ids:
            self.comments[status[external_id]] += 1
        self.already_there += outcome.already_there
        self.orphans += outcome.orphans

    def summary_lines(self, *, dry_run: bool) -> list[str]:
        by_status = (
            ", ".join(f"{n} {status}" for status, n in sorted(self.comments.items()) if n) or "-"
        )
        lines = [
            _("articles: {created} created, {matched} matched").format(
                created=self.articles_created, matched=self.articles_matched
            ),
            _("comments: {count} imported ({statuses})").format(
                count=self.comments_created, statuses=by_status
            ),
            _("already imported: {n}").format(n=self.already_there),
            _("replies whose parent is missing, made top-level (orphans): {n}").format(
                n=self.orphans
            ),
        ]
        if self.loops:
            lines.append(_("reply loops broken: {n}").format(n=self.loops))
        skipped = (
            ", ".join(
                text(n).format(n=n)
                for key, text in SKIP_REASONS.items()
                if (n := self.skipped[key])
            )
            or "-"
        )
        lines.append(_("skipped: {skipped}").format(skipped=skipped))
        lines.extend(self.notes)
        if dry_run:
            lines.append(_("dry run: nothing was written"))
        return lines


# Progress ------------------------------------------------------------------------------------


class Progress:
    """Show progress: a line redrawn with \\r on a terminal, a plain line now and then elsewhere."""

    def __init__(self, out, *, label: str, total: int = 0):
        self.out = out
        self.label = label
        self.total = total
        self.tty = out.isatty()
        self.count = 0
        self._next_mark = PLAIN_PROGRESS_EVERY
        self._last_draw = 0.0
        self._started = time.monotonic()

    def update(self, count: int, done: int = 0) -> None:
        self.count = count
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw >= TTY_REFRESH_SECONDS:
                self._last_draw = now
                self._draw(done)
        elif count >= self._next_mark:
            while self._next_mark <= count:
                self._next_mark += PLAIN_PROGRESS_EVERY
            self.out.write(
                _("{label}: {count} comments").format(label=self.label, count=f"{count:,}")
            )

    def _draw(self, done: int) -> None:
        width = 30  # characters of the bar
        share = min(1.0, done / self.total) if self.total else 0.0
        bar = "#" * int(share * width)
        rate = self.count / max(time.monotonic() - self._started, 1e-6)
        self.out.write(
            f"\r{self.label} [{bar:<{width}}] {share:4.0%}  {self.count:,} "
            + _("comments, {rate}/s").format(rate=f"{rate:,.0f}"),
            ending="",
        )
        self.out.flush()

    def finish(self) -> None:
        if self.tty:
            self._draw(self.total)
            self.out.write("")


# Values --------------------------------------------------------------------------------------


def parse_iso(value: str) -> datetime | None:
    """Return an aware datetime from ISO-8601 text (naive means UTC), or None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_wp_datetime(value: str) -> datetime | None:
    """Return a datetime from WordPress' "YYYY-MM-DD HH:MM:SS" (UTC); None for zero dates."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    return parse_iso(value)


def clean_ip(value: str) -> str | None:
    """Return the address in its canonical form, or None when it is not an IP address."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def clean_email(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 254:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def clean_name(value: str, limit: int = 100) -> str:
    """Return a display name without entities or surrounding space (names are text here)."""
    return " ".join(html.unescape(value or "").split())[:limit]


def slug_from(value: str, *, limit: int = 200) -> str:
    """Return a slug from a (possibly percent-encoded) WordPress name, link segment or title."""
    return slugify(unquote(value or ""), allow_unicode=True)[:limit].strip("-")


def break_loops(items: list[ImportedComment]) -> int:
    """Make top-level each comment whose chain of parents comes back to itself; return how many.

    comments_import builds trees from the top-level comments down, so a loop of replies (corrupt
    data, or a comment that names itself as parent) would never be reached.
    """
    by_id = {item.external_id: item for item in items}
    done: set[str] = set()
    broken = 0
    for item in items:
        path: set[str] = set()
        current = item
        while current is not None and current.external_id not in done:
            path.add(current.external_id)
            parent = by_id.get(current.parent_external_id or "")
            if parent is not None and parent.external_id in path:
                current.parent_external_id = None
                broken += 1
                parent = None
            current = parent
        done |= path
    return broken


# Body formatting -----------------------------------------------------------------------------

_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form"
    r"|blockquote|address|math|style|script|p|h[1-6]|hr|fieldset|legend|section|article|aside"
    r"|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_OPEN = re.compile(rf"(<{_BLOCK}[\s/>])", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</{_BLOCK}>)", re.IGNORECASE)
_STARTS_BLOCK = re.compile(rf"</?{_BLOCK}[\s/>]|<!--", re.IGNORECASE)
_CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL)
_CAPTION_PARTS = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)


def _figure(match: re.Match) -> str:
    parts = _CAPTION_PARTS.match(match.group(1))
    if not parts:
        return match.group(1)
    caption = parts.group(2).strip()
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{parts.group(1)}{figcaption}</figure>"


# A paragraph element (not <pre>, <param> or <picture>, which also begin with "<p").
_PARAGRAPH = re.compile(r"<p[\s/>]", re.IGNORECASE)


def comment_markup(text: str) -> str:
    """Return an imported comment's text as HTML ready for html_to_source: WordPress and Disqus
    show a comment without paragraphs as wpautop() would, so its paragraphs are made here."""
    return text if _PARAGRAPH.search(text) else autop(text)


def autop(text: str) -> str:
    """Wrap blank-line separated text in paragraphs and single newlines in <br>, roughly as
    WordPress' wpautop() does; block elements are left as they are."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CAPTION.sub(_figure, text)
    if not text.strip():
        return ""
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)
