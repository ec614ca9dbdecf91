"""Sorting a discussion: every sibling list on the page follows the chosen sort's formula.

The scores are computed here, independently of discussions/sorts.py, from the stored counters.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from discussions import markup
from discussions.models import Comment
from discussions.selectors import ROW_FIELDS, rows_queryset, tree_rows
from discussions.services import article_touch, comment_post
from tests.factories import (
    enclosing_comment_id,
    make_article,
    make_comment,
    make_user,
    parse_html,
    policy_rule,
    set_comment_votes,
    thread_comments,
)

pytestmark = pytest.mark.django_db

Z = 1.281551565545  # 80% confidence
# Scores closer than this are too close to call across two float implementations.
NEAR = 1e-12


@dataclass(frozen=True)
class Row:
    id: int
    parent_id: int | None
    up: int
    down: int
    created: datetime


def wilson(up: int, down: int) -> float:
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    centre = p + Z**2 / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return (centre - spread) / (1 + Z**2 / n)


def controversy(up: int, down: int) -> float:
    if up == 0 or down == 0:
        return 0.0
    return (up + down) ** (min(up, down) / max(up, down))


def may_precede(sort: str, first: Row, second: Row) -> bool:
    """Say whether first may be shown before second, its next sibling, under the sort."""
    older_first = first.created < second.created
    if sort == "newest":
        return first.created > second.created
    if sort == "oldest":
        return older_first
    if sort == "top":
        a, b = first.up - first.down, second.up - second.down
        return a > b if a != b else not older_first
    score = wilson if sort == "best" else controversy
    a, b = score(first.up, first.down), score(second.up, second.down)
    if a == b:
        # best: older first; controversial: newest first
        return older_first if sort == "best" else not older_first
    if abs(a - b) <= NEAR * max(1.0, abs(a), abs(b)):
        return True
    return a > b


def seed_discussion(article, *, count: int, seed: int) -> dict[int, Row]:
    """Post count comments in random shapes and times, then give them random vote counters."""
    rng = random.Random(seed)
    authors = [make_user() for _ in range(8)]
    start = timezone.now() - timedelta(days=30)
    offsets = rng.sample(range(30 * 24 * 3600), count)  # distinct creation times
    ids: list[int] = []
    for index, offset in enumerate(offsets):
        parent_id = None if index < 40 or rng.random() < 0.1 else rng.choice(ids)
        comment = comment_post(
            article=article,
            author=authors[index % len(authors)],
            body=f"Comment {index}",
            parent_id=parent_id,
            created_at=start + timedelta(seconds=offset),
        )
        ids.append(comment.pk)
    # Shared vote pairs make exact ties, which the tie-breakers must order.
    shared = [(0, 0), (1, 1), (2, 0), (3, 1), (5, 5), (0, 2), (2, 6), (7, 3)]
    for pk in ids:
        roll = rng.random()
        if roll < 0.3:
            up, down = rng.choice(shared)
        elif roll < 0.45:
            up, down = rng.randint(1, 40), 0
        elif roll < 0.55:
            up, down = 0, rng.randint(1, 40)
        else:
            up, down = rng.randint(0, 60), rng.randint(0, 60)
        Comment.objects.filter(pk=pk).update(upvotes=up, downvotes=down)
    article_touch(article_id=article.pk)
    return {
        row["id"]: Row(
            row["id"], row["parent_id"], row["upvotes"], row["downvotes"], row["created_at"]
        )
        for row in Comment.objects.filter(article=article).values(
            "id", "parent_id", "upvotes", "downvotes", "created_at"
        )
    }


def sibling_lists(response) -> dict[int | None, list[int]]:
    """Return, per parent id (None: top level), its children's ids in page order."""
    siblings: dict[int | None, list[int]] = {}
    for pk, element in thread_comments(parse_html(response.content)).items():
        siblings.setdefault(enclosing_comment_id(element), []).append(pk)
    return siblings


def misordered(sort: str, rows: dict[int, Row], siblings) -> list[tuple[int, int]]:
    return [
        (first, second)
        for ids in siblings.values()
        for first, second in zip(ids, ids[1:], strict=False)
        if not may_precede(sort, rows[first], rows[second])
    ]


@pytest.fixture
def seeded(article, whole_discussion):
    return seed_discussion(article, count=500, seed=20240611)


@pytest.mark.parametrize("sort", ["best", "top", "newest", "oldest", "controversial"])
def test_every_sibling_list_follows_the_sort(client, article, seeded, sort):
    response = client.get(article.get_absolute_url(), {"sort": sort})

    assert response.status_code == 200
    siblings = sibling_lists(response)
    shown = {pk for ids in siblings.values() for pk in ids}
    assert shown == set(seeded)
    for parent_id, ids in siblings.items():
        assert all(seeded[pk].parent_id == parent_id for pk in ids)
    assert len(siblings[None]) >= 40
    assert misordered(sort, seeded, siblings) == []


def test_unknown_sort_falls_back_to_best(client, article, seeded):
    response = client.get(article.get_absolute_url(), {"sort": "loudest"})

    assert response.status_code == 200
    assert selected_sort(response) == "best"
    assert misordered("best", seeded, sibling_lists(response)) == []


def test_sorts_really_differ_on_a_seeded_discussion(client, article, seeded):
    orders = {
        sort: sibling_lists(client.get(article.get_absolute_url(), {"sort": sort}))[None]
        for sort in ["best", "top", "newest", "oldest", "controversial"]
    }

    assert len({tuple(order) for order in orders.values()}) == 5
    assert orders["oldest"] == orders["newest"][::-1]


def selected_sort(response) -> str:
    select = parse_html(response.content).find("select", id="sort")
    chosen = [option.attrs["value"] for option in select.find_all("option", selected=None)]
    assert len(chosen) == 1
    return chosen[0]


@pytest.mark.parametrize("sort", ["best", "top", "newest", "oldest", "controversial"])
def test_sort_selector_shows_the_chosen_sort(client, article, sort):
    make_comment(article)

    response = client.get(article.get_absolute_url(), {"sort": sort})

    assert selected_sort(response) == sort
    assert parse_html(response.content).find("ol", cls="thread").attrs["data-sort"] == sort


def test_page_without_sort_selects_best(client, article):
    make_comment(article)  # an empty discussion has no sort control at all

    assert selected_sort(client.get(article.get_absolute_url())) == "best"


def test_best_puts_a_well_liked_comment_above_an_unvoted_one(client, article):
    old = make_comment(article, body="Unvoted and older")
    liked = make_comment(article, body="Liked")
    set_comment_votes(liked, up=9, down=1)
    article_touch(article_id=article.pk)

    top_level = sibling_lists(client.get(article.get_absolute_url()))[None]

    assert top_level == [liked.pk, old.pk]


def test_controversial_puts_a_split_comment_above_a_one_sided_one(client, article):
    split = make_comment(article)
    one_sided = make_comment(article)
    set_comment_votes(split, up=4, down=4)
    set_comment_votes(one_sided, up=90, down=0)
    article_touch(article_id=article.pk)

    response = client.get(article.get_absolute_url(), {"sort": "controversial"})

    assert sibling_lists(response)[None] == [split.pk, one_sided.pk]


def test_replies_beyond_the_inline_limit_are_linked_not_rendered(client, article, settings):
    settings.CROSSTALK = {**settings.CROSSTALK, "MAX_INLINE_REPLIES": 3}
    parent = make_comment(article)
    replies = [make_comment(article, parent=parent) for _ in range(5)]

    response = client.get(article.get_absolute_url(), {"sort": "oldest"})

    siblings = sibling_lists(response)
    assert siblings[parent.pk] == [reply.pk for reply in replies[:3]]
    more = parse_html(response.content).find("li", cls="more-replies")
    assert f"/comments/{parent.pk}/" in more.find("a").attrs["href"]
    assert "2" in more.text()


def test_tree_rows_match_the_orm_for_every_status_author_and_rule(article):
    named = make_user(display_name="Kim Soo-ah")
    root = make_comment(article, author=named)
    reply = make_comment(article, parent=root, author=make_user(display_name=""))
    deep = make_comment(article, parent=reply)
    other_tree = make_comment(article)
    make_comment(make_article())  # another article's comment never shows up
    Comment.objects.filter(pk=reply.pk).update(
        status=Comment.Status.REMOVED, status_rule=policy_rule(2), hold_reason=""
    )
    Comment.objects.filter(pk=deep.pk).update(guest_name="A guest", hold_reason="Held: link")
    markup.refresh([reply.pk, deep.pk])
    tree_ids = [root.tree_id, other_tree.tree_id]

    expected = list(
        rows_queryset(sort="best", viewer=None).filter(article=article, tree_id__in=tree_ids)
    )

    assert len(expected[0]) == len(ROW_FIELDS)
    assert tree_rows(article, tree_ids, sort="best") == expected
    assert [row[0] for row in expected] == [root.pk, reply.pk, deep.pk, other_tree.pk]
    # The removed reply's stored markup is its placeholder, citing the rule.
    removed_markup = tree_rows(article, [root.tree_id], sort="best")[1][ROW_FIELDS.index("pieces")]
    assert 'href="/comment-policy/#rule-2"' in removed_markup
    assert policy_rule(2).title in removed_markup
    assert tree_rows(article, [], sort="best") == []


def test_tree_rows_take_tree_ids_beyond_the_small_integer_range(article):
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(tree_id=40_000)

    assert [row[0] for row in tree_rows(article, [40_000, 7], sort="best")] == [comment.pk]


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_replies_and_top_level_follow_the_same_order_within_a_millisecond(client, article, sort):
    # Within one millisecond, the later-posted row gets the earlier moment: replies and
    # top-level comments must both follow the moment, to the microsecond, as the one SQL
    # ordering does (replies once followed a Python key cut to milliseconds, then ids).
    moment = timezone.now().replace(microsecond=500_000) - timedelta(hours=1)
    root = make_comment(article)
    Comment.objects.filter(pk=root.pk).update(created_at=moment - timedelta(minutes=5))
    first_reply, second_reply = (make_comment(article, parent=root) for _ in range(2))
    first_top, second_top = (make_comment(article) for _ in range(2))
    for first, second in ((first_reply, second_reply), (first_top, second_top)):
        Comment.objects.filter(pk=first.pk).update(created_at=moment + timedelta(microseconds=300))
        Comment.objects.filter(pk=second.pk).update(created_at=moment)
    markup.refresh([root.pk, first_reply.pk, second_reply.pk, first_top.pk, second_top.pk])
    article_touch(article_id=article.pk)

    siblings = sibling_lists(client.get(article.get_absolute_url(), {"sort": sort}))

    older = [second_reply.pk, first_reply.pk]
    older_top = [second_top.pk, first_top.pk]
    expected = older if sort == "oldest" else older[::-1]
    expected_top = older_top if sort == "oldest" else older_top[::-1]
    assert siblings[root.pk] == expected
    assert [pk for pk in siblings[None] if pk != root.pk] == expected_top
