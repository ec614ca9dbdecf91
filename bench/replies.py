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

REPLIES = 30
REPLY_P50_MS = 20
# One author per reply keeps every post under the screening rate limits (5 a minute per author).
REPLIER_PREFIX = "bench-replier-"


def _repliers() -> list[User]:
    names = [f"{REPLIER_PREFIX}{n}" for n in range(REPLIES)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    unusable = make_password(None)  # signed in with force_login, never with a password
    User.objects.bulk_create(
        [User(username=name, password=unusable) for name in names if name not in have]
    )
    return list(User.objects.filter(username__in=names).order_by("username"))


def reply_times(discussion) -> None:
    """Time replies posted as signed-in readers, then delete them to keep the size fixed."""
    article = discussion.article
    url = f"{article.get_absolute_url()}comments/"
    rng = random.Random(time.time_ns())  # noqa: S311 - a new sample of parents each run
    parents = list(
        Comment.objects.filter(article=article, status=Comment.Status.VISIBLE).values_list(
            "pk", flat=True
        )
    )
    # One client, signed in as each replier in turn outside the timing: a test Client loads
    # the middleware (WhiteNoise indexes every static file, ~10 ms) on its first request, which
    # a running server does once at start, not per reply.
    client = Client()
    samples: list[float] = []
    vote_samples: list[float] = []
    posted: list[int] = []
    stamp = time.time_ns()
    try:
        for n, user in enumerate(_repliers()):
            client.force_login(user)
            body = f"Bench reply {stamp}-{n}: I read the original and the translation is fair."
            started = time.perf_counter()
            response = client.post(url, {"body": body, "parent": rng.choice(parents)})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                raise RuntimeError(f"reply answered {response.status_code}, not a redirect")
            posted.append(int(response["Location"].rsplit("#comment-", 1)[1]))
            if n:  # the first one warms the connection and the code paths
                samples.append(elapsed)
            # A vote on the same thread by the same reader, the reply's yardstick; withdrawn
            # at once (untimed) so the counters stay as they were.
            target = rng.choice(parents)
            vote_url = f"/comments/{target}/vote/"
            started = time.perf_counter()
            response = client.post(vote_url, {"value": "1"}, HTTP_ACCEPT="application/json")
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 200:
                if response.json()["value"] == 1 and n:
                    vote_samples.append(elapsed)
                client.post(vote_url, {"value": "0"}, HTTP_ACCEPT="application/json")
    finally:
        _delete(article, posted)
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


def _delete(article, pks: list[int]) -> None:
    """Delete the bench's replies (leaves) with mptt, under each tree's lock, newest first."""
    with transaction.atomic():
        for comment in Comment.objects.filter(pk__in=pks).order_by("-pk"):
            lock_tree(comment.tree_id)
            comment.refresh_from_db()
            comment.delete()
        article_touch(article_id=article.pk)
