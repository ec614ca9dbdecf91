"""Fold text so that the spellings a reader can swap for one another compare equal: one normal
form for screening lists and for the text they screen.

fold(text) applies, in order:

1. NFKC, casefold, NFKC again (full-width letters and digits become ASCII, half-width kana and
   jamo become full forms, compatibility ideographs become unified ones, case goes).
2. Every character that shows nothing is dropped (Unicode's default-ignorable code points and
   every format character, category Cf: zero-width spaces and joiners, soft hyphen, BOM...).
3. Traditional Chinese characters become Simplified ones, character by character (OpenCC's
   t2s character table, followed to its fixed point). Character by character rather than by
   phrase so that a character folds the same way whatever stands next to it: a list entry and
   a text that mixes both scripts fold alike.
4. Separators between CJK characters (Han, kana, Hangul): a gap of dots, middle dots, hyphens,
   underscores and similar filler is removed; so is any gap, spaces included, between two Han or
   kana characters (Chinese and Japanese put no spaces between words). A gap with white space
   next to Hangul is a word boundary in Korean: it becomes one space, and phrase_pattern lets a
   Korean entry cross such spaces only as whole words ("시 발" matches 시발, "가시 발톱" does not).
   Separators between Latin letters are left alone.
5. Hangul is written as composed syllables: separated jamo (compatibility letters ㅅㅣㅂㅏㄹ or
   conjoining ones from NFD) are composed the way a Korean keyboard composes them. Jamo that
   belong to no syllable (ㅅㅂ, ㅋㅋ, ㅠㅠ) stay letters, as compatibility jamo. So an
   initials-only entry (ㅅㅂ) matches text written with those letters, but never the inside of
   an ordinary word, whose syllables do not decompose in this form (갓바위 stays 갓바위).
6. A space goes between a CJK character and an ASCII letter or digit that touches it, so that
   a romanised word written against CJK text ("你个sb") still stands alone as a Latin word.

Latin text is left as NFKC and casefolding leave it: dots, hyphens and spaces between Latin
letters keep their meaning, and Latin entries keep matching as whole words only.
"""

import re
import unicodedata
from functools import lru_cache

import opencc

# --- character classes (regular-expression ranges) ------------------------------------------
# Classes are kept to the Basic Multilingual Plane, with the few astral ranges apart: a class
# that mixes both is matched range by range and makes every scan several times slower.

HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_ASTRAL = "\U00020000-\U000323af"  # extensions B to H
KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
SYLLABLES = "\uac00-\ud7a3"
# Every jamo but the araea (ㆍ, U+318D and U+119E after NFKC), which Korean writers use as a
# middle dot, and the fillers (dropped as invisible).
JAMO = (
    "\u1100-\u115e\u1161-\u119d\u119f-\u11ff\u3131-\u3163\u3165-\u318c\u318e"
    "\ua960-\ua97f\ud7b0-\ud7ff"
)
HANGUL = SYLLABLES + JAMO
CJK = HAN + KANA + HANGUL  # with HAN_ASTRAL
# Filler a writer slips between letters: dots and middle dots (ASCII, ideographic, katakana,
# hyphenation point, bullets, araea), hyphens and dashes, tildes, underscores, and a few
# symbols. Commas, colons, question and exclamation marks are punctuation, not filler.
SEPARATORS = (
    ".\u00b7\u2022\u2024\u2027\u2219\u22c5\u3002\u30fb\u318d\u119e"
    "\\-\u2010-\u2015\u2043\u2212\u2e3a\u2e3b~\u223c\u301c_*^'\"`/\\\\|+"
)

_ANY_CJK = f"(?:[{CJK}]|[{HAN_ASTRAL}])"
_CJK = re.compile(_ANY_CJK)
_HAN_OR_KANA = re.compile(f"[{HAN}{KANA}{HAN_ASTRAL}]")
_JAMO = re.compile(f"[{JAMO}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACE = re.compile(r"\s")
_HK = f"(?:[{HAN}{KANA}]|[{HAN_ASTRAL}])"
# A gap of separators and white space between two CJK characters, but not the one space
# between Korean words (or between Korean and Chinese), which stays as it is: two or more
# characters, or one that is not a space, or one space between Han or kana. (It starts with a
# plain class, which lets the engine skip ahead to candidates quickly.)
_GAP = re.compile(
    f"[{SEPARATORS}\\s](?<={_ANY_CJK}[{SEPARATORS}\\s])"
    f"(?:[{SEPARATORS}\\s]++(?={_ANY_CJK})|(?<!\\x20)(?={_ANY_CJK})|(?<={_HK}\\x20)(?={_HK}))"
)
# An ASCII letter or digit that touches a CJK character.
_SCRIPT_JOINT = re.compile(f"[a-z0-9_](?:(?={_ANY_CJK})|(?<={_ANY_CJK}[a-z0-9_]))")
# A stretch of Hangul that holds jamo: the syllable before the first jamo (which may take a
# final consonant), then jamo and the syllables between them.
_JAMO_RUN = re.compile(f"[{SYLLABLES}]?+(?:[{JAMO}]++[{SYLLABLES}]?+)++")

# Characters that show nothing and so can slip a word past a filter: Unicode's
# Default_Ignorable_Code_Point set (zero-width spaces and joiners, soft hyphen, bidirectional
# controls, the byte-order mark, variation selectors, the combining grapheme joiner, Hangul
# fillers, Mongolian free variation selectors, tag characters...). Every format character
# (category Cf) is dropped too, including ones assigned after this list was written.
IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
)
IGNORABLE_ASTRAL = "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
# The full-width punctuation Chinese text is full of, and the ideographic space: replacing them
# first (NFKC's own mapping) keeps a typical Chinese comment on NFKC's fast path.
_WIDE_PUNCTUATION = {"，": ",", "！": "!", "？": "?", "：": ":", "；": ";", "（": "(", "）": ")",
                     "\u3000": " "}  # fmt: skip


def _ranges(code_points) -> str:
    """Return code points as the inside of a regular-expression character class."""
    out, start, prev = [], None, None
    for cp in [*sorted(code_points), None]:
        if start is not None and cp == prev + 1:
            prev = cp
            continue
        if start is not None:
            out.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        start = prev = cp
    return "".join(out)


def _split_class(code_points, bmp_extra: str = "", astral_extra: str = ""):
    """Return patterns of runs of these characters (and the extra ranges): those of the BMP,
    the astral ones."""
    bmp = _ranges(cp for cp in code_points if cp <= 0xFFFF) + bmp_extra
    astral = _ranges(cp for cp in code_points if cp > 0xFFFF) + astral_extra
    return re.compile(f"[{bmp}]+"), re.compile(f"[{astral}]+" if astral else "(?!)")


@lru_cache(maxsize=1)
def _invisible() -> tuple[re.Pattern, re.Pattern]:
    # Format characters live in planes 0, 1 and 14; finding them takes ~15 ms, once.
    planes = [*range(0x20000), *range(0xE0000, 0xE1000)]
    cf = [cp for cp in planes if unicodedata.category(chr(cp)) == "Cf"]
    return _split_class(cf, IGNORABLE, IGNORABLE_ASTRAL)


@lru_cache(maxsize=1)
def _t2s() -> tuple[re.Pattern, re.Pattern, dict[int, str], list]:
    """Return patterns of runs of Traditional characters (BMP, astral), their map, and the
    map as a translation table of the BMP."""
    converter = opencc.OpenCC("t2s")
    ranges = ((0x2E80, 0x2FDF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
              (0x20000, 0x323AF))  # fmt: skip
    chars = [chr(cp) for low, high in ranges for cp in range(low, high + 1)]
    # One conversion of every character on its own line: no phrase spans a line break, so
    # each converts alone, as OpenCC's character table says (~35 ms, once per process).
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - a future OpenCC merging lines
        converted = [converter.convert(ch) for ch in chars]
    table = {ch: out for ch, out in zip(chars, converted, strict=True) if out != ch}
    # Follow chains (薴 → 苧 → 苎) so that the map is its own fixed point.
    for ch, out in table.items():
        seen = {ch}
        while out in table and out not in seen:
            seen.add(out)
            out = table[out]
        table[ch] = out
    mapping = {ord(ch): out for ch, out in table.items()}
    # str.translate reads a list by index, faster than a dict that misses on most characters.
    bmp_table: list = list(range(0x10000))
    for cp, out in mapping.items():
        if cp <= 0xFFFF:
            bmp_table[cp] = out
    return (*_split_class(mapping), mapping, bmp_table)


def _close_gap(match: re.Match) -> str:
    """Return what a gap between two CJK characters becomes: nothing when it holds no white
    space or stands between Han or kana; otherwise one space (a Korean word boundary)."""
    if not _SPACE.search(match.group()):
        return ""
    text, start, end = match.string, match.start(), match.end()
    if _HAN_OR_KANA.match(text, start - 1) and _HAN_OR_KANA.match(text, end):
        return ""
    return " "


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _WIDE_PUNCTUATION.items():
        if wide in text:
            text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text)


# A fold of a fold may differ from the fold when the first pass joined pieces that then
# compose further (e.g. "시ㄱᄉ.ㅏ": dropping the "." composes "사", and only then does "ㄱ"
# close the syllable before it: "식사"); fold repeats until nothing changes, at most this
# often (two passes were enough for every case found).
_MAX_PASSES = 4


def fold(text: str) -> str:
    """Return text in the normal form described in this module's docstring: the same for
    the text and for its fold."""
    if text.isascii():
        return text.lower()  # all that NFKC and casefolding do to ASCII
    for _ in range(_MAX_PASSES):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


def _fold_once(text: str) -> str:
    if text.isascii():
        return text.lower()
    text = _nfkc(text)
    folded = text.casefold()
    if folded != text:
        text = _nfkc(folded)  # casefolding may undo NFKC
    if text.isascii():
        return text
    astral = _ASTRAL.search(text) is not None
    invisible, invisible_astral = _invisible()
    text = invisible.sub("", text)
    if astral:
        text = invisible_astral.sub("", text)
    if _CJK.search(text) is None:
        return text
    traditional, traditional_astral, simplified, bmp_table = _t2s()
    if traditional.search(text):
        text = text.translate(bmp_table)
    if astral:
        text = traditional_astral.sub(lambda m: m.group().translate(simplified), text)
    text = _GAP.sub(_close_gap, text)
    if _JAMO.search(text):
        text = _JAMO_RUN.sub(lambda m: compose_hangul(m.group()), text)
    return _SCRIPT_JOINT.sub(_space_joint, text)


def _space_joint(match: re.Match) -> str:
    text, start, ch = match.string, match.start(), match.group()
    before = " " if start and _CJK.match(text, start - 1) else ""
    after = " " if _CJK.match(text, start + 1) else ""
    return before + ch + after


# --- Hangul -------------------------------------------------------------------------------

# Compatibility jamo in Unicode order (U+3131 ...), and where each consonant stands in the
# syllable formula: its index among initials (choseong) and among finals (jongseong).
_CONSONANTS = "ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"  # index 0: no final
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
# Two letters a keyboard joins into one: finals (ㄹ + ㄱ = ㄺ) and vowels (ㅗ + ㅏ = ㅘ).
DOUBLE_FINALS = {
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
}  # fmt: skip
_DOUBLE_VOWELS = {
    ("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ", ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ",
}  # fmt: skip
_CONSONANT, _VOWEL, _FINAL_ONLY, _OTHER = range(4)


def _letter(ch: str) -> tuple[int, str]:
    """Return (kind, compatibility letter) of one jamo."""
    cp = ord(ch)
    if 0x1100 <= cp <= 0x1112:  # conjoining initial
        return _CONSONANT, _INITIALS[cp - 0x1100]
    if 0x1161 <= cp <= 0x1175:  # conjoining vowel
        return _VOWEL, _VOWELS[cp - 0x1161]
    if 0x11A8 <= cp <= 0x11C2:  # conjoining final: canonically part of the syllable before it
        return _FINAL_ONLY, _FINALS[cp - 0x11A7]
    if ch in _VOWELS:
        return _VOWEL, ch
    if ch in _CONSONANTS:
        return _CONSONANT, ch
    return _OTHER, ch


def _syllable(initial: str, vowel: str, final: str = " ") -> str:
    index = (_INITIALS.index(initial) * 21 + _VOWELS.index(vowel)) * 28 + _FINALS.index(final)
    return chr(0xAC00 + index)


def _parts(ch: str) -> list[str]:
    """Return [initial, vowel, final or " "] of a composed syllable."""
    index = ord(ch) - 0xAC00
    return [_INITIALS[index // 588], _VOWELS[index // 28 % 21], _FINALS[index % 28]]


# A string of consonant letters, the commonest jamo in text (ㅋㅋㅋ, ㅇㅇ, ㅅㅂ): nothing to
# compose.
_CONSONANT_LETTERS = re.compile("[\u1100-\u1112\u3131-\u314e]+")
_TO_COMPATIBILITY = {0x1100 + i: letter for i, letter in enumerate(_INITIALS)}


def _closes(kind: int, following: tuple[int, str] | None) -> bool:
    """Return whether a consonant may close the open syllable before it: a final-only letter
    always does (it is canonically part of that syllable), another when no letter follows."""
    return kind == _FINAL_ONLY or following is None or following[0] == _OTHER


def compose_hangul(run: str) -> str:
    """Return a stretch of Hangul with its jamo composed into syllables, the way a keyboard
    composes them: a consonant followed by a vowel starts a syllable; a consonant after an open
    syllable closes it when no other letter follows (시바ㄹ → 시발), so a string of consonants
    stays letters (아ㅅㅂ, ㅅㅂ); a vowel after an open syllable joins its vowel (우ㅣ → 위)."""
    head = run[0] if "\uac00" <= run[0] <= "\ud7a3" else ""
    tail = run[len(head) :]
    if _CONSONANT_LETTERS.fullmatch(tail) and (not head or len(tail) > 1):
        return head + tail.translate(_TO_COMPATIBILITY)
    out: list[str] = []
    current: list[str] | None = None  # [initial, vowel, final or " "]
    # Each character: None for a composed syllable, else (kind, compatibility letter).
    letters = [None if "\uac00" <= ch <= "\ud7a3" else _letter(ch) for ch in run]
    i = 0
    while i < len(run):
        letter = letters[i]
        following = letters[i + 1] if i + 1 < len(run) else None
        i += 1
        if letter is None:
            if current is not None:
                out.append(_syllable(*current))
            current = _parts(run[i - 1])
            continue
        kind, ch = letter
        open_syllable = current is not None and current[2] == " "
        if open_syllable and kind == _VOWEL and (current[1], ch) in _DOUBLE_VOWELS:
            current[1] = _DOUBLE_VOWELS[current[1], ch]
        elif (
            (kind == _CONSONANT or (kind == _FINAL_ONLY and not open_syllable))
            and following
            and following[0] == _VOWEL
            and ch in _INITIALS
        ):
            if current is not None:
                out.append(_syllable(*current))
            current = [ch, following[1], " "]
            i += 1
        elif open_syllable and kind != _VOWEL and ch in _FINALS and _closes(kind, following):
            current[2] = ch
        else:
            if current is not None:
                out.append(_syllable(*current))
                current = None
            out.append(ch)
    if current is not None:
        out.append(_syllable(*current))
    return "".join(out)


# --- patterns ----------------------------------------------------------------------------
# Every pattern starts with a literal, its edge checks written as lookbehinds after it, so
# that the regular-expression engine can skip through the text to the places where that
# literal occurs instead of trying the pattern at every character.

# A Latin word's edges: no letter or digit next to it (fold puts a space between a CJK
# character and an ASCII letter or digit, so a romanised word written against CJK text, "你个sb",
# still stands alone).
_LATIN_WORD = r"\w"
_LATIN_AFTER = r"(?!\w)"


def _is_cjk(ch: str) -> bool:
    return _CJK.match(ch) is not None


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _forms(ch: str) -> list[str]:
    """Return the spellings of one character of an entry in folded text: a Hangul syllable
    with a final also as the open syllable and the final's letters, which is how
    compose_hangul leaves a final spelt in jamo before more letters (ㄷㅏㄹㄱ → 다ㄹㄱ)."""
    if not "\uac00" <= ch <= "\ud7a3" or (ord(ch) - 0xAC00) % 28 == 0:
        return [ch]
    initial, vowel, final = _parts(ch)
    return [ch, _syllable(initial, vowel) + DOUBLE_FINALS.get(final, final)]


def _char_pattern(ch: str) -> str:
    forms = _forms(ch)
    return re.escape(ch) if len(forms) == 1 else "(?:" + "|".join(map(re.escape, forms)) + ")"


@lru_cache(maxsize=4096)
def phrase_branches(phrase: str) -> tuple[tuple[str, str], ...]:
    """Return how a list entry is found in folded text, as (literal, rest) pairs: the entry
    occurs where one literal occurs followed by the pattern of its rest. Empty for an entry
    that folds to nothing.

    Latin words match as whole words (not "ass" in "class"), the entry's spaces as any white
    space. A CJK entry matches anywhere, as Chinese and Korean join words and particles
    without spaces; where the text's spaces split it between CJK characters it matches only
    as whole words ("병 신" alone, not across "일병 신고")."""
    needle = fold(phrase).strip()
    if not needle:
        return ()
    words = needle.split()
    if not _CJK.search(needle):
        first = words[0]
        rest = f"(?<!{_LATIN_WORD}{re.escape(first)})"
        rest += "".join(r"\s+" + re.escape(word) for word in words[1:]) + _LATIN_AFTER
        return ((first, rest),)
    # The entry as characters, each with the gap allowed before it: between words an optional
    # space where both sides are CJK (Korean spacing varies), else white space; inside a word
    # nothing, or, for the whole-word reading, an optional space between CJK characters.
    chars: list[tuple[str, str, str]] = []  # (character, gap before it, spaced gap before it)
    for n, word in enumerate(words):
        for i, ch in enumerate(word):
            previous = word[i - 1] if i else (words[n - 1][-1] if n else "")
            both_cjk = bool(previous) and _is_cjk(previous) and _is_cjk(ch)
            if not previous:
                gap = spaced_gap = ""
            elif i == 0:
                gap = spaced_gap = " ?" if both_cjk else r"\s+"
            else:
                gap, spaced_gap = "", " ?" if both_cjk else ""
            chars.append((ch, gap, spaced_gap))
    first, last = chars[0][0], chars[-1][0]
    plain = "".join(gap + _char_pattern(ch) for ch, gap, _ in chars[1:])
    spaced = "".join(gap + _char_pattern(ch) for ch, _, gap in chars[1:])
    if _is_cjk(last):
        plain_after, spaced_after = "", r"(?!\w)"
    else:
        plain_after = spaced_after = _LATIN_AFTER if _is_word(last) else ""
    branches = []
    for form in _forms(first):
        literal = re.escape(form)
        if _is_cjk(first):
            plain_before, spaced_before = "", f"(?<!\\w{literal})"
        else:
            plain_before = spaced_before = f"(?<!{_LATIN_WORD}{literal})" if _is_word(first) else ""
        alternatives = [plain_before + plain + plain_after]
        if spaced != plain:
            alternatives.append(spaced_before + spaced + spaced_after)
        branches.append((form, "(?:" + "|".join(alternatives) + ")"))
    return tuple(branches)


def branches_pattern(branches) -> re.Pattern | None:
    """Return one pattern that finds any of these (literal, rest) branches, its literals
    arranged as a trie: one scan of the text tries only the entries that start where it is.
    None when there are no branches."""
    trie: dict = {}
    for literal, rest in branches:
        node = trie
        for ch in literal:
            node = node.setdefault(ch, {})
        node.setdefault(None, set()).add(rest)
    if not trie:
        return None

    def emit(node: dict) -> str:
        alternatives = [re.escape(ch) + emit(child) for ch, child in node.items() if ch is not None]
        alternatives += sorted(node.get(None, ()))
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return re.compile(emit(trie))


def list_patterns(phrases) -> tuple[re.Pattern, ...]:
    """Return patterns that together find any of these entries: one for those that start with
    a CJK character and one for the others, so that a scan of Latin text never walks the CJK
    entries (the engine tries a trie's first letters one by one)."""
    cjk, other = [], []
    for phrase in phrases:
        for literal, rest in phrase_branches(phrase):
            (cjk if _is_cjk(literal[0]) else other).append((literal, rest))
    patterns = (branches_pattern(cjk), branches_pattern(other))
    return tuple(pattern for pattern in patterns if pattern is not None)


def phrase_pattern(phrase: str) -> re.Pattern | None:
    """Return the compiled pattern that finds one list entry in folded text, or None for an
    entry that folds to nothing (see phrase_branches)."""
    return _phrase_pattern(phrase_branches(phrase))


@lru_cache(maxsize=4096)
def _phrase_pattern(branches: tuple[tuple[str, str], ...]) -> re.Pattern | None:
    return branches_pattern(branches)
