"""Highlighted snippets: the text escaped, the matches in <mark>."""

import html
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Characters shown on each side of the first match of a CJK search.
CONTEXT_CHARS = 70
# Characters of a result's text shown when nothing in it can be marked.
LEAD_CHARS = 200
START, STOP, FRAGMENT = "\ue000", "\ue001", "\ue002"
MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
TAG = re.compile(r"<[^>]*>")


def html_text(html_source: str) -> str:
    """Return the text of sanitised HTML, each tag a space (as search_strip_tags does in SQL,
    so paragraphs do not run together); its entities stay, for entities=True below."""
    return TAG.sub(" ", html_source)


def _escape(text: str, *, entities: bool) -> str:
    # Article text is sanitised HTML with its tags stripped: its entities are decoded first,
    # so "&amp;" shows as "&" and is escaped once.
    text = html.unescape(text) if entities else text
    return escape(text.replace(START, "").replace(STOP, "").replace(FRAGMENT, " "))


def from_headline(text: str, *, entities: bool = False) -> SafeString:
    """Return ts_headline's output (marked by START/STOP) as escaped HTML with <mark>."""
    fragments = []
    for fragment in text.split(FRAGMENT):
        parts, last = [], 0
        for match in MARKED.finditer(fragment):
            parts.append(_escape(fragment[last : match.start()], entities=entities))
            parts.append(f"<mark>{_escape(match.group(1), entities=entities)}</mark>")
            last = match.end()
        parts.append(_escape(fragment[last:], entities=entities))
        fragments.append("".join(parts).strip())
    return mark_safe(" … ".join(f for f in fragments if f))  # noqa: S308 (escaped above)


def around(text: str, terms: list[str], *, entities: bool = False) -> SafeString:
    """Return the text around the first of the terms found (case-insensitive), escaped, every
    occurrence of a term in it marked; the text's start when no term is found."""
    text = " ".join((html.unescape(text) if entities else text).split())
    pattern = re.compile("|".join(re.escape(t) for t in terms if t), re.I) if terms else None
    first = pattern.search(text) if pattern else None
    if first is None:
        cut = text[:LEAD_CHARS]
        return mark_safe(escape(cut) + ("…" if len(text) > LEAD_CHARS else ""))  # noqa: S308
    start = max(0, first.start() - CONTEXT_CHARS)
    stop = min(len(text), first.end() + CONTEXT_CHARS)
    window = text[start:stop]
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts.append(escape(window[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(window[last:]))
    lead = "…" if start > 0 else ""
    tail = "…" if stop < len(text) else ""
    return mark_safe(lead + "".join(parts) + tail)  # noqa: S308 (escaped above)
