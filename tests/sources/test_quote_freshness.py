"""An editor's change to a quoted source comment reaches the cached thread at once."""

import pytest
from django.test import Client

from tests.factories import make_comment, make_source_comment, parse_html, thread_comments

pytestmark = pytest.mark.django_db


def quote_text(response, comment):
    quote = thread_comments(parse_html(response.content))[comment.pk].find(
        "blockquote", cls="comment-quote"
    )
    return None if quote is None else quote.find("p", cls="comment-quote-text").text()


def test_an_edited_or_deleted_source_comment_shows_in_the_cached_thread(article):
    source = make_source_comment(article, platform="weibo", text="Night buses at last.")
    reply = make_comment(article, body="Agreed", source_comment=source)
    reader = Client()
    assert quote_text(reader.get(article.get_absolute_url()), reply) == "Night buses at last."

    source.text = "Night buses, at long last."
    source.save()
    assert quote_text(reader.get(article.get_absolute_url()), reply) == "Night buses, at long last."

    source.delete()
    assert quote_text(reader.get(article.get_absolute_url()), reply) is None
