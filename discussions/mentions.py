"""@mentions: the accounts a comment calls on by name, and the links to their profiles.

A mention is read from the comment as it renders (core.text.render_comment), not from its
source by a second parser: text inside a link or inline code never mentions anyone, by
whatever markdown makes a link or code, and what is counted is exactly what gets linked.
The links are made once, at write time, in the stored body_html (render_body):
`@name` of an active account becomes `<a class="mention" href="/users/<username>/">@name</a>`
with the reader-link rel; unknown names stay plain text.
"""

import re
from html import escape, unescape
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Upper

from core.text import USER_LINK_REL, render_comment, sanitize_comment_html
from discussions.profiles import ProfilePaths

# Most accounts one comment may mention: each is notified, so a comment cannot page a crowd.
MENTION_LIMIT = 5

# "@" and a username (Django's characters: letters, digits and . + - _), ending in a letter or
# digit so a sentence's full stop is not part of it. Not after a letter, digit or one of
# . @ + - / (the "@" of a@b.com or of https://host/@name), and not followed by more of an
# address ("@bob@example.org"). Usernames longer than Django's 150 characters never match.
_MENTION = re.compile(r"(?<![\w.@+\-/])@([\w.+-]{0,149}\w)(?![\w.+-]*@)(?!\w)")

# Elements whose text mentions nobody, and the inline ones text runs on across (any other
# element starts a new run, so "a</p><p>@bob" is no e-mail address).
_NOT_MENTIONING = frozenset({"a", "code", "pre"})
_INLINE = frozenset({"a", "code", "em", "strong"})

# The mention link's one class, the only class a comment's markup carries.
MENTION_CLASSES = frozenset({"mention"})


class _TextRuns(HTMLParser):
    """Copy sanitized HTML unchanged, passing each run of text outside links and code through
    rewrite(text, start): text[:start] is the text just before the run (for look-behinds),
    text[start:] the run as it is in the markup."""

    def __init__(self, rewrite):
        super().__init__(convert_charrefs=False)
        self._rewrite = rewrite
        self._out: list[str] = []
        self._quiet = 0  # depth inside elements that mention nobody
        self._before = ""  # the text character before the current run

    def rewritten(self, html: str) -> str:
        self.feed(html)
        self.close()
        return "".join(self._out)

    def handle_starttag(self, tag, attrs):
        self._out.append(self.get_starttag_text())
        self._quiet += tag in _NOT_MENTIONING
        if tag not in _INLINE:
            self._before = ""

    def handle_startendtag(self, tag, attrs):
        self._out.append(self.get_starttag_text())
        self._before = ""

    def handle_endtag(self, tag):
        self._out.append(f"</{tag}>")
        if tag in _NOT_MENTIONING and self._quiet:
            self._quiet -= 1
        if tag not in _INLINE:
            self._before = ""

    def handle_data(self, data):
        if data and not self._quiet:
            data = self._rewrite(self._before + data, len(self._before))
        self._out.append(data)
        self._before = data[-1:] or self._before

    def handle_entityref(self, name):
        self._out.append(f"&{name};")
        self._before = unescape(f"&{name};")[-1:]

    def handle_charref(self, name):
        self._out.append(f"&#{name};")
        self._before = unescape(f"&#{name};")[-1:]

    def handle_comment(self, data):
        self._out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._out.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self._out.append(f"<![{data}]>")

    def handle_pi(self, data):
        self._out.append(f"<?{data}>")


def _names_in(html: str) -> list[str]:
    """Return the mentioned names of rendered comment HTML, as written, each once (compared
    case-insensitively), in order."""
    seen: dict[str, str] = {}

    def collect(text: str, start: int) -> str:
        for match in _MENTION.finditer(text, start):
            seen.setdefault(match.group(1).casefold(), match.group(1))
        return text[start:]

    _TextRuns(collect).rewritten(html)
    return list(seen.values())


def _accounts(names: list[str]) -> dict:
    """Return the active accounts these names call on, by casefolded name, in the names'
    order, at most MENTION_LIMIT different ones: for each name the account of exactly that
    username, else the oldest one whose username differs from it only in case."""
    if not names:
        return {}
    users = list(
        get_user_model()
        .objects.with_profile()  # a mention links to the profile
        .alias(upper_name=Upper("username"))
        .filter(upper_name__in=[Upper(Value(name)) for name in names])
        .order_by("pk")
    )
    exact = {user.username: user for user in users}
    folded: dict = {}
    for user in users:
        folded.setdefault(user.username.casefold(), user)
    found: dict = {}
    for name in names:
        user = exact.get(name) or folded.get(name.casefold())
        if user is not None and user not in found.values():
            found[name.casefold()] = user
            if len(found) == MENTION_LIMIT:
                break
    return found


def mention_names(body: str) -> list[str]:
    """Return the @names of a comment's source text, as written, each once (compared
    case-insensitively), in order; none inside a link or inline code, none from an e-mail
    address."""
    if "@" not in body:
        return []
    return _names_in(render_comment(body))


def mentioned_users(body: str) -> list:
    """Return the active accounts a comment's source text mentions, in order, at most
    MENTION_LIMIT (one query, none without a mention)."""
    return list(_accounts(mention_names(body)).values())


def mention_link(username: str, written: str, *, paths: ProfilePaths | None = None) -> str:
    """Return the markup of a mention: a link to the account's profile showing the mention as
    written (the username quoted and escaped in the URL, the text escaped)."""
    href = (paths or ProfilePaths())(username)
    return f'<a class="mention" href="{href}" rel="{USER_LINK_REL}">{escape(written)}</a>'


def link_mentions(html: str) -> str:
    """Return sanitized comment HTML (render_comment's) with each mention of an active
    account made a link to its profile, by a walk over its text outside links and code."""
    if "@" not in html:
        return html
    by_name = _accounts(_names_in(html))
    if not by_name:
        return html

    paths = ProfilePaths()

    def link(text: str, start: int) -> str:
        parts = []
        end = start
        for match in _MENTION.finditer(text, start):
            user = by_name.get(match.group(1).casefold())
            if user is None:
                continue
            parts.append(text[end : match.start()])
            parts.append(mention_link(user.username, match.group(0), paths=paths))
            end = match.end()
        parts.append(text[end:])
        return "".join(parts)

    linked = _TextRuns(link).rewritten(html)
    # The comment sanitizer's own rules once more, the mention class allowed: whatever the
    # walk did, nothing leaves here that render_comment would not have let through.
    return sanitize_comment_html(linked, link_classes=MENTION_CLASSES)


def render_body(body: str) -> str:
    """Return a comment's stored HTML: render_comment's, with its mentions linked."""
    return link_mentions(render_comment(body))
