"""Discussion pages: which trees go on which page, where a new comment lands, and the thread
template's escaping (its comment loop runs with autoescaping off)."""

import itertools
import math
import random
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from discussions import markup
from discussions.jinja import ago
from discussions.models import Comment, PolicyRule
from discussions.pages import landing_page, landing_url, thread_fragment
from discussions.selectors import page_tree_ids
from discussions.services import article_touch, comment_moderate, comment_post
from discussions.sorts import Sort
from tests.factories import (
    make_comment,
    make_discussion,
    make_moderator,
    make_user,
    set_comment_status,
)

SORTS = Sort.values
Z = 1.281551565545  # 80% confidence, as Reddit's and Lobsters' "confidence" sort


def wilson(up: int, down: int) -> float:
    """The Wilson lower bound, in the float operations' order of the SQL definition."""
    n = up + down
    if n == 0:
        return 0.0
    phat = up / n
    return (phat + Z * Z / (2 * n) - Z * math.sqrt((phat * (1 - phat) + Z * Z / (4 * n)) / n)) / (
        1 + Z * Z / n
    )


def controversy(up: int, down: int) -> float:
    if up <= 0 or down <= 0:
        return 0.0
    return float(up + down) ** (min(up, down) / max(up, down))


def root_key(sort: str):
    """Return an independent Python ordering of top-level comments for the sort."""
    if sort == "top":
        return lambda n: (-(n.up - n.down), -n.created.timestamp(), -n.id)
    if sort == "newest":
        return lambda n: (-n.created.timestamp(), -n.id)
    if sort == "oldest":
        return lambda n: (n.created.timestamp(), n.id)
    if sort == "controversial":
        return lambda n: (-controversy(n.up, n.down), -n.created.timestamp(), -n.id)
    return lambda n: (-wilson(n.up, n.down), n.created.timestamp(), n.id)


pytestmark = pytest.mark.django_db

# Vote pairs that tie under one sort or another (0/0, 0/n and n/n are the usual suspects).
SHARED_VOTES = [(0, 0), (0, 3), (1, 1), (2, 0), (5, 5), (3, 1), (0, 1), (7, 3)]


@pytest.fixture
def small_caps(settings):
    settings.CROSSTALK = {
        **settings.CROSSTALK,
        "PAGE_COMMENT_BUDGET": 12,
        "MAX_INLINE_DEPTH": 2,
        "MAX_INLINE_REPLIES": 2,
    }
    return settings.CROSSTALK


def seed(article, *, roots: int, replies: int, seed: int) -> list[Comment]:
    """Post roots and random replies at distinct times, with tie-heavy vote counters."""
    rng = random.Random(seed)
    authors = [make_user() for _ in range(4)]
    start = timezone.now() - timedelta(days=3)
    comments: list[Comment] = []
    for index in range(roots + replies):
        parent = rng.choice(comments) if index >= roots else None
        comments.append(
            comment_post(
                article=article,
                author=authors[index % len(authors)],
                body=f"Comment {index}",
                parent_id=parent.pk if parent else None,
                created_at=start + timedelta(minutes=rng.randrange(4000)),
            )
        )
    for comment in comments:
        up, down = rng.choice(SHARED_VOTES) if rng.random() < 0.6 else (rng.randrange(30), 0)
        Comment.objects.filter(pk=comment.pk).update(upvotes=up, downvotes=down)
    article_touch(article_id=article.pk)
    return comments


# Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", SORTS)
def test_pages_order_the_roots_as_the_page_sorts_them(article, small_caps, sort):
    seed(article, roots=60, replies=60, seed=7)

    paged = list(itertools.chain.from_iterable(page_tree_ids(article, sort=sort)))

    roots = [
        SimpleNamespace(id=pk, tree_id=tree_id, up=up, down=down, created=created)
        for pk, tree_id, up, down, created in Comment.objects.filter(
            article=article, level=0
        ).values_list("id", "tree_id", "upvotes", "downvotes", "created_at")
    ]
    assert paged == [root.tree_id for root in sorted(roots, key=root_key(sort))]


def test_pages_hold_whole_trees_within_the_budget(article, small_caps):
    comments = seed(article, roots=40, replies=50, seed=11)
    sizes = {}
    for comment in Comment.objects.filter(pk__in=[c.pk for c in comments]):
        sizes[comment.tree_id] = sizes.get(comment.tree_id, 0) + 1

    pages = page_tree_ids(article, sort="best")

    assert sorted(itertools.chain.from_iterable(pages)) == sorted(sizes)
    for trees in pages:
        assert len(trees) == 1 or sum(sizes[t] for t in trees) <= 12


def test_a_page_costs_the_same_queries_whatever_the_discussion_size(
    article, settings, django_assert_num_queries
):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_COMMENT_BUDGET": 20}
    make_discussion(article, count=5)
    article.refresh_from_db()
    # Within the budget: its rows (every tree, no page trees needed) and the editors' picks.
    with django_assert_num_queries(2):
        thread_fragment(article, sort="best", page=1)

    make_discussion(article, count=120)
    article.refresh_from_db()
    for sort in SORTS:
        with django_assert_num_queries(1):
            page_tree_ids(article, sort=sort)
        with django_assert_num_queries(3):  # the page trees, their rows, the editors' picks
            thread_fragment(article, sort=sort, page=2)


def test_hidden_comments_beyond_the_budget_split_the_pages_their_count_did_not_foresee(
    article, settings
):
    """The visible count fits one page but the rows, hidden ones included, do not: the page
    trees decide, as for any bigger discussion."""
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_COMMENT_BUDGET": 10}
    roots = [make_comment(article, body=f"Root {n}") for n in range(8)]
    for root in roots[:3]:
        for n in range(2):
            reply = make_comment(article, parent=root, body=f"Reply {n} to {root.pk}")
            set_comment_status(reply, Comment.Status.REMOVED)
    article.refresh_from_db()
    assert article.comment_count == 8  # what the count foresees: one page of 10
    pages = page_tree_ids(article, sort="oldest")
    assert len(pages) == 2
    seen = []
    for number, trees in enumerate(pages, start=1):
        fragment = thread_fragment(article, sort="oldest", page=number)
        assert (fragment.page, fragment.pages) == (number, 2)
        # A removed reply with no replies of its own is left out altogether.
        shown = Comment.objects.filter(tree_id__in=trees, status=Comment.Status.VISIBLE)
        assert set(fragment.comment_ids) == set(shown.values_list("pk", flat=True))
        seen += fragment.comment_ids
    assert sorted(seen) == sorted(root.pk for root in roots)


# Landing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "caps",
    [
        {"PAGE_COMMENT_BUDGET": 12, "MAX_INLINE_DEPTH": 2, "MAX_INLINE_REPLIES": 2},
        # Trees of up to 6 comments skip the layout (landing_page), some deeper than the depth.
        {"PAGE_COMMENT_BUDGET": 12, "MAX_INLINE_DEPTH": 1, "MAX_INLINE_REPLIES": 6},
    ],
)
def test_landing_page_is_the_page_that_renders_the_comment(article, settings, caps):
    settings.CROSSTALK = {**settings.CROSSTALK, **caps}
    comments = seed(article, roots=15, replies=45, seed=3)
    article.refresh_from_db()
    comments = list(Comment.objects.filter(pk__in=[c.pk for c in comments]))
    for sort in SORTS:
        pages = len(page_tree_ids(article, sort=sort))
        rendered = {}
        for page in range(1, pages + 1):
            for pk in thread_fragment(article, sort=sort, page=page).comment_ids:
                rendered[pk] = page
        # The caps hide some comments from every page: they must land nowhere.
        assert len(rendered) < len(comments)
        for comment in comments:
            expected = rendered.get(comment.pk)
            assert landing_page(article, comment, sort=sort) == expected


def test_landing_page_costs_two_queries_and_one_when_no_limit_can_hide_the_comment(
    article, settings, django_assert_num_queries
):
    settings.CROSSTALK = {**settings.CROSSTALK, "MAX_INLINE_REPLIES": 20}
    big = make_discussion(article, count=60)  # its first tree holds more than 20
    small_root = make_comment(article)
    small = make_comment(article, parent=small_root)
    article.refresh_from_db()
    with django_assert_num_queries(2):  # the page trees, then the comment's tree laid out
        assert landing_page(article, big[-1], sort="best") == 1
    with django_assert_num_queries(1):  # the page trees alone
        assert landing_page(article, small, sort="best") == 1


def test_a_held_comment_lands_only_for_those_who_may_see_it(article):
    author = make_user()
    held = make_comment(article, author=author, status=Comment.Status.PENDING)

    assert landing_page(article, held, sort="best") is None
    assert landing_page(article, held, sort="best", viewer=author) == 1
    assert landing_url(author, article, held, sort="best") == (
        f"{article.get_absolute_url()}#comment-{held.pk}"
    )


def test_landing_url_names_the_page_and_falls_back_to_the_permalink(article, settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "PAGE_COMMENT_BUDGET": 2, "MAX_INLINE_DEPTH": 1}
    # Tree sizes 3, 1, 1 with a budget of 2: the first tree fills page 1, the others page 2.
    first, _second, third = (make_comment(article) for _ in range(3))
    deep = make_comment(article, parent=make_comment(article, parent=first))
    reader = make_user()
    article.refresh_from_db()

    assert landing_url(reader, article, third, sort="oldest") == (
        f"{article.get_absolute_url()}?sort=oldest&page=2#comment-{third.pk}"
    )
    assert landing_url(reader, article, deep, sort="oldest") == (
        f"{deep.get_absolute_url()}?sort=oldest#comment-{deep.pk}"
    )


# Escaping in the thread template ------------------------------------------------------------

HOSTILE = '<img src=x onerror="alert(1)">&amp;\'"'
ESCAPED = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;amp;&#39;&#34;"


def test_names_reasons_and_rule_titles_are_escaped(article, comment_policy):
    make_comment(article, author=make_user(display_name=HOSTILE))
    make_comment(article, author=make_user(), status=Comment.Status.PENDING, hold_reason=HOSTILE)
    removed = make_comment(article)
    make_comment(article, parent=removed)  # a placeholder shows only above a visible reply
    rule = PolicyRule.objects.get(number=2)
    PolicyRule.objects.filter(pk=rule.pk).update(title=HOSTILE)
    markup.refresh(Comment.objects.filter(status_rule=rule))
    rule.refresh_from_db()
    comment_moderate(comment=removed, moderator=make_moderator(), action="remove", rule=rule)
    article.refresh_from_db()

    html = thread_fragment(article, sort="oldest", page=1, viewer=make_moderator()).html.decode()

    assert "<img" not in html and 'onerror="' not in html
    assert html.count(ESCAPED) == 3  # the name, the hold reason and the rule title
    assert f"Rule 2: {ESCAPED}" in html


def test_comment_bodies_stay_sanitized_html(article):
    make_comment(article, body="*quiet* <b>loud</b> & [link](https://example.org)")

    html = thread_fragment(article, sort="best", page=1).html.decode()

    assert "<em>quiet</em>" in html
    assert "&lt;b&gt;loud&lt;/b&gt; &amp;" in html
    assert 'href="https://example.org"' in html


# Relative times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [
        (-5, "just now"),
        (0, "just now"),
        (59, "just now"),
        (60, "1 minute ago"),
        (119, "1 minute ago"),
        (3599, "59 minutes ago"),
        (3600, "1 hour ago"),
        (86_399, "23 hours ago"),
        (86_400, "1 day ago"),
        (2_592_000, "1 month ago"),
        (31_535_999, "12 months ago"),
        (31_536_000, "1 year ago"),
        (3 * 31_536_000 + 5, "3 years ago"),
    ],
)
def test_relative_time_phrases(seconds, phrase):
    now = timezone.now()

    moment = now - timedelta(seconds=seconds)

    assert ago(int(moment.timestamp() * 1000), int(now.timestamp() * 1000), "en") == phrase
