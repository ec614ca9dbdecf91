"""Screen a comment before it is posted: one pipeline of small rules.

Each rule looks at a Submission and returns a Verdict (reject or hold, with the reason in plain
words and the Comment Policy rule it applies) or None. Rejections are checked before holds; the
first verdict of each kind wins.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from html import unescape

from django.conf import settings
from django.db.models import Count, IntegerField, Min, Q, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import cjk
from core.prepared import STAND_IN_NOW, PreparedModelQuery, PreparedQuery
from core.text import render_comment
from discussions.models import Comment, Sanction, ScreeningWord

REJECT = "reject"
HOLD = "hold"

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
    # What the rules read once per screening, by the first rule that asks: the author's past
    # comments (author_activity) and the word lists (word_lists), one query each.
    memo: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Verdict:
    action: str  # REJECT or HOLD
    code: str
    message: str
    rule_number: int | None = None
    retry_after: int | None = None  # seconds, for rate limits
    status: int = 400
    # The policy rule cited (its id: numbers change between policy versions), if any.
    rule_id: int | None = None


def conf(name: str):
    return settings.CROSSTALK[name]


def normalize_for_matching(text: str) -> str:
    """Return text folded so look-alike spellings compare equal (core.cjk.fold): NFKC and
    casefold, invisible characters dropped, Traditional Chinese as Simplified, separators
    between CJK characters closed up, Hangul jamo composed into syllables."""
    return cjk.fold(text)


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
    """Return whether the phrase occurs in the (normalized) text: Latin words as whole words,
    CJK entries anywhere, and across the spaces between CJK characters only as whole words
    (see core.cjk.phrase_pattern)."""
    pattern = cjk.phrase_pattern(phrase)
    return pattern is not None and pattern.search(text) is not None


@dataclass(frozen=True)
class _Entry:
    phrase: str
    rule_id: int | None
    rule_number: int | None
    rule_title: str | None


@dataclass(frozen=True)
class _WordList:
    entries: tuple[_Entry, ...]
    patterns: tuple[re.Pattern, ...]
    # All the entries in a pattern or two: one scan says whether any entry occurs at all.
    any_entry: tuple[re.Pattern, ...]

    def first_match(self, texts) -> _Entry | None:
        """Return the first entry (in list order) that occurs in any of the texts."""
        if not any(pattern.search(text) for pattern in self.any_entry for text in texts):
            return None
        for entry, pattern in zip(self.entries, self.patterns, strict=True):
            if any(pattern.search(text) for text in texts):
                return entry
        return None  # pragma: no cover - the combined pattern matched, so one entry does


@lru_cache(maxsize=8)
def _compiled(rows: tuple[tuple[str, int | None, int | None, str | None], ...]) -> _WordList:
    """Return the list compiled: normalized and compiled once per distinct content of the list
    (the rows are read on every screening, so an editor's change applies to the next comment
    in every process, as before)."""
    entries, patterns = [], []
    for phrase, rule_id, number, title in rows:
        pattern = cjk.phrase_pattern(phrase)
        if pattern is not None:
            entries.append(_Entry(phrase, rule_id, number, title))
            patterns.append(pattern)
    any_entry = cjk.list_patterns(entry.phrase for entry in entries)
    return _WordList(tuple(entries), tuple(patterns), any_entry)


# Screening's reads, built by the ORM once and run with each submission's values
# (core.prepared): building them cost more than running them (3.5 of screening's 5.7 ms,
# measured on the bench's replies). Stand-ins: an account id no row has, a body no comment
# has, moments no comment was written at.
_AUTHOR = -7_310_450
_BODY = "\x00screening stand-in body"
_STARTS = tuple(STAND_IN_NOW + timedelta(seconds=n) for n in (1, 2, 3))

_WORDS = PreparedQuery(
    ScreeningWord,
    lambda: ScreeningWord.objects.order_by("kind", "phrase").values_list(
        "kind", "phrase", "rule_id", "rule__number", "rule__title"
    ),
)


def word_lists() -> dict[str, _WordList]:
    """Return the banned and the suspect list as they stand now, compiled (one query)."""
    rows = {kind: [] for kind in ScreeningWord.Kind.values}
    for kind, *row in _WORDS.rows():
        rows[kind].append(tuple(row))
    return {kind: _compiled(tuple(listed)) for kind, listed in rows.items()}


def word_list(kind: str) -> _WordList:
    """Return the banned or suspect list as it stands now, compiled (one query)."""
    return word_lists()[kind]


def _memo(sub: Submission, name: str, read):
    if name not in sub.memo:
        sub.memo[name] = read()
    return sub.memo[name]


@lru_cache(maxsize=64)
def screened_texts(body: str) -> frozenset[str]:
    """Return the texts the word lists are matched against, normalized: the text as typed and
    the text as shown, as markup can join ("id*io*t") what the typed text splits."""
    return frozenset({normalize_for_matching(body), normalize_for_matching(rendered_text(body))})


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- rules that reject ------------------------------------------------------------------


def rule_article_open(sub: Submission) -> Verdict | None:
    if sub.article.accepts_comments():
        return None
    return Verdict(REJECT, "closed", _("Comments are closed on this article."), status=403)


# SanctionQuerySet.in_force_for, prepared: the clock is each run's (the submission's now).
_SANCTION = PreparedModelQuery(
    Sanction,
    lambda author: Sanction.objects.in_force_of(author).select_related("rule"),
    author=_AUTHOR,
)


def rule_sanction(sub: Submission) -> Verdict | None:
    sanction = _SANCTION.first(author=sub.author.pk, now=sub.now)
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


def window_aggregates(starts) -> dict:
    """Return the aggregates seconds_to_wait reads of the earlier writes: per window (the
    moment it starts, window_starts), how many fall in it and the oldest of them."""
    aggregates = {}
    for n, start in enumerate(starts):
        recent = Q(created_at__gt=start)
        aggregates[f"window_{n}_count"] = Count("pk", filter=recent)
        aggregates[f"window_{n}_oldest"] = Min("created_at", filter=recent)
    return aggregates


def window_starts(limits, now) -> list[datetime]:
    """Return when each (window, most writes in it) pair's window starts, seen from now."""
    return [now - window for window, _limit in limits]


def wait_from(values: dict, *, limits, now) -> int | None:
    """Return the seconds to wait from window_aggregates' values, or None."""
    for n, (window, limit) in enumerate(limits):
        if values[f"window_{n}_count"] >= limit:
            oldest = values[f"window_{n}_oldest"]
            return max(1, int((oldest + window - now).total_seconds()) + 1)
    return None


def seconds_to_wait(times, *, limits, now) -> int | None:
    """Return how many seconds a writer must wait before their next write, or None: `times`
    is a queryset of the writer's earlier writes with a `created_at`, `limits` (window,
    most writes in it) pairs, checked in order. Comment posts and translation reports share
    this rule. One query."""
    values = times.aggregate(**window_aggregates(window_starts(limits, now)))
    return wait_from(values, limits=limits, now=now)


def _rate_limits():
    return ((timedelta(minutes=1), conf("RATE_PER_MINUTE")),
            (timedelta(hours=1), conf("RATE_PER_HOUR")))  # fmt: skip


def author_activity(sub: Submission) -> dict:
    """Return what the rules read of the author's past comments, in one query: the rate
    windows' counts (window_aggregates), whether they posted this same text within the
    duplicate window (`duplicate`), and how many comments they ever posted (`posted`)."""

    def read():
        window = timedelta(minutes=conf("DUPLICATE_WINDOW_MINUTES"))
        starts = window_starts(_rate_limits(), sub.now)
        (row,) = _ACTIVITY.rows(
            author=sub.author.pk,
            body=sub.body,
            **{f"start_{n}": start for n, start in enumerate(starts)},
            duplicate_start=sub.now - window,
        )
        return dict(zip(_ACTIVITY_NAMES, row, strict=True))

    return _memo(sub, "activity", read)


def _activity_aggregates(starts, body, duplicate_start) -> dict:
    return {
        **window_aggregates(starts),
        "duplicate": Count("pk", filter=Q(body=body, created_at__gt=duplicate_start)),
        "posted": Count("pk"),
    }


_ACTIVITY_NAMES = tuple(_activity_aggregates(_STARTS[:2], _BODY, _STARTS[2]))
# One row whatever the author wrote: grouped by a constant, which the ORM leaves out, so the
# aggregates run over all of the author's comments.
_ACTIVITY = PreparedQuery(
    Comment,
    lambda author, body, start_0, start_1, duplicate_start: (
        Comment.objects.filter(author_id=author)
        .annotate(everything=Value(1, output_field=IntegerField()))
        .values("everything")
        .annotate(**_activity_aggregates((start_0, start_1), body, duplicate_start))
        .values_list(*_ACTIVITY_NAMES)
    ),
    author=_AUTHOR,
    body=_BODY,
    start_0=_STARTS[0],
    start_1=_STARTS[1],
    duplicate_start=_STARTS[2],
)


def rule_rate_limit(sub: Submission) -> Verdict | None:
    retry = wait_from(author_activity(sub), limits=_rate_limits(), now=sub.now)
    if retry is None:
        return None
    message = ngettext(
        "You are posting too fast. Try again in {n} second.",
        "You are posting too fast. Try again in {n} seconds.",
        retry,
    ).format(n=retry)
    return Verdict(REJECT, "rate_limited", message, retry_after=retry, status=429)


def rule_duplicate(sub: Submission) -> Verdict | None:
    if not author_activity(sub)["duplicate"]:
        return None
    return Verdict(
        REJECT,
        "duplicate",
        _("You posted this same comment a moment ago; it was not posted twice."),
        status=409,
    )


def rule_banned_words(sub: Submission) -> Verdict | None:
    return _word_verdict(sub, ScreeningWord.Kind.BANNED)


# --- rules that hold for review ---------------------------------------------------------


def rule_suspect_words(sub: Submission) -> Verdict | None:
    return _word_verdict(sub, ScreeningWord.Kind.SUSPECT)


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
    if author_activity(sub)["posted"] >= first:
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


def _word_verdict(sub: Submission, kind: str) -> Verdict | None:
    entry = _memo(sub, "word_lists", word_lists)[kind].first_match(screened_texts(sub.body))
    if entry is None:
        return None
    number = entry.rule_number
    if kind == ScreeningWord.Kind.BANNED:
        if number is not None:
            message = _(
                "This comment breaks Rule {number} of our Comment Policy ({title}) "
                "and was not posted."
            ).format(number=number, title=entry.rule_title)
        else:
            message = _("This comment uses language our Comment Policy does not allow.")
        return Verdict(REJECT, "banned_word", message, number, rule_id=entry.rule_id)
    return Verdict(
        HOLD,
        "suspect_word",
        _("This comment will appear once a moderator has checked its wording."),
        number,
        rule_id=entry.rule_id,
    )


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
