"""The benchmark's discussions: built once in bulk through comments_import, reused after.

Shape of a generated discussion (deterministic for a given size):
- about 25% of the comments are top level, the rest replies;
- a reply picks its parent by preferential attachment (a comment that already has k replies is
  k + 1 times as likely to get the next one), which gives power-law reply counts, and now and
  then answers the newest comment (a back-and-forth), which builds deep chains;
- depth is capped at 12 (levels 0 to 12);
- bodies are 50 to 800 characters (log-normal, median ~220), some with paragraphs, emphasis
  or a link, rendered by the site's own markdown renderer;
- votes are Pareto-distributed; 3% of comments are deleted, removed or spam (placeholders).
"""

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from articles.models import Article
from bench.report import progress
from discussions.models import Comment, Vote
from discussions.services import ImportedComment, comments_import, vote_cast

SOURCE = "bench"
SIZES = (200, 2_000, 10_000)
MAX_LEVEL = 12
TOP_LEVEL_SHARE = 0.25
BACK_AND_FORTH = 0.12  # share of replies that answer the newest comment
USERS = 300
USER_PREFIX = "bench-user-"
READER = "bench-reader"  # the signed-in reader of the query-count figures
READER_VOTES = 30

_WORDS = (
    "the a of to and in that is for it on with as was this but they be at by not are from have "
    "or one had an what all were we when there can more if no out so said up about which some "
    "could them into only other then than now also our after how over just even because any "
    "these most us government seoul beijing subway policy ministry rent housing prices young "
    "workers translation article reporter comment source netizens weibo naver commuters city "
    "election data survey school exam teachers parents tax reform budget market exports chips "
    "factory overtime wages pension rural migrants quiet cars phone calls platform moderators "
    "honestly agree disagree really think people should would never always maybe probably why "
    "read again original headline context numbers percent year month week last next since"
).split()


@dataclass
class Discussion:
    article: Article
    size: int
    comment_ids: list


def slug_for(size: int) -> str:
    return f"bench-{size}"


def ensure_users() -> tuple[User, list[int]]:
    """Return the signed-in reader and the ids of the pool of commenting users."""
    existing = set(
        User.objects.filter(username__startswith=USER_PREFIX).values_list("username", flat=True)
    )
    unusable = make_password(None)  # the bench signs its users in without passwords
    missing = [
        User(username=f"{USER_PREFIX}{n}", display_name=f"Bench Reader {n}", password=unusable)
        for n in range(USERS)
        if f"{USER_PREFIX}{n}" not in existing
    ]
    User.objects.bulk_create(missing)
    reader, _ = User.objects.get_or_create(
        username=READER, defaults={"display_name": "The Bench Reader", "password": unusable}
    )
    pool = list(
        User.objects.filter(username__startswith=USER_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return reader, pool


def _body(rng: random.Random) -> str:
    target = int(min(799, max(49, rng.lognormvariate(math.log(220), 0.7))))
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(_WORDS)
        roll = rng.random()
        if roll < 0.01:
            word = f"https://example.org/{rng.choice(_WORDS)}/{rng.randrange(10_000)}"
        elif roll < 0.03:
            word = f"*{word}*"
        elif roll < 0.05 and words:
            word = f"{word}.\n\n{rng.choice(_WORDS).capitalize()}"
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)
    if len(text) > target:
        text = text[:target].rsplit(" ", 1)[0]
    text = text[0].upper() + text[1:]
    while len(text) < 50:
        text += " " + rng.choice(_WORDS)
    return text + "."


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.015:
        return Comment.Status.DELETED
    if roll < 0.025:
        return Comment.Status.REMOVED
    if roll < 0.03:
        return Comment.Status.SPAM
    return Comment.Status.VISIBLE


def generate(size: int, *, pool: list[int], reader_id: int) -> list[ImportedComment]:
    """Return the comments of one discussion, oldest first (parents before their replies)."""
    rng = random.Random(size)  # noqa: S311 - benchmark data, not security
    roots = set(rng.sample(range(1, size), max(0, round(size * TOP_LEVEL_SHARE) - 1))) | {0}
    levels: list[int] = []
    urn: list[int] = []  # one entry per comment that may get replies, plus one per reply it got
    start = timezone.now() - timedelta(days=3)
    step = timedelta(days=2) / size
    items = []
    for index in range(size):
        parent = None
        if index not in roots:
            if rng.random() < BACK_AND_FORTH and levels[index - 1] < MAX_LEVEL:
                parent = index - 1
            else:
                parent = urn[rng.randrange(len(urn))]
        level = 0 if parent is None else levels[parent] + 1
        levels.append(level)
        if level < MAX_LEVEL:
            urn.append(index)
        if parent is not None and levels[parent] < MAX_LEVEL:
            urn.append(parent)
        roll = rng.random()
        author_id, guest = None, ""
        if roll < 0.005:
            author_id = reader_id
        elif roll < 0.75:
            author_id = rng.choice(pool)
        else:
            guest = f"Guest {rng.randrange(5_000)}"
        body = _body(rng)
        items.append(
            ImportedComment(
                external_id=f"{size}-{index}",
                parent_external_id=None if parent is None else f"{size}-{parent}",
                body=body,
                created_at=start + step * index + timedelta(seconds=rng.random()),
                status=_status(rng),
                guest_name=guest,
                author_id=author_id,
                upvotes=min(900, int(rng.paretovariate(1.3)) - 1),
                downvotes=min(300, int(rng.paretovariate(2.0)) - 1),
            )
        )
    return items


def _wipe(article: Article) -> None:
    """Delete every comment of the article and what hangs on them (whole trees at once)."""
    table = Comment._meta.db_table
    with transaction.atomic():
        Vote.objects.filter(comment__article=article).delete()
        for model in (Comment.flags.rel.related_model, Comment.revisions.rel.related_model):
            model.objects.filter(comment__article=article).delete()
        Comment.actions.rel.related_model.objects.filter(comment__article=article).update(
            comment=None
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE article_id = %s", [article.pk])  # noqa: S608
        Article.objects.filter(pk=article.pk).update(comment_count=0)


def ensure_discussion(size: int, *, reader: User, pool: list[int]) -> Discussion:
    """Return the article with a generated discussion of that size, building it if needed."""
    article, _ = Article.objects.get_or_create(
        slug=slug_for(size),
        defaults={
            "title": f"Benchmark discussion with {size:,} comments",
            "dek": "Generated by make bench.",
            "body": "<p>Seoul's subway adds quiet cars on Line 2; commuters split.</p>" * 5,
            "source_name": "Segye Ilbo",
            "translator": "Bench",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(days=3),
            "close_comments_after_days": 0,
        },
    )
    comments = Comment.objects.filter(article=article)
    imported = comments.filter(import_source=SOURCE).count()
    if imported != size or comments.count() != size:
        progress(f"building the {size:,}-comment discussion (comments_import)")
        _wipe(article)
        items = generate(size, pool=pool, reader_id=reader.pk)
        outcome = comments_import(article=article, source=SOURCE, items=items)
        assert outcome.created == size, outcome  # noqa: S101 - the bench must not go on wrong
    article.refresh_from_db()
    ids = list(comments.order_by("tree_id", "lft").values_list("pk", flat=True))
    if size > 200 and not Vote.objects.filter(user=reader, comment__article=article).exists():
        _reader_votes(article, reader, size)
        article.refresh_from_db()
    return Discussion(article=article, size=size, comment_ids=ids)


def settle() -> None:
    """Vacuum and analyze the bench's database, as autovacuum soon would on a site: the
    figures then measure the steady state, not tables just written in bulk.

    On a freshly built database the first run's plans came from tables PostgreSQL had never
    analyzed (the followers and notifications ones empty until then), and its first reads set
    the hint bits of every page the import wrote: the notification fan-out read 7.7-9.1 ms
    against 0.9-3.2 ms in every later run, the uncached page 0.0378 of the floor against
    0.040. Outside any transaction (VACUUM refuses to run in one)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _reader_votes(article: Article, reader: User, size: int) -> None:
    """Give the signed-in reader votes in the thread, so its page presses some buttons."""
    rng = random.Random(-size)  # noqa: S311
    candidates = list(
        Comment.objects.filter(article=article, status=Comment.Status.VISIBLE)
        .exclude(author=reader)
        .order_by("-upvotes")
        .values_list("pk", flat=True)[:400]
    )
    for pk in rng.sample(candidates, min(READER_VOTES, len(candidates))):
        vote_cast(comment=Comment.objects.get(pk=pk), user=reader, value=rng.choice((1, 1, -1)))


def shape(size: int) -> dict:
    """Return a few numbers describing the generated discussion (for the report)."""
    rows = list(
        Comment.objects.filter(article__slug=slug_for(size)).values_list("level", "parent_id")
    )
    replies: dict[int, int] = {}
    for _level, parent in rows:
        if parent:
            replies[parent] = replies.get(parent, 0) + 1
    return {
        "comments": len(rows),
        "top_level": sum(1 for level, _ in rows if level == 0),
        "max_depth": max((level for level, _ in rows), default=0),
        "max_replies": max(replies.values(), default=0),
    }
