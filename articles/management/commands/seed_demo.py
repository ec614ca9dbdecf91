"""Load the demo articles, their source comments, reader discussions, votes and demo users.

The content lives in demo/content.json: invented stories, written for crosstalk. Every article,
outlet, quote and comment there is made up; the source URLs point at example.com. The password
is public on purpose: a newcomer signs in as any demo user with it. An article's body is stored
as a list of lines. A discussion is listed in pre-order: each comment's `depth` is its tree
level (0 = top level) and its parent is the nearest earlier comment one level up.
"""

import json
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from articles.models import Article, Category, SourceComment, Tag
from discussions.services import comment_post, vote_cast
from glossary.demo import glossary_seed

CONTENT_PATH = Path(__file__).resolve().parent / "demo" / "content.json"
# No demo comment is dated later than this before the moment the command runs.
LATEST_COMMENT_AGE = timedelta(minutes=1)


class DemoComment(NamedTuple):
    depth: int
    author: str
    minutes: int  # after the parent, or after publication for a top-level comment
    body: str
    up: int = 0
    down: int = 0


class DemoSourceComment(NamedTuple):
    platform: str
    text: str
    original_text: str = ""
    upvotes: int | None = None
    downvotes: int | None = None
    translator_note: str = ""
    language: str = ""  # empty: the article's source language


def demo_content_load(path: Path = CONTENT_PATH) -> tuple[str, list[tuple[str, str]], list[dict]]:
    """Return the demo password, the (username, display name) pairs and the article specs."""
    content = json.loads(path.read_text(encoding="utf-8"))
    users = [(user["username"], user["display_name"]) for user in content["users"]]
    articles = [
        {
            **spec,
            "body": "\n".join(spec["body"]),
            "source_comments": [DemoSourceComment(**item) for item in spec["source_comments"]],
            "discussion": [DemoComment(**entry) for entry in spec["discussion"]],
        }
        for spec in content["articles"]
    ]
    return content["password"], users, articles


DEMO_PASSWORD, DEMO_USERS, ARTICLES = demo_content_load()


class Command(BaseCommand):
    help = "Load the demo articles, discussions and users; skip articles that already exist."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an article.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("The database already has articles; demo content not loaded.")
            return
        users = demo_users_ensure()
        now = timezone.now()
        for spec in ARTICLES:
            if Article.objects.filter(slug=spec["slug"]).exists():
                self.stdout.write(f"Skipped {spec['slug']}: an article with this slug exists.")
                continue
            with transaction.atomic():
                article = demo_article_create(spec=spec, users=users, now=now)
            self.stdout.write(
                f"Created {article.get_absolute_url()} with {len(spec['discussion'])} comments "
                f"and {len(spec['source_comments'])} source comments."
            )
        terms = glossary_seed()
        self.stdout.write(f"Glossary: {terms} terms created.")
        names = ", ".join(username for username, _name in DEMO_USERS)
        self.stdout.write(f"Demo users: {names}")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")


def demo_users_ensure() -> dict[str, User]:
    """Return the demo users by username, creating the missing ones."""
    usernames = [username for username, _name in DEMO_USERS]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    missing = [(username, name) for username, name in DEMO_USERS if username not in users]
    if missing:
        # One hash for all of them: the password is public, and hashing is the slow part.
        password = make_password(DEMO_PASSWORD)
        for username, name in missing:
            users[username] = User.objects.create(
                username=username, display_name=name, password=password
            )
    return users


def demo_article_create(*, spec: dict, users: dict[str, User], now) -> Article:
    """Create one published demo article with its source comments, discussion and votes."""
    category, _created = Category.objects.get_or_create(
        name=spec["category"], defaults={"slug": slugify(spec["category"])}
    )
    article = Article.objects.create(
        title=spec["title"],
        original_title=spec.get("original_title", ""),
        slug=spec["slug"],
        dek=spec["dek"],
        body=spec["body"],
        source_name=spec["source_name"],
        source_url=spec["source_url"],
        source_language=spec["source_language"],
        translator=spec["translator"],
        category=category,
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(hours=spec["hours_ago"]),
    )
    article.tags.set(
        Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
        for name in spec["tags"]
    )
    positions: dict[str, int] = {}
    source_comments = []
    for item in spec["source_comments"]:
        positions[item.platform] = positions.get(item.platform, 0) + 1
        # bulk_create skips SourceComment.save(), which would fill in the language.
        fields = item._asdict() | {"language": item.language or article.source_language}
        source_comments.append(
            SourceComment(article=article, position=positions[item.platform], **fields)
        )
    SourceComment.objects.bulk_create(source_comments)
    discussion_post(article=article, entries=spec["discussion"], users=users, now=now)
    return article


def discussion_post(*, article: Article, entries, users: dict[str, User], now) -> None:
    """Post the pre-ordered entries as a comment tree, then cast their votes."""
    latest = now - LATEST_COMMENT_AGE
    # path[level] is the last comment posted at that level: the parent of the next one below it.
    path = []
    posted = []
    for entry in entries:
        if not 0 <= entry.depth <= len(path):
            raise ValueError(
                f"{article.slug}: a comment at depth {entry.depth} has no parent "
                f"(previous depth {len(path) - 1})"
            )
        del path[entry.depth :]
        parent = path[-1] if path else None
        after = parent.created_at if parent else article.published_at
        comment = comment_post(
            article=article,
            author=users[entry.author],
            body=entry.body,
            parent_id=parent.pk if parent else None,
            created_at=min(after + timedelta(minutes=entry.minutes), latest),
        )
        path.append(comment)
        posted.append((comment, entry))
    voters = [users[username] for username, _name in DEMO_USERS]
    for index, (comment, entry) in enumerate(posted):
        others = [user for user in voters if user.pk != comment.author_id]
        # Rotate so the same users are not always first to vote up.
        start = index % len(others)
        others = others[start:] + others[:start]
        for user in others[: entry.up]:
            vote_cast(comment=comment, user=user, value=1)
        for user in others[entry.up : entry.up + entry.down]:
            vote_cast(comment=comment, user=user, value=-1)
