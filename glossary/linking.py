"""Link the first use of each glossary term in a page's HTML, at render time.

Stored HTML (article bodies, comment bodies) is never rewritten per term: a page links its
texts as it renders them, in page order, with one set of the terms already used, so each
term is linked once per page. What a page used is part of its cache keys (used_key).

Matching: every spelling (the original script, the romanisation, the other spellings) goes
into a trie, written as a regular expression whose alternatives at each node are tried
longest first, so at any position the longest spelling wins (내로남불 over 내로). Latin
spellings match case-insensitively (over the lower-cased text) and only as whole words: not
after and not before a Latin letter or digit (so "ilbe" is not in "Philbert", while 996 is
in 用996工作制); the end is a lookahead inside the trie, so a shorter whole word still wins
over a longer partial one. CJK spellings match anywhere: those scripts put no spaces between
words, and Korean particles follow a noun directly (꼰대가).

Never linked: text inside <a>, <code> or <pre>, attribute values (the scan only reads the text
between tags), and URLs written out in the text. The input is HTML we sanitised ourselves
(core.text, or linebreaksbr over escaped text), so a small tokenizer of tags and text suffices.
"""

import hashlib
import html
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

# Letters and digits of Latin script (with the accents of pinyin and Vietnamese): a Latin
# spelling must not touch one of these on either side to count as a whole word.
LATIN_CHARS = "0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN = re.compile(f"[{LATIN_CHARS}]")
# Characters that, just before a Latin match, mean it is inside a word or an entity (&amp;).
_NOT_BEFORE = re.compile(f"[{LATIN_CHARS}&#]")
# Tags and comments; attribute values may hold ">" when quoted.
_TAG = re.compile(r"""<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\"']+", re.I)
# Inside these nothing is linked: a link in a link is invalid, code is verbatim.
SKIPPED_TAGS = frozenset({"a", "code", "pre", "script", "style", "textarea", "kbd", "samp"})
VOID_TAGS = frozenset({"br", "img", "hr", "wbr", "input", "meta", "link", "source"})


# How many characters of texts and linkings a Linker remembers for link_many (a comment's
# body may hold 10,000): a few MB at most; past that both memos start again empty.
CHARS_REMEMBERED = 2_000_000
_NO_CANDIDATES: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


@dataclass(frozen=True)
class LinkTarget:
    """What a link to one term carries."""

    slug: str
    href: str
    title: str  # the term and its romanisation, for the popover's first line
    definition: str  # plain text
    lang: str  # the term's language, set on a link whose text is the original script
    original: str  # the original script, lower-cased


def _trie_pattern(spellings) -> str:
    """Return a regex matching any of the (lower-cased) spellings, longest first."""
    trie: dict = {}
    for word in spellings:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = _LATIN.match(word[-1]) is not None  # needs a word boundary after it

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in node.items() if char]
        if "" in node:
            branches.append(f"(?![{LATIN_CHARS}])" if node[""] else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return build(trie) if trie else r"(?!x)x"


class Linker:
    """One glossary version's terms, compiled; link(html, used) links a text.

    Two alternations, one trie each: the spellings that start with a Latin letter or digit,
    and the others (CJK, mixed). Kept apart by measurement: one alternation of both kept the
    engine from skipping ahead to the characters that can start a CJK term, and scanned ten
    times slower.

    Most texts of a page hold no term that is not used yet, and the quick tests say so
    without running the Latin alternation, the slow one (~30 ns a character): a Latin
    spelling can only match where its first word is a word of the text, and the words of a
    text come from bytes.translate and split, which run in C. link_many (a thread) remembers
    each text's candidates and linkings. bench/glossary.py measures what linking adds to a page.
    """

    def __init__(self, version: str, targets: dict[str, LinkTarget]):
        # targets: lower-cased spelling -> its term's target
        self.version = version
        self.targets = targets
        latin = sorted(s for s in targets if _LATIN.match(s))
        other = sorted(s for s in targets if not _LATIN.match(s))
        self.patterns = []
        if latin:
            # Not after a Latin letter or digit (a \b would refuse 996 in 用996工作制).
            self.patterns.append(re.compile(f"(?<![{LATIN_CHARS}])" + _trie_pattern(latin)))
        self._other = re.compile(_trie_pattern(other)) if other else None
        if self._other is not None:
            self.patterns.append(self._other)
        # An ASCII text holds no CJK spelling: the CJK scan is skipped (str.isascii is a flag).
        self._other_needs_ascii = any(s.isascii() for s in other)
        self._latin_only = [p for p in self.patterns if p is not self._other]
        # first word of a Latin spelling (ASCII bytes) -> the slugs of its terms; a spelling
        # without an ASCII word (all accents) is always a candidate (None).
        self._latin_words: dict[bytes | None, set[str]] = {}
        for spelling in latin:
            words = _ascii_words(spelling)
            key = words[0] if words else None
            self._latin_words.setdefault(key, set()).add(targets[spelling].slug)
        self._latin_keys = frozenset(self._latin_words)
        # key (a CJK spelling, or a Latin spelling's first word) -> the slugs it may stand for
        self._key_slugs: dict[str, frozenset[str]] = {
            word.decode(): frozenset(slugs) for word, slugs in self._latin_words.items() if word
        }
        for spelling in other:
            slug = targets[spelling].slug
            self._key_slugs[spelling] = self._key_slugs.get(spelling, frozenset()) | {slug}
        # What link and link_many remember per text (bounded; dropped whole when full).
        self._candidates: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._linked: dict[tuple[str, frozenset[str]], tuple[Markup, frozenset[str]]] = {}
        self._remembered_chars = 0
        self._folding = None  # the same, case-insensitive: for text whose lower() differs in length

    def __bool__(self) -> bool:
        return bool(self.targets)

    def link(self, text: str, used: set[str]) -> Markup:
        """Return the HTML with the first use of each term not yet in used linked; add the
        slugs it linked to used."""
        if not self.targets or not self._links_new_term(text, used):
            return Markup(text)  # noqa: S704 - the caller's own sanitised HTML, unchanged
        return self._link_all(text, used)

    def _link_all(self, text: str, used: set[str], keys=None) -> Markup:
        """Link text between tags; keys: when given, a run of text that holds none of these
        (lower-cased) substrings holds no new term, and is left as it is."""
        out = []
        skipping = 0  # depth inside tags whose text is never linked
        pos = 0
        for tag in _TAG.finditer(text):
            if tag.start() > pos:
                chunk = text[pos : tag.start()]
                if skipping or (keys is not None and not _holds_any(chunk, keys)):
                    out.append(chunk)
                else:
                    out.append(self._link_text(chunk, used))
            pos = tag.end()
            markup = tag.group()
            out.append(markup)
            name = _TAG_NAME.match(markup)
            if name is not None and name.group(1).lower() in SKIPPED_TAGS:
                if markup.startswith("</"):
                    skipping = max(skipping - 1, 0)
                elif not markup.endswith("/>"):
                    skipping += 1
        if pos < len(text):
            chunk = text[pos:]
            if skipping or (keys is not None and not _holds_any(chunk, keys)):
                out.append(chunk)
            else:
                out.append(self._link_text(chunk, used))
        return Markup("".join(out))  # noqa: S704 - tags copied, text escaped already, links ours

    def link_many(self, texts: list[str], used: set[str]) -> list[Markup]:
        """Return link(text, used) of each text in turn, quicker for many texts (a thread).

        A thread's comments are mostly the same texts render after render (a new comment
        changes the page, not the others), so the Linker remembers, per text, the spellings
        of the terms it could link (_candidates_of) and what linking it gave for the terms
        that mattered then already used (_linked_once): a text whose candidates are all used
        is left as it is without being read again; one that links is linked once per state
        of its own terms. On the bench's 2,000-comment first page with 500 terms (175 texts):
        0.11 ms once remembered, against 1.1-1.4 ms when all the texts were read joined on
        every render."""
        if not self.targets or not texts:
            return [_markup(text) for text in texts]
        always = self._latin_words.get(None) or set()
        out = []
        for text in texts:
            text = str(text)
            if not always <= used:
                # A spelling without an ASCII word (all accents) may be anywhere: the long way.
                out.append(self._link_all(text, used))
                continue
            candidates = self._candidates_of(text)
            if candidates is None:  # case folding changes its length: the plain way
                out.append(self.link(text, used))
            elif candidates[1] <= used:
                out.append(_markup(text))  # every term it may hold is linked above it
            else:
                out.append(self._linked_once(text, *candidates, used))
        return out

    def _candidates_of(self, text: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """Return the keys (CJK spellings, first words of Latin ones) of the terms the text
        may use and those terms' slugs, remembered per text; None when lower-casing changes
        its length. A Latin spelling can only match where its first word is a word of the
        text; the words come from bytes.translate and split, which run in C."""
        candidates = self._candidates.get(text)
        if candidates is not None:
            return candidates
        lowered = text.lower()
        if len(lowered) != len(text):
            return None
        found = set()
        if self._other is not None and (self._other_needs_ascii or not lowered.isascii()):
            found.update(s for s in set(self._other.findall(lowered)) if s in self.targets)
        if self._latin_words:
            words = lowered.encode().translate(_ASCII_WORD_BYTES).split()
            found.update(word.decode() for word in self._latin_keys.intersection(words))
        if found:
            slugs = frozenset().union(*(self._key_slugs[key] for key in found))
            candidates = (frozenset(found), slugs)
        else:
            candidates = _NO_CANDIDATES
        self._remember(len(text))
        self._candidates[text] = candidates
        return candidates

    def _remember(self, chars: int) -> None:
        """Count what is about to be remembered; forget everything first when it is too much."""
        if self._remembered_chars + chars > CHARS_REMEMBERED:
            self._candidates.clear()
            self._linked.clear()
            self._remembered_chars = 0
        self._remembered_chars += chars

    def _linked_once(
        self, text: str, keys: frozenset[str], slugs: frozenset[str], used: set[str]
    ) -> Markup:
        """Return the text linked, remembered per text and which of its own terms (slugs)
        were used (nothing else decides what linking it gives); add what it links to used."""
        state = (text, slugs & used)
        remembered = self._linked.get(state)
        if remembered is None:
            before = set(used)
            html = self._link_all(text, used, keys=list(keys))
            remembered = (html, frozenset(used - before))
            self._remember(len(html))
            self._linked[state] = remembered
        html, added = remembered
        used.update(added)
        return html

    def scan(self, texts, used: set[str] | None = None) -> set[str]:
        """Return the slugs of the terms these texts use (as linking them would)."""
        used = set() if used is None else used
        for text in texts:
            self.link(text, used)
        return used

    def _searchable(self, text: str):
        lowered = text.lower()
        if len(lowered) == len(text):
            return lowered, self.patterns
        if self._folding is None:
            self._folding = [re.compile(p.pattern, re.IGNORECASE) for p in self.patterns]
        return text, self._folding

    def _links_new_term(self, text: str, used: set[str]) -> bool:
        """Return whether the text may hold a use of a term not used yet: the quick test
        that spares most texts the tokenizing. It reads tags too (a false alarm costs only
        time), and never misses a use that _matches would find between them."""
        candidates = self._candidates_of(text)
        if candidates is not None:
            always = self._latin_words.get(None)
            return bool(always and not always <= used) or not candidates[1] <= used
        lowered, patterns = self._searchable(text)  # case folding changed the length
        for pattern in patterns:
            for match in pattern.finditer(lowered):
                target = self.targets.get(match.group().lower())
                if target is not None and target.slug not in used:
                    return True
        return False

    def _matches(self, chunk: str):
        """Yield the (start, end, spelling) of the spellings in a run of text, left to right,
        longest first, none overlapping, none inside a URL or an entity. The spelling is the
        match in the lower-cased run, not the match lower-cased alone: the two differ where
        lower-casing depends on what follows (Greek Σ, final ς), and the run's is the one the
        patterns and link_many's candidates read."""
        lowered, patterns = self._searchable(chunk)
        folding = patterns is not self.patterns
        if patterns is self.patterns and not self._other_needs_ascii and lowered.isascii():
            patterns = self._latin_only
        found = sorted(
            (m.start(), -m.end()) for pattern in patterns for m in pattern.finditer(lowered)
        )
        urls = []
        if "://" in chunk or "www." in lowered:
            urls = [m.span() for m in _URL.finditer(chunk)]
        done = 0
        for start, neg_end in found:
            end = -neg_end
            if start < done:
                continue  # overlaps a longer or earlier match
            if start and _LATIN.match(chunk, start) and _NOT_BEFORE.match(chunk, start - 1):
                continue  # inside an entity (&amp;) or a word
            url = next((b for a, b in urls if a <= start < b), None)
            if url is not None:
                done = url
                continue
            done = end
            yield start, end, chunk[start:end].lower() if folding else lowered[start:end]

    def _link_text(self, chunk: str, used: set[str]) -> str:
        """Link the terms in a run of escaped text between tags."""
        out = []
        done = 0
        for start, end, spelling in self._matches(chunk):
            found = chunk[start:end]
            target = self.targets.get(spelling)
            if target is None or target.slug in used:
                continue
            used.add(target.slug)
            out.append(chunk[done:start])
            out.append(_anchor(target, found))
            done = end
        if not out:
            return chunk
        out.append(chunk[done:])
        return "".join(out)


# Every byte other than an ASCII digit or lower-case letter becomes a space: what is left of a
# lower-cased UTF-8 text are its ASCII words. A Latin spelling that matches (not touching a
# Latin letter or digit on either side) is made of the same words there as on its own.
_ASCII_WORD_BYTES = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))


def _holds_any(text: str, keys) -> bool:
    lowered = str.lower(text)
    return any(key in lowered for key in keys)


def _markup(text) -> Markup:
    """The caller's own sanitised HTML, unchanged, as Markup (as it is, when it is)."""
    return text if isinstance(text, Markup) else Markup(text)  # noqa: S704


def _ascii_words(spelling: str) -> list[bytes]:
    return spelling.encode().translate(_ASCII_WORD_BYTES).split()


def _anchor(target: LinkTarget, found: str) -> str:
    lang = f' lang="{target.lang}"' if target.lang and found.lower() == target.original else ""
    return (
        f'<a class="term" href="{target.href}"{lang} data-term="{_ascii_attr(target.title)}" '
        f'data-definition="{_ascii_attr(target.definition)}">{found}</a>'
    )


def _ascii_attr(text: str) -> str:
    """Return the text escaped for an attribute value, every character beyond ASCII as a
    character reference (an HTML parser reads back the same text, C1 control characters
    aside, which HTML reads as Windows-1252 and no term should hold): a thread whose comments are
    ASCII stays ASCII with its links, and Python joins and encodes ASCII text about three
    times faster than text holding one wider character (a term's title holds its original
    script: 0.2 ms more on the bench's 2,000-comment first page, measured)."""
    return str(escape(text)).encode("ascii", "xmlcharrefreplace").decode("ascii")


def definition_text(definition_html: str) -> str:
    """Return a sanitised definition's text, without tags or entities."""
    return html.unescape(re.sub(r"<[^>]*>", "", definition_html)).strip()


def used_key(used) -> str:
    """Return a short name for a set of used slugs, for cache keys."""
    if not used:
        return "0"
    joined = "\x1f".join(sorted(used)).encode()
    return hashlib.blake2s(joined, digest_size=6).hexdigest()
