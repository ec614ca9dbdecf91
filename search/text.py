"""What a reader typed, made into search terms: English words for full-text search, runs of
CJK characters (with their Simplified/Traditional variants) for substring search."""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import opencc

# Longest query searched, in characters; the rest is cut off (and the reader told).
MAX_QUERY_LENGTH = 200
# Most CJK terms and English words one query may hold: each is one more index condition.
MAX_TERMS = 8
# Most spellings of one CJK term searched (Simplified, Traditional, mixed).
MAX_VARIANTS = 8
# Below this many characters a term cannot use a trigram index (pg_trgm needs three): it is
# matched through search_cjk_grams instead (see search/migrations/0001_search_indexes.py).
TRIGRAM_MIN = 3

# The same class as CJK in the migration: Hangul, kana, CJK ideographs.
CJK_CLASS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff"
)
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
# A word for English search: letters or digits, with inner apostrophes or hyphens.
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class CJKTerm:
    """A run of CJK characters from the query and every spelling of it that is searched."""

    text: str
    variants: tuple[str, ...]

    @property
    def uses_trigrams(self) -> bool:
        return len(self.text) >= TRIGRAM_MIN


@dataclass
class Query:
    """A search query, cleaned: what to search for, and what was changed on the way."""

    text: str = ""
    english: str = ""  # the words for plainto_tsquery, "" for none
    words: tuple[str, ...] = ()
    cjk: tuple[CJKTerm, ...] = ()
    shortened: bool = False
    notices: list[str] = field(default_factory=list)

    def is_searchable(self) -> bool:
        return bool(self.words or self.cjk)

    def highlight_terms(self) -> list[str]:
        """Return the literal strings a snippet marks for a CJK search, longest first."""
        terms = {v for term in self.cjk for v in term.variants} | set(self.words)
        return sorted(terms, key=len, reverse=True)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def chinese_variants(text: str) -> tuple[str, ...]:
    """Return text with its Simplified and Traditional spellings: the whole-phrase conversions
    first (they know phrases: 头发 → 頭髮), then per-character mixtures (內卷 as Taiwan writes
    it beside OpenCC's 內捲), at most MAX_VARIANTS."""
    found = dict.fromkeys([text, _converter("t2s").convert(text), _converter("s2t").convert(text)])
    if HAN.search(text):
        choices = []
        for char in text:
            if HAN.match(char):
                forms = dict.fromkeys(
                    [char, _converter("t2s").convert(char), _converter("s2t").convert(char)]
                )
                choices.append(tuple(forms))
            else:
                choices.append((char,))
        for combo in itertools.islice(itertools.product(*choices), MAX_VARIANTS * 4):
            found.setdefault("".join(combo))
            if len(found) >= MAX_VARIANTS:
                break
    return tuple(found)[:MAX_VARIANTS]


def clean(raw: str) -> tuple[str, bool]:
    """Return the query as searched: NFKC (full-width letters become plain ones), without
    NUL and other control characters, whitespace collapsed, cut to MAX_QUERY_LENGTH; and
    whether it was cut."""
    text = unicodedata.normalize("NFKC", raw[: MAX_QUERY_LENGTH * 4])
    text = " ".join(CONTROL.sub(" ", text).split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def parse(raw: str) -> Query:
    """Return the Query for what a reader typed; it may hold no term at all."""
    text, shortened = clean(raw)
    runs = list(dict.fromkeys(CJK_RUN.findall(text)))
    rest = CJK_RUN.sub(" ", text)
    words = list(dict.fromkeys(w.lower() for w in WORD.findall(rest)))
    runs, words = runs[:MAX_TERMS], words[: max(0, MAX_TERMS - len(runs))]
    # The words go to plainto_tsquery: every one must match (stemmed); it reads no operator,
    # so no input can make a malformed query.
    english = " ".join(words)
    return Query(
        text=text,
        english=english,
        words=tuple(words),
        cjk=tuple(CJKTerm(run, chinese_variants(run)) for run in runs),
        shortened=shortened,
    )


def like_pattern(term: str) -> str:
    """Return a LIKE pattern matching term anywhere, its wildcards escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
