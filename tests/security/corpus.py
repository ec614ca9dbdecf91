"""Seed a discussion made of hostile strings, through the same doors real data comes in by."""

import importlib
import itertools
import json
import tempfile
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from articles.models import Article
from discussions.models import Comment, ModerationAction, PolicyRule, Sanction
from discussions.services import comment_moderate, comment_post, flag_create, user_sanction
from tests.factories import make_article, make_category, make_user
from tests.security.xss_payloads import NAME_PAYLOADS, PAYLOADS, USERNAME_PAYLOADS

Action = ModerationAction.Action
Status = Comment.Status

CORPUS_SLUG = "hostile-corpus"


@dataclass
class Corpus:
    article: Article
    moderator: User
    authors: list[User]
    comments: list[Comment] = field(default_factory=list)
    imported: list[Comment] = field(default_factory=list)
    removed: list[Comment] = field(default_factory=list)
    pending: list[Comment] = field(default_factory=list)
    featured: list[Comment] = field(default_factory=list)

    def visible_ids(self) -> list[int]:
        return list(
            Comment.objects.filter(article=self.article, status=Status.VISIBLE).values_list(
                "pk", flat=True
            )
        )


def ensure_policy_rules() -> None:
    """Recreate the default Comment Policy rules, which a transactional test's flush removes."""
    rules = importlib.import_module("discussions.migrations.0002_default_policy").RULES
    for number, title, body in rules:
        PolicyRule.objects.get_or_create(number=number, defaults={"title": title, "body": body})


def seed_corpus() -> Corpus:
    """Create an article whose title, dek, comments, authors and moderation log are hostile."""
    ensure_policy_rules()
    category = make_category(name="<script>window.__xss=1</script> Society", slug="hostile")
    article = make_article(
        title="Quiet cars </title><script>window.__xss=1</script> {{7*7}} <b onclick=x>",
        slug=CORPUS_SLUG,
        dek='<img src=x onerror="window.__xss=1"> "quoted" </script><script>alert(1)</script>',
        translator="<svg onload=window.__xss=1>",
        source_name="<iframe src=javascript:window.__xss=1>",
        category=category,
    )
    moderator = make_user(
        username="hostile-mod",
        display_name='<img src=x onerror="window.__xss=1">',
        is_staff=True,
        is_superuser=True,
    )
    authors = [make_user(display_name=name) for name in NAME_PAYLOADS]
    authors += [make_user(username=name, display_name="") for name in USERNAME_PAYLOADS]
    corpus = Corpus(article=article, moderator=moderator, authors=authors)

    author_cycle = itertools.cycle(authors)
    for index, payload in enumerate(PAYLOADS):
        # Every fourth one answers the comment before it, so payloads also sit in nested replies.
        parent = corpus.comments[-1] if index % 4 == 3 else None
        comment = comment_post(
            article=article,
            author=next(author_cycle),
            body=payload,
            parent_id=parent.pk if parent else None,
        )
        corpus.comments.append(comment)

    corpus.imported = _import_guest_comments(article)
    _moderate(corpus)
    return corpus


def _import_guest_comments(article: Article) -> list[Comment]:
    """Import comments by guests (names and bodies hostile) through `import_json`."""
    now = timezone.now().isoformat()
    comments = [
        {"id": f"g{index}", "parent": "g0" if index % 5 == 2 else None, "author": name,
         "created": now, "edited": None, "status": "visible", "body": body,
         "upvotes": 1, "downvotes": 0}
        for index, (name, body) in enumerate(
            zip(itertools.cycle(NAME_PAYLOADS + USERNAME_PAYLOADS), PAYLOADS, strict=False)
        )
    ]  # fmt: skip
    document = {
        "format": "crosstalk-discussions/1",
        "articles": [
            {"slug": article.slug, "title": article.title, "url": "", "comments": comments}
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        call_command("import_json", str(path), stdout=StringIO())
    return list(Comment.objects.filter(article=article, import_source="json").order_by("pk"))


def _moderate(corpus: Corpus) -> None:
    rules = list(PolicyRule.objects.order_by("number"))
    notes = itertools.cycle(PAYLOADS)
    comments = corpus.comments
    mod = corpus.moderator
    # Removed and spam comments stay in the log (and as placeholders when they have replies).
    for comment in comments[0:12:3]:
        comment_moderate(comment=comment, moderator=mod, action=Action.REMOVE,
                         rule=rules[0], note=next(notes))  # fmt: skip
        corpus.removed.append(comment)
    comment_moderate(comment=comments[13], moderator=mod, action=Action.SPAM, rule=rules[-1],
                     note=next(notes))  # fmt: skip
    corpus.removed.append(comments[13])
    # Featured comments show on the article page as editors' picks.
    for comment in (comments[4], comments[10], comments[17]):
        comment_moderate(comment=comment, moderator=mod, action=Action.FEATURE, note=next(notes))
        corpus.featured.append(comment)
    # Flagged by three readers: held for review, in the queue, with hostile flag notes.
    flaggers = corpus.authors[:3]
    for comment in (comments[20], comments[24], comments[28]):
        for reader in flaggers:
            if reader.pk != comment.author_id:
                flag_create(comment=comment, user=reader, rule=rules[1], note=next(notes))
    for comment in (comments[20], comments[24], comments[28]):
        comment.refresh_from_db()
        if comment.status == Status.PENDING:
            corpus.pending.append(comment)
    # One held comment approved again, with a note that the public log shows.
    held = comment_post(article=corpus.article, author=corpus.authors[0],
                        body="<b onmouseover=window.__xss=1>held</b>", status=Status.PENDING,
                        hold_reason='<img src=x onerror="window.__xss=1">')  # fmt: skip
    comment_moderate(comment=held, moderator=mod, action=Action.APPROVE, note=next(notes))
    corpus.pending.append(
        comment_post(
            article=corpus.article,
            author=corpus.authors[1],
            body="[still held](javascript:window.__xss=1)",
            status=Status.PENDING,
            hold_reason="<script>window.__xss=1</script>",
        )  # fmt: skip
    )
    user_sanction(user=corpus.authors[-1], kind=Sanction.Kind.BAN, moderator=mod, rule=rules[2],
                  reason="<script>window.__xss=1</script> {{7*7}}")  # fmt: skip
