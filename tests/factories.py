"""Small factory functions for test data: plain functions, overridable by keyword."""

import importlib
import io
import itertools
import json
from datetime import timedelta
from html.parser import HTMLParser

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from articles.models import Article, Category, SourceComment, Tag
from discussions import markup
from discussions.models import Comment, PolicyRule, PolicyVersion, ScreeningWord
from discussions.services import article_touch, comment_post, flag_create

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


def make_tag(**overrides) -> Tag:
    n = next(_seq)
    fields = {"name": f"Transport {n}", "slug": f"transport-{n}"}
    fields.update(overrides)
    return Tag.objects.create(**fields)


def set_comment_status(comment: Comment, status: str) -> None:
    """Change a comment's status behind the services' back, render its stored markup again
    and bump the discussion cache."""
    Comment.objects.filter(pk=comment.pk).update(status=status)
    markup.refresh([comment.pk])
    article_touch(article_id=comment.article_id)


def set_comment_votes(comment: Comment, *, up: int, down: int) -> None:
    """Overwrite a comment's counters directly (no vote rows), without bumping the cache."""
    Comment.objects.filter(pk=comment.pk).update(upvotes=up, downvotes=down)


# Reading pages: a small DOM built with the standard library's html.parser, enough to check
# nesting, attributes and text of the markup the contract names.

VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())


class Element:
    def __init__(self, tag: str, attrs: dict, parent: "Element | None"):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        """Yield every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None, **attrs):
        """Return the descendants matching the tag, class and attribute values (None: present)."""
        found = []
        for el in self.iter():
            if tag is not None and el.tag != tag:
                continue
            if cls is not None and cls not in el.classes:
                continue
            wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
            if any(
                key not in el.attrs or (value is not None and el.attrs[key] != value)
                for key, value in wanted.items()
            ):
                continue
            found.append(el)
        return found

    def find(self, tag: str | None = None, *, cls: str | None = None, **attrs):
        matches = self.find_all(tag, cls=cls, **attrs)
        return matches[0] if matches else None

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return "".join(parts)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(el)
        if tag not in VOID_ELEMENTS:
            self.current = el

    def handle_startendtag(self, tag, attrs):
        el = Element(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(el)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        open_tags = [self.current, *self.current.ancestors()]
        for el in open_tags:
            if el.tag == tag:
                self.current = el.parent
                return

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(html: str | bytes) -> Element:
    """Return the document element of the page, for structure checks."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def thread_comments(doc: Element) -> dict[int, Element]:
    """Return the discussion's comment elements by comment id, in document order."""
    return {
        int(el.attrs["id"].removeprefix("comment-")): el
        for el in doc.find_all("article", cls="comment")
    }


def reader_state(response) -> dict | None:
    """Return the reader's own state that the page hands its script (#reader-state), or None
    when the page has none; comment ids as ints."""
    island = parse_html(response.content).find("script", id="reader-state")
    if island is None:
        return None
    state = json.loads(island.text())
    for key in ("votes", "own"):
        state[key] = {int(pk): value for pk, value in state[key].items()}
    return state


def enclosing_comment_id(el: Element) -> int | None:
    """Return the id of the nearest comment element that contains el, if any."""
    for node in el.ancestors():
        if node.tag == "article" and "comment" in node.classes:
            return int(node.attrs["id"].removeprefix("comment-"))
    return None


# Moderation: the Comment Policy, moderators, flags and screening words.


def _migration(name: str):
    return importlib.import_module(f"discussions.migrations.{name}")


def ensure_comment_policy() -> None:
    """Recreate the default Comment Policy rules, policy version 1 and the Moderators group.

    The data migrations install them once; a transactional test's flush removes them, so tests
    that run after one (browser and concurrency tests) call this first. Idempotent.
    """
    for number, title, body in _migration("0002_default_policy").RULES:
        PolicyRule.objects.get_or_create(number=number, defaults={"title": title, "body": body})
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            number=1,
            rules=[
                {"number": r.number, "title": r.title, "body": r.body}
                for r in PolicyRule.objects.order_by("number")
            ],
        )
    group, _ = Group.objects.get_or_create(name="Moderators")
    if not group.permissions.exists():
        wanted = _migration("0005_moderators_group_policy_v1").MODERATOR_PERMISSIONS
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in wanted
            ]
        )


def policy_rule(number: int):
    """Return the Comment Policy rule with that number."""
    return PolicyRule.objects.get(number=number)


def make_moderator(**overrides) -> User:
    """Return a staff user in the Moderators group (what the issue calls a moderator)."""
    ensure_comment_policy()
    fields = {"is_staff": True}
    fields.update(overrides)
    moderator = make_user(**fields)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return moderator


def make_screening_word(phrase: str, *, kind: str = "banned", rule_number: int | None = 2):
    """Return a banned (or suspect) screening word citing the rule with that number."""
    rule = policy_rule(rule_number) if rule_number is not None else None
    return ScreeningWord.objects.create(phrase=phrase, kind=kind, rule=rule)


def make_flags(comment: Comment, *, count: int, rule_number: int = 2, note: str = "") -> list:
    """Flag the comment from count new readers through the service; return the readers."""
    readers = [make_user() for _ in range(count)]
    for reader in readers:
        flag_create(comment=comment, user=reader, rule=policy_rule(rule_number), note=note)
    return readers


def assert_trees_sound() -> None:
    """Run `manage.py check_trees`; fail with its report when a comment tree is broken."""
    out = io.StringIO()
    try:
        call_command("check_trees", stdout=out)
    except SystemExit as exc:
        raise AssertionError(f"check_trees failed:\n{out.getvalue()}") from exc
