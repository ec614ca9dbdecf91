"""Seed a throwaway database: readers, published articles, discussions.

Run with the site's environment (DATABASE_URL, production settings):
    python -m soak.seed --users 40 --articles 4 --comments 60 [--big 300]
It prints one JSON object: the readers' password and names, the articles' slugs and their
comments (id and author), and the Comment Policy rule numbers.

Seeded comments are dated a day back, so they count against no reader's posting rate limit.
"""

import argparse
import json
import os
import random
import secrets
import sys
from datetime import timedelta


def seed(*, users: int, articles: int, comments: int, prefix: str, big: int = 0) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from articles.models import Article
    from discussions.models import PolicyRule
    from discussions.services import comment_post

    rng = random.Random(prefix)  # noqa: S311 - test data shapes, not secrets
    password = secrets.token_urlsafe(16)
    hashed = make_password(password)  # once: the production hasher takes half a second
    readers = []
    for n in range(users):
        user = User(username=f"{prefix}-reader-{n}", display_name=f"Reader {n}", password=hashed)
        user.save()
        readers.append(user)
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    seeded = []
    for a in range(articles):
        article = Article.objects.create(
            title=f"Seoul subway adds quiet cars, part {a}",
            slug=f"{prefix}-article-{a}",
            dek="Commuters split over a pilot that bans phone calls.",
            body="<p>The pilot starts on Line 2 next month.</p>",
            source_name="Segye Ilbo",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=a + 1),
        )
        posted = []
        for c in range(big if a == 0 and big else comments):
            author = rng.choice(readers)
            parent = rng.choice(posted) if posted and rng.random() < 0.7 else None
            comment = comment_post(
                article=article,
                author=author,
                body=f"Seeded comment {c} on article {a}: *quiet* cars, 조용한 칸.",
                parent_id=parent["id"] if parent else None,
                created_at=day_ago + timedelta(seconds=c),
            )
            posted.append({"id": comment.pk, "author": author.username})
        seeded.append({"slug": article.slug, "comments": posted})
    return {
        "password": password,
        "users": [user.username for user in readers],
        "articles": seeded,
        "rules": list(PolicyRule.objects.order_by("number").values_list("number", flat=True)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak.seed", description=__doc__)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--comments", type=int, default=60, help="comments per article")
    parser.add_argument("--big", type=int, default=0, help="comments on the first article")
    parser.add_argument("--prefix", default="soak")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        parser.error("DATABASE_URL must name the throwaway database")
    import django

    django.setup()
    result = seed(users=args.users, articles=args.articles, comments=args.comments,
                  prefix=args.prefix, big=args.big)  # fmt: skip
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
