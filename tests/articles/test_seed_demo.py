"""The seed_demo command: demo articles with deep, voted discussions, loaded idempotently."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from articles.management.commands.seed_demo import ARTICLES, DEMO_PASSWORD, DEMO_USERS
from articles.models import Article, Category, SourceComment, Tag
from discussions.models import Comment, Vote
from tests.factories import make_article

pytestmark = pytest.mark.django_db

DEMO_SLUGS = [spec["slug"] for spec in ARTICLES]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Comment, Vote, SourceComment, User, Category, Tag)
    }


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """Seed an empty database once for the whole class (with --if-empty, as `make run` does),
    in a transaction rolled back after the class's last test.

    Each test's own transaction nests inside this one as a savepoint, so the tests still
    cannot see each other's writes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed("--if-empty")
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded")
class TestSeededDemo:
    def test_articles_have_source_sections_and_deep_visible_discussions(self):
        articles = Article.objects.filter(slug__in=DEMO_SLUGS).select_related("category")
        assert articles.count() == len(ARTICLES) >= 3
        assert {article.source_language for article in articles} == {"ko", "zh"}
        for article in articles:
            assert article.is_public()
            assert article.category is not None
            assert 2 <= article.tags.count() <= 4
            platforms = set(article.source_comments.values_list("platform", flat=True))
            assert len(platforms) >= 2, article.slug
            comments = Comment.objects.filter(article=article)
            assert comments.count() >= 40, article.slug
            assert comments.filter(level__gte=6).exists(), article.slug
            assert not comments.exclude(status=Comment.Status.VISIBLE).exists()
            assert article.comment_count == comments.count()

    def test_output_names_every_demo_user_and_the_password(self, seeded):
        for username, _name in DEMO_USERS:
            assert username in seeded
        assert DEMO_PASSWORD in seeded

    def test_comments_are_dated_after_article_and_parent_and_before_now(self):
        comments = Comment.objects.filter(article__slug__in=DEMO_SLUGS)
        assert not comments.filter(created_at__lt=F("article__published_at")).exists()
        assert not comments.filter(created_at__lt=F("parent__created_at")).exists()
        assert not comments.filter(created_at__gt=timezone.now()).exists()
        assert not comments.exclude(parent=None).exclude(level=F("parent__level") + 1).exists()

    def test_votes_come_from_other_users_and_match_the_counters(self):
        votes = Vote.objects.filter(comment__article__slug__in=DEMO_SLUGS)
        assert votes.filter(value=1).exists()
        assert votes.filter(value=-1).exists()
        assert not votes.filter(user=F("comment__author")).exists()
        for comment in Comment.objects.filter(article__slug__in=DEMO_SLUGS):
            assert comment.votes.filter(value=1).count() == comment.upvotes
            assert comment.votes.filter(value=-1).count() == comment.downvotes

    def test_demo_user_signs_in_with_the_demo_password(self, client):
        username, display_name = DEMO_USERS[0]

        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
        assert User.objects.get(username=username).display_name == display_name

    def test_article_pages_render_the_deep_thread_and_every_source_section(self, client):
        for spec in ARTICLES:
            response = client.get(f"/articles/{spec['slug']}/")
            assert response.status_code == 200
            html = response.content.decode()
            assert 'data-depth="6"' in html
            platforms = set(re.findall(r'class="source-comments" data-platform="(\w+)"', html))
            assert platforms == {item.platform for item in spec["source_comments"]}

    def test_sorts_order_the_top_level_comments_differently(self, client):
        slug = DEMO_SLUGS[0]
        orders = set()
        for sort in ("best", "top", "newest", "controversial"):
            html = client.get(f"/articles/{slug}/?sort={sort}").content.decode()
            orders.add(tuple(re.findall(r'id="comment-(\d+)" data-depth="0"', html)))
        assert len(orders) == 4

    def test_seeding_again_creates_nothing(self):
        before = counts()

        output = seed()

        assert counts() == before
        assert output.count("Skipped") == len(ARTICLES)


def test_if_empty_with_an_existing_article_creates_nothing():
    make_article()
    before = counts()

    output = seed("--if-empty")

    assert counts() == before
    assert len(output.strip().splitlines()) == 1


def test_article_with_a_demo_slug_is_left_alone_and_the_rest_are_created():
    make_article(slug=DEMO_SLUGS[0])

    seed()

    assert not Comment.objects.filter(article__slug=DEMO_SLUGS[0]).exists()
    for slug in DEMO_SLUGS[1:]:
        assert Comment.objects.filter(article__slug=slug).count() >= 40


def longest_chain_minutes(entries) -> int:
    """Return the most minutes any comment lies after publication, by its chain of offsets."""
    path: list[int] = []
    longest = 0
    for entry in entries:
        del path[entry.depth :]
        path.append((path[-1] if path else 0) + entry.minutes)
        longest = max(longest, path[-1])
    return longest


@pytest.mark.parametrize("spec", ARTICLES, ids=lambda spec: spec["slug"])
def test_demo_content_is_well_formed(spec):
    usernames = {username for username, _name in DEMO_USERS}
    previous = -1
    for entry in spec["discussion"]:
        assert 0 <= entry.depth <= previous + 1
        assert entry.author in usernames
        assert entry.minutes > 0
        # Each vote comes from a different demo user, never from the author.
        assert entry.up + entry.down <= len(usernames) - 1
        previous = entry.depth
    assert spec["source_url"].startswith("https://example.com/")
    assert spec["source_language"] in {"ko", "zh"}
    # Comments stay in the past without being squeezed against the moment of seeding.
    assert longest_chain_minutes(spec["discussion"]) < spec["hours_ago"] * 60
