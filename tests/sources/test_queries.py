"""The article page's query count with quotes and reply counts stays within the bound."""

from tests.factories import make_comment, make_source_comment, make_user

# The article page of issue 15 (tests/discussions/test_author_links.py), anonymous.
ARTICLE_PAGE_QUERY_BOUND = 8
# A signed-in reader's page also reads the session, the user and the reader's own votes; the
# glossary's version and the corrections add one each (other parts of issue 15).
SIGNED_IN_PAGE_QUERY_BOUND = 11


def source_queries(captured) -> int:
    return sum('FROM "articles_sourcecomment"' in q["sql"] for q in captured.captured_queries)


def own_queries(captured) -> list[str]:
    """Return the tables the page's queries read first, but for the glossary's and the
    corrections' (other parts of the page, read through per-process caches: present or not by
    timing)."""
    tables = [q["sql"].split('FROM "', 1)[-1].split('"', 1)[0] for q in captured.captured_queries]
    return [t for t in tables if not t.startswith(("glossary_", "translations_"))]


def test_quotes_and_reply_counts_cost_no_query_per_item(
    client, signed_in, article, django_assert_max_num_queries
):
    first = make_source_comment(article, platform="weibo", original_text="终于")
    make_comment(article, source_comment=first)
    with django_assert_max_num_queries(SIGNED_IN_PAGE_QUERY_BOUND) as few:
        signed_in.get(article.get_absolute_url())

    sources = [make_source_comment(article, platform=p, original_text="원문")
               for p in ("naver", "daum", "weibo", "naver", "zhihu")]  # fmt: skip
    authors = [make_user() for _ in range(4)]
    for n in range(30):
        comment = make_comment(article, author=authors[n % 4], source_comment=sources[n % 5])
        make_comment(article, parent=comment, source_comment=sources[(n + 1) % 5])
    with django_assert_max_num_queries(SIGNED_IN_PAGE_QUERY_BOUND) as many:
        response = signed_in.get(article.get_absolute_url())

    assert response.status_code == 200
    assert response.content.count(b'class="comment-quote" data-source-comment=') == 61
    assert own_queries(many) == own_queries(few)


def test_the_anonymous_page_stays_within_the_bound(client, article, django_assert_max_num_queries):
    sources = [make_source_comment(article, original_text="원문") for _ in range(3)]
    for n in range(12):
        make_comment(article, source_comment=sources[n % 3])

    with django_assert_max_num_queries(ARTICLE_PAGE_QUERY_BOUND):
        response = client.get(article.get_absolute_url())

    assert response.content.count(b'class="source-replies"') == 3


def test_the_quoting_form_page_costs_one_query_more_than_the_plain_page(
    signed_in, article, django_assert_max_num_queries
):
    source = make_source_comment(article, original_text="원문")
    make_comment(article, source_comment=source)
    signed_in.get(article.get_absolute_url())  # the thread's fragment is now cached
    with django_assert_max_num_queries(SIGNED_IN_PAGE_QUERY_BOUND) as plain:
        signed_in.get(article.get_absolute_url())

    with django_assert_max_num_queries(SIGNED_IN_PAGE_QUERY_BOUND + 1) as quoting:
        response = signed_in.get(article.get_absolute_url(), {"quote": source.pk})

    assert response.status_code == 200
    # The quoted source comment, once; the rest as on the plain page (other parts of the page
    # may read a per-process cached state, so whole counts may differ by timing).
    assert source_queries(quoting) == source_queries(plain) + 1


def test_the_permalink_with_a_quote_stays_within_its_bound(
    client, article, django_assert_max_num_queries
):
    source = make_source_comment(article)
    comment = make_comment(article, source_comment=source)
    for _ in range(5):
        make_comment(article, parent=comment, source_comment=source)

    with django_assert_max_num_queries(4):
        response = client.get(f"/comments/{comment.pk}/")

    assert response.content.count(b'class="comment-quote" data-source-comment=') == 6
