"""The source comments' sections are rendered once per article version and kept in the cache
(articles.sources.source_sections_html): a repeat page reads nothing of them, and whatever
they show — their text, the replies answering them, the glossary links — is fresh on the
next page after it changes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_comment, make_source_comment, make_user
from tests.glossary.helpers import links_in, make_term

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    client = Client()
    client.force_login(make_user())
    return client


def sources_of(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # From the first section to the discussion: what source_sections_html rendered.
    return html.partition('class="source-comments"')[2].split('id="discussion"', 1)[0]


def test_a_repeat_page_reads_no_source_comment(reader):
    article = make_article()
    make_source_comment(article, text="Finally some peace on the train.")
    first = sources_of(reader, article)

    with CaptureQueriesContext(connection) as queries:
        again = sources_of(reader, article)

    assert again == first
    assert "Finally some peace on the train." in again
    assert not [q for q in queries if "articles_sourcecomment" in q["sql"]]


def test_an_edited_source_comment_shows_on_the_next_page(reader):
    article = make_article()
    item = make_source_comment(article, text="Finally some peace on the train.")
    sources_of(reader, article)

    item.text = "At last, a quiet carriage."
    item.save()

    shown = sources_of(reader, article)
    assert "At last, a quiet carriage." in shown
    assert "Finally some peace" not in shown


def test_a_reply_to_a_source_comment_shows_in_its_count(reader):
    article = make_article()
    item = make_source_comment(article)
    assert "1 reply" not in sources_of(reader, article)

    make_comment(article, body="I agree with this one.", source_comment=item)

    assert "1 reply" in sources_of(reader, article)


def test_cached_sections_keep_the_page_linking_each_term_once(reader):
    make_term(term="内卷", romanisation="neijuan", slug="neijuan")
    make_term(term="躺平", romanisation="tangping", slug="tangping")
    article = make_article(body="<p>Everyone talks of 内卷 now.</p>", source_language="zh")
    make_source_comment(article, platform="weibo", text="内卷 again, and 躺平 too")
    make_comment(article, body="躺平 is a choice")

    for _ in range(2):  # rendered, then from the cache
        html = reader.get(article.get_absolute_url()).content.decode()
        thread = html.split('id="discussion"', 1)[1]
        assert links_in(sources_of(reader, article)) == [("tangping", "躺平")]
        assert links_in(thread) == []  # its first use was in the source comments
