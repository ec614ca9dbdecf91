"""Tell apart usernames that only look different: a small take on Unicode TR39 skeletons."""

import re
import unicodedata

# Zero-width characters and bidirectional controls: invisible, and used to fake a name.
INVISIBLE_OR_BIDI = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

# Letters from other scripts (and digits) that render like Latin ones in common fonts.
_HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ϲ": "c",
        # Latin look-alikes and digits
        "ı": "i", "ł": "l", "ø": "o", "0": "o", "1": "l", "i": "l", "5": "s", "|": "l",
        "_": "", "-": "", ".": "",
    }
)  # fmt: skip


def skeleton(name: str) -> str:
    """Return the form two names share when a reader could not tell them apart."""
    text = unicodedata.normalize("NFKC", name)
    text = INVISIBLE_OR_BIDI.sub("", text).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_HOMOGLYPHS)
    return text.replace("rn", "m").replace("vv", "w")
