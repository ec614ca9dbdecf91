"""Screen a comment before it is posted: one pipeline of small rules.

Each rule looks at a Submission and returns a Verdict (reject or hold, with the reason in plain
words and the Comment Policy rule it applies) or None. Rejections are checked before holds; the
first verdict of each kind wins.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from html import unescape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import render_comment
from discussions.models import Comment, Sanction, ScreeningWord

REJECT = "reject"
HOLD = "hold"

# Characters that show nothing and so can slip a word past a filter: Unicode's
# Default_Ignorable_Code_Point set (zero-width spaces and joiners, soft hyphen, bidirectional
# controls, the byte-order mark, variation selectors, the combining grapheme joiner, Hangul
# fillers, Mongolian free variation selectors, tag characters...). _drop_ignorable also drops
# every format character (category Cf), including ones assigned after this list was written.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# A bare address as the reader sees it in the rendered text (one match per address).
_BARE_LINK = re.compile(r"(?i)(?<![\w@.])(?:https?://|mailto:|www\.)[^\s<>]+")
_ANCHOR = re.compile(r"(?is)<a\b[^>]*>.*?</a>")
_INLINE_TAG = re.compile(r"(?i)</?(?:a|em|strong|code)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Submission:
    author: object
    article: object
    body: str
    now: datetime


@dataclass(frozen=True)
class Verdict:
    action: str  # REJECT or HOLD
    code: str
    message: str
    rule_number: int | None = None
    retry_after: int | None = None  # seconds, for rate limits
    status: int = 400


def conf(name: str):
    return settings.CROSSTALK[name]


def _drop_ignorable(text: str) -> str:
    text = _IGNORABLE.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def normalize_for_matching(text: str) -> str:
    """Return text folded so look-alike spellings compare equal: NFKC and casefold (NFKC
    again, as casefolding may undo it), then every default-ignorable code point dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _drop_ignorable(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=64)
def rendered_html(body: str) -> str:
    """Return the comment's HTML as it will be shown (the same rendering as on posting)."""
    return render_comment(body)


def rendered_text(body: str) -> str:
    """Return the plain text a reader sees of the rendered comment: inline markup ("id*io*t")
    joins, block boundaries become spaces, entities are decoded."""
    html = _INLINE_TAG.sub("", rendered_html(body))
    return unescape(_TAG.sub(" ", html))


def count_links(body: str) -> int:
    """Return how many links the comment shows: each link element of the rendered HTML (a
    markdown link or <autolink>) once, plus each bare address left in the text once."""
    html = rendered_html(body)
    anchors = len(_ANCHOR.findall(html))
    rest = unescape(_TAG.sub(" ", _ANCHOR.sub(" ", html)))
    return anchors + len(_BARE_LINK.findall(rest))


def contains_phrase(text: str, phrase: str) -> bool:
    """Return whether the phrase occurs in the (normalized) text as whole words."""
    needle = normalize_for_matching(phrase).strip()
    if not needle:
        return False
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(part) for part in needle.split()) + r"(?!\w)"
    return re.search(pattern, text) is not None


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- rules that reject ------------------------------------------------------------------


def rule_article_open(sub: Submission) -> Verdict | None:
    if sub.article.accepts_comments():
        return None
    return Verdict(REJECT, "closed", _("Comments are closed on this article."), status=403)


def rule_sanction(sub: Submission) -> Verdict | None:
    sanction = Sanction.objects.in_force_for(sub.author, sub.now)
    if sanction is None:
        return None
    # The rule it cites, never the moderators' private note.
    rule = (
        _("Rule {number}: {title}").format(number=sanction.rule.number, title=sanction.rule.title)
        if sanction.rule_id
        else _("see the Comment Policy")
    )
    if sanction.kind == Sanction.Kind.BAN:
        message = _("Your account is banned from commenting ({rule}).").format(rule=rule)
    else:
        message = _("Your account is suspended from commenting until {until} ({rule}).").format(
            until=_when(sanction.until), rule=rule
        )
    return Verdict(REJECT, "sanctioned", message, status=403)


def rule_rate_limit(sub: Submission) -> Verdict | None:
    for window, limit in ((timedelta(minutes=1), conf("RATE_PER_MINUTE")),
                          (timedelta(hours=1), conf("RATE_PER_HOUR"))):  # fmt: skip
        recent = list(
            Comment.objects.filter(author=sub.author, created_at__gt=sub.now - window)
            .order_by("created_at")
            .values_list("created_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            retry = max(1, int((recent[0] + window - sub.now).total_seconds()) + 1)
            message = ngettext(
                "You are posting too fast. Try again in {n} second.",
                "You are posting too fast. Try again in {n} seconds.",
                retry,
            ).format(n=retry)
            return Verdict(REJECT, "rate_limited", message, retry_after=retry, status=429)
    return None


def rule_duplicate(sub: Submission) -> Verdict | None:
    window = timedelta(minutes=conf("DUPLICATE_WINDOW_MINUTES"))
    same = Comment.objects.filter(
        author=sub.author, body=sub.body, created_at__gt=sub.now - window
    ).exists()
    if not same:
        return None
    return Verdict(
        REJECT,
        "duplicate",
        _("You posted this same comment a moment ago; it was not posted twice."),
        status=409,
    )


def rule_banned_words(sub: Submission) -> Verdict | None:
    return _word_verdict(sub.body, ScreeningWord.Kind.BANNED)


# --- rules that hold for review ---------------------------------------------------------


def rule_suspect_words(sub: Submission) -> Verdict | None:
    return _word_verdict(sub.body, ScreeningWord.Kind.SUSPECT)


def rule_links(sub: Submission) -> Verdict | None:
    limit = conf("MAX_LINKS")
    count = count_links(sub.body)
    if count <= limit:
        return None
    message = ngettext(
        "Comments with more than {limit} link are checked by a moderator before they appear.",
        "Comments with more than {limit} links are checked by a moderator before they appear.",
        limit,
    ).format(limit=limit)
    return Verdict(HOLD, "links", message)


def rule_new_account(sub: Submission) -> Verdict | None:
    first = conf("NEW_ACCOUNT_HOLD_COUNT")
    if not first:
        return None
    posted = Comment.objects.filter(author=sub.author).count()
    if posted >= first:
        return None
    return Verdict(
        HOLD,
        "new_account",
        _("The first comments of a new account are checked by a moderator before they appear."),
    )


def rule_premoderation(sub: Submission) -> Verdict | None:
    if not sub.article.premoderation:
        return None
    return Verdict(
        HOLD,
        "premoderation",
        _("Comments on this article are checked by a moderator before they appear."),
    )


def _word_verdict(body: str, kind: str) -> Verdict | None:
    # Both the text as typed and the text as shown: markup can join ("id*io*t") what the
    # typed text splits.
    texts = {normalize_for_matching(body), normalize_for_matching(rendered_text(body))}
    for word in ScreeningWord.objects.filter(kind=kind).select_related("rule"):
        if any(contains_phrase(text, word.phrase) for text in texts):
            rule = word.rule
            if kind == ScreeningWord.Kind.BANNED:
                if rule:
                    message = _(
                        "This comment breaks Rule {number} of our Comment Policy ({title}) "
                        "and was not posted."
                    ).format(number=rule.number, title=rule.title)
                else:
                    message = _("This comment uses language our Comment Policy does not allow.")
                return Verdict(REJECT, "banned_word", message, rule and rule.number)
            return Verdict(
                HOLD,
                "suspect_word",
                _("This comment will appear once a moderator has checked its wording."),
                rule and rule.number,
            )
    return None


REJECT_RULES = (rule_article_open, rule_sanction, rule_rate_limit, rule_duplicate,
                rule_banned_words)  # fmt: skip
HOLD_RULES = (rule_suspect_words, rule_links, rule_new_account, rule_premoderation)
TEXT_RULES = (rule_banned_words, rule_suspect_words, rule_links)
# An author's edit: the discussion still open, the author's standing, the new text, and the
# article's pre-moderation (otherwise approved text could be swapped for anything within the
# edit window).
EDIT_RULES = (rule_article_open, rule_sanction, *TEXT_RULES, rule_premoderation)


def screen(sub: Submission, rules=None) -> Verdict | None:
    """Return the first rejection, else the first hold, else None (post it)."""
    if rules is None:
        rules = REJECT_RULES + HOLD_RULES
    holds = []
    for rule in rules:
        verdict = rule(sub)
        if verdict is None:
            continue
        if verdict.action == REJECT:
            return verdict
        holds.append(verdict)
    return holds[0] if holds else None
