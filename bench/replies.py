"""Reply into the 2,000-comment discussion: POST through the whole stack, up to the redirect."""

import random
import time

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import Client

from accounts.models import User
from bench.report import emit, p50, percentile
from discussions.models import Comment
from discussions.services import article_touch, lock_tree
from notifications.models import Follow

REPLIES = 30
REPLY_P50_MS = 20
# One author per reply keeps every post under the screening rate limits (5 a minute per author).
REPLIER_PREFIX = "bench-replier-"
# The fan-out figure: the same replies again, the article followed by this many readers.
FOLLOWERS = 50
FOLLOWER_PREFIX = "bench-follower-"
FANOUT_MS = 5


def _repliers(prefix: str = REPLIER_PREFIX, count: int = REPLIES) -> list[User]:
    names = [f"{prefix}{n}" for n in range(count)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    unusable = make_password(None)  # signed in with force_login, never with a password
    User.objects.bulk_create(
        [User(username=name, password=unusable) for name in names if name not in have]
    )
    return list(User.objects.filter(username__in=names).order_by("username"))


def reply_times(discussion) -> None:
    """Time replies (and votes) posted as signed-in readers, and the same replies with the
    article followed by FOLLOWERS readers, for the cost of the notifications' fan-out."""
    # Each pair of replies, one plain and one followed, answers the same parent, in turns
    # (plain first, then followed first): a reply's cost depends on its tree's size (mptt
    # moves every later node of the tree) and on the table's state (each reply leaves dead
    # row versions behind), and a run of plain replies before a run of followed ones had
    # the second run pay for the first's (a fan-out of 3.4-9.6 ms read in three runs).
    seed = time.time_ns()
    followers = _repliers(FOLLOWER_PREFIX, FOLLOWERS)
    article = discussion.article

    def follow(on: bool) -> None:
        if on:
            Follow.objects.bulk_create([Follow(user=f, article=article) for f in followers])
        else:
            Follow.objects.filter(user__in=followers, article=article).delete()

    try:
        samples, vote_samples, followed = _reply_samples(
            article, _repliers(), _repliers(f"{REPLIER_PREFIX}f-"), seed=seed, follow=follow
        )
    finally:
        follow(False)
    emit(
        "reply_post_2000_p50",
        p50(samples),
        "ms",
        at_most=REPLY_P50_MS,
        p90=percentile(samples, 0.9),
        runs=len(samples),
        how="test Client POST as a signed-in reader, random visible parent, to the 302",
    )
    emit(
        "vote_post_2000_p50",
        p50(vote_samples),
        "ms",
        runs=len(vote_samples),
        how="test Client POST of an up vote (JSON) on a random visible comment, same readers",
    )
    emit(
        "reply_vs_vote_2000",
        p50(samples) / p50(vote_samples),
        "x",
        at_most=2.0,
        reply_ms=p50(samples),
        vote_ms=p50(vote_samples),
    )
    emit(
        "notification_fanout_50_followers_ms",
        p50(followed) - p50(samples),
        "ms",
        at_most=FANOUT_MS,
        reply_ms=p50(samples),
        reply_followed_ms=p50(followed),
        how=f"reply p50 with the article followed by {FOLLOWERS} readers minus without",
    )


def _reply_samples(
    article, repliers: list[User], followed_repliers: list[User], *, seed: int, follow
) -> tuple[list[float], list[float], list[float]]:
    """Post pairs of replies to parents drawn with this seed, one with the article's
    followers unset and one with them set (follow(True/False), untimed), in turns, and a
    vote after each plain one; return the ms timings of the plain replies, of the votes and
    of the followed replies. The replies are deleted afterwards to keep the discussion's
    size fixed."""
    url = f"{article.get_absolute_url()}comments/"
    rng = random.Random(seed)  # noqa: S311 - a sample of parents, the same for the same seed
    parents = list(
        Comment.objects.filter(article=article, status=Comment.Status.VISIBLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # One client, signed in as each replier in turn outside the timing: a test Client loads
    # the middleware (WhiteNoise indexes every static file, ~10 ms) on its first request, which
    # a running server does once at start, not per reply.
    client = Client()
    samples: list[float] = []
    vote_samples: list[float] = []
    followed_samples: list[float] = []
    posted: list[int] = []
    stamp = time.time_ns()
    following = False
    try:
        for n, (user, followed_user) in enumerate(zip(repliers, followed_repliers, strict=True)):
            parent = rng.choice(parents)
            for followed in (False, True) if n % 2 == 0 else (True, False):
                if followed != following:
                    follow(followed)
                    following = followed
                client.force_login(followed_user if followed else user)
                body = f"Bench reply {stamp}-{n}-{int(followed)}: the translation is fair."
                started = time.perf_counter()
                response = client.post(url, {"body": body, "parent": parent})
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 302:
                    raise RuntimeError(f"reply answered {response.status_code}, not a redirect")
                posted.append(int(response["Location"].rsplit("#comment-", 1)[1]))
                if not n:  # the first pair warms the connection and the code paths
                    continue
                (followed_samples if followed else samples).append(elapsed)
                if followed:
                    continue
                # A vote on the same thread by the same reader, the reply's yardstick;
                # withdrawn at once (untimed) so the counters stay as they were.
                vote_url = f"/comments/{rng.choice(parents)}/vote/"
                started = time.perf_counter()
                response = client.post(vote_url, {"value": "1"}, HTTP_ACCEPT="application/json")
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code == 200:
                    if response.json()["value"] == 1:
                        vote_samples.append(elapsed)
                    client.post(vote_url, {"value": "0"}, HTTP_ACCEPT="application/json")
    finally:
        _delete(article, posted)
    return samples, vote_samples, followed_samples


def _delete(article, pks: list[int]) -> None:
    """Delete the bench's replies (leaves) with mptt, under each tree's lock, newest first."""
    with transaction.atomic():
        for comment in Comment.objects.filter(pk__in=pks).order_by("-pk"):
            lock_tree(tree_id=comment.tree_id)
            comment.refresh_from_db()
            comment.delete()
        article_touch(article_id=article.pk)
