"""The discussion's sort orders, each defined once.

A sort is a score (a SQL expression over the comment's vote counters, or none) and the
direction of time among equal scores, spelled once as an ORDER BY (Sort.order_by): PostgreSQL
orders the top-level comments by it and every read of a discussion's rows, whose replies the
layout then keeps in the order they arrive (discussions.layout). Python orders nothing.
"""

from django.db import models
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Cast, Greatest, Least, Power, Sqrt
from django.utils.translation import gettext_lazy as _

# z for an 80% confidence interval, as Reddit's and Lobsters' "confidence" sort.
WILSON_Z = 1.281551565545


def wilson_lower_bound():
    """Return the lower bound of the Wilson score interval for upvotes out of all votes (0
    without votes), as a SQL expression."""
    up = Cast("upvotes", FloatField())
    n = Cast(F("upvotes") + F("downvotes"), FloatField())
    z = Value(WILSON_Z)
    zz = Value(WILSON_Z * WILSON_Z)
    phat = up / n
    bound = (
        phat
        + zz / (Value(2.0) * n)
        - z * Sqrt((phat * (Value(1.0) - phat) + zz / (Value(4.0) * n)) / n)
    ) / (Value(1.0) + zz / n)
    return Case(When(Q(upvotes=0, downvotes=0), then=Value(0.0)), default=bound,
                output_field=FloatField())  # fmt: skip


def controversy():
    """Return Reddit's controversy score, (up + down) ** (smaller / larger), 0 when either side
    has no votes, as a SQL expression."""
    total = Cast(F("upvotes") + F("downvotes"), FloatField())
    ratio = Cast(Least("upvotes", "downvotes"), FloatField()) / Cast(
        Greatest("upvotes", "downvotes"), FloatField()
    )
    return Case(When(Q(upvotes__gt=0, downvotes__gt=0), then=Power(total, ratio)),
                default=Value(0.0), output_field=FloatField())  # fmt: skip


def net_votes():
    return Cast(F("upvotes") - F("downvotes"), FloatField())


class Sort(models.TextChoices):
    BEST = "best", _("Best")
    TOP = "top", _("Top")
    NEWEST = "newest", _("Newest")
    OLDEST = "oldest", _("Oldest")
    CONTROVERSIAL = "controversial", _("Controversial")

    @classmethod
    def parse(cls, value: str | None) -> "Sort":
        """Return the sort a query value names; anything else is the default."""
        return cls(value) if value in cls.values else DEFAULT_SORT

    @property
    def score(self):
        """Return the SQL score, highest first; None for the sorts by time alone."""
        return _SCORES[self]

    @property
    def newest_first(self) -> bool:
        """Return whether, among equal scores, newer comments come first."""
        return self in _NEWEST_FIRST

    def order_by(self) -> list:
        """Return the SQL ordering: score (highest first), then time, then id."""
        time = F("created_at").desc() if self.newest_first else F("created_at").asc()
        ident = F("id").desc() if self.newest_first else F("id").asc()
        if self.score is None:
            return [time, ident]
        return [self.score.desc(), time, ident]


_SCORES = {
    Sort.BEST: wilson_lower_bound(),
    Sort.TOP: net_votes(),
    Sort.NEWEST: None,
    Sort.OLDEST: None,
    Sort.CONTROVERSIAL: controversy(),
}
_NEWEST_FIRST = frozenset({Sort.TOP, Sort.NEWEST, Sort.CONTROVERSIAL})
DEFAULT_SORT = Sort.BEST
