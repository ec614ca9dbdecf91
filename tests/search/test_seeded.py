"""The translation issue's search check on the demo content: 내로남불, 内卷 and an English
phrase each find the seeded article and a comment on it."""

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.search.test_views import found, search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "slug", "in_source_comments"),
    [
        ("내로남불", "incheon-firm-swaps-hoesik-for-half-day-off", True),
        ("内卷", "hangzhou-noodle-shop-air-conditioning-fee", True),
        ("air-conditioning fee", "hangzhou-noodle-shop-air-conditioning-fee", False),
    ],
)
def test_the_seeded_article_and_its_comments_are_found(client, query, slug, in_source_comments):
    call_command("seed_demo", verbosity=0)
    article = Article.objects.get(slug=slug)

    results = found(search(client, query))

    assert ("article", article.get_absolute_url()) in results
    comment_links = [link for kind, link in results if kind == "comment"]
    source_links = [link for kind, link in results if kind == "source-comment"]
    assert any(link.startswith("/comments/") for link in comment_links), results
    if in_source_comments:  # the netizens used the word too
        assert any(link.startswith(article.get_absolute_url()) for link in source_links), results
