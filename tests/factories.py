"""Small factory functions for test data: plain functions, overridable by keyword."""

import itertools
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from articles.models import Article, Category, SourceComment
from discussions.models import Comment
from discussions.services import comment_post

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_user(**overrides) -> User:
    n = next(_seq)
    fields = {"username": f"reader{n}", "display_name": f"Reader {n}"}
    fields.update(overrides)
    password = fields.pop("password", PASSWORD)
    user = User(**fields)
    user.set_password(password)
    user.save()
    return user


def make_category(**overrides) -> Category:
    n = next(_seq)
    fields = {"name": f"Society {n}", "slug": f"society-{n}"}
    fields.update(overrides)
    return Category.objects.create(**fields)


def make_article(**overrides) -> Article:
    n = next(_seq)
    fields = {
        "title": f"Seoul subway adds quiet cars {n}",
        "slug": f"seoul-subway-quiet-cars-{n}",
        "dek": "Commuters split over a pilot that bans phone calls.",
        "body": "<p>The pilot starts on Line 2 next month.</p>",
        "source_name": "Segye Ilbo",
        "source_url": "https://example.org/segye/1",
        "translator": "Translator Kim",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=n),
    }
    fields.update(overrides)
    return Article.objects.create(**fields)


def make_source_comment(article, **overrides) -> SourceComment:
    fields = {"platform": "naver", "position": next(_seq), "text": "Finally some peace.",
              "upvotes": 120, "downvotes": 4}  # fmt: skip
    fields.update(overrides)
    return SourceComment.objects.create(article=article, **fields)


def make_comment(article=None, *, parent=None, author=None, body=None, **kwargs) -> Comment:
    """Post a comment through the service (the only writer of tree positions)."""
    article = article or (parent.article if parent else make_article())
    author = author or make_user()
    return comment_post(
        article=article,
        author=author,
        body=body or f"Comment number {next(_seq)}",
        parent_id=parent.pk if parent else None,
        **kwargs,
    )


def make_thread(article=None, *, depth: int, author=None) -> list[Comment]:
    """Return a chain of comments, each replying to the previous one, depth+1 long."""
    article = article or make_article()
    chain = [make_comment(article, author=author)]
    for _ in range(depth):
        chain.append(make_comment(article, parent=chain[-1], author=author))
    return chain


def make_discussion(article, *, count: int, fanout: int = 3) -> list[Comment]:
    """Return count comments in a bushy shape: each new one replies to an earlier one."""
    authors = [make_user() for _ in range(5)]
    comments: list[Comment] = []
    for i in range(count):
        parent = comments[(i - 1) // fanout] if i and i % 4 else None
        comments.append(make_comment(article, parent=parent, author=authors[i % len(authors)]))
    return comments
