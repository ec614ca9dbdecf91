"""Concurrent writers on real connections: counters and comment trees must stay exact."""

import threading
from collections import Counter, defaultdict

import pytest
from django.db import connection

from discussions.models import Comment, Vote
from discussions.services import comment_post, vote_cast, votes_recount
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def race(tasks) -> list:
    """Run the callables at once, each in its own thread and connection; return their results."""
    barrier = threading.Barrier(len(tasks))
    results: list = [None] * len(tasks)
    errors: list = []

    def run(index, task):
        try:
            barrier.wait(timeout=60)
            results[index] = task()
        except Exception as exc:  # reported by the assertion below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, task)) for index, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


def tree_problems(article=None) -> list[str]:
    """Return what is wrong with the nested sets of the comment trees (empty when sound)."""
    queryset = Comment.objects.all() if article is None else Comment.objects.filter(article=article)
    rows = {
        row["id"]: row
        for row in queryset.values("id", "parent_id", "tree_id", "lft", "rght", "level")
    }
    problems = []
    children = defaultdict(list)
    for row in rows.values():
        if row["parent_id"] is not None:
            children[row["parent_id"]].append(row["id"])

    def size(pk: int) -> int:
        total, stack = 0, [pk]
        while stack:
            total += 1
            stack.extend(children[stack.pop()])
        return total

    roots = [row for row in rows.values() if row["parent_id"] is None]
    root_trees = Counter(row["tree_id"] for row in roots)
    problems += [f"tree {tid} has {n} roots" for tid, n in root_trees.items() if n > 1]
    by_tree = defaultdict(list)
    for row in rows.values():
        by_tree[row["tree_id"]].append(row)
    for tree_id, members in by_tree.items():
        lfts = [row["lft"] for row in members]
        if len(lfts) != len(set(lfts)):
            problems.append(f"tree {tree_id}: duplicate lft values")
        bounds = sorted(lfts + [row["rght"] for row in members])
        if bounds != list(range(1, 2 * len(members) + 1)):
            problems.append(f"tree {tree_id}: lft/rght are not 1..{2 * len(members)}")
    for pk, row in rows.items():
        if not row["lft"] < row["rght"]:
            problems.append(f"comment {pk}: lft {row['lft']} >= rght {row['rght']}")
        if row["rght"] - row["lft"] + 1 != 2 * size(pk):
            problems.append(f"comment {pk}: span {row['rght'] - row['lft'] + 1} != 2*{size(pk)}")
        parent = rows.get(row["parent_id"])
        if row["parent_id"] is None:
            if row["level"] != 0:
                problems.append(f"root {pk} at level {row['level']}")
            continue
        if parent["tree_id"] != row["tree_id"]:
            problems.append(f"comment {pk} is in another tree than its parent")
        if row["level"] != parent["level"] + 1:
            problems.append(f"comment {pk}: level {row['level']} under {parent['level']}")
        if not parent["lft"] < row["lft"] < row["rght"] < parent["rght"]:
            problems.append(f"comment {pk} lies outside its parent's span")
    return problems


def stored(comment) -> tuple[int, int]:
    comment.refresh_from_db(fields=["upvotes", "downvotes"])
    return comment.upvotes, comment.downvotes


def test_tree_check_detects_a_corrupted_tree():
    root = make_comment()
    reply = make_comment(parent=root)
    assert tree_problems() == []

    Comment.objects.filter(pk=reply.pk).update(lft=root.lft)

    assert tree_problems() != []


def test_concurrent_votes_from_twenty_users_keep_counters_exact():
    comment = make_comment()
    voters = [make_user() for _ in range(20)]
    # Before the race: voters 0-9 have voted up, 10-14 down.
    for voter in voters[:10]:
        vote_cast(comment=comment, user=voter, value=1)
    for voter in voters[10:15]:
        vote_cast(comment=comment, user=voter, value=-1)
    # In the race: 0-3 send 0 and 4-5 repeat up (all withdraw), 6-7 switch to down,
    # 8 repeats up and 9 sends 0 (both withdraw), 10-11 and 14 switch to up, 12 sends 0 and 13
    # repeats down (both withdraw), 15-19 vote for the first time.
    plan = {0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: -1, 7: -1, 8: 1, 9: 0,
            10: 1, 11: 1, 12: 0, 13: -1, 14: 1, 15: 1, 16: -1, 17: 1, 18: -1, 19: 1}  # fmt: skip
    assert len(plan) == 20

    race(
        [
            lambda voter=voters[index], value=value: vote_cast(
                comment=comment, user=voter, value=value
            )
            for index, value in plan.items()
        ]
    )

    rows = Counter(Vote.objects.filter(comment=comment).values_list("value", flat=True))
    # Up: 10, 11, 14, 15, 17, 19. Down: 6, 7, 16, 18. Everyone else withdrew.
    assert stored(comment) == (rows[1], rows[-1]) == (6, 4)
    assert votes_recount(repair=False) == []


def test_concurrent_double_clicks_of_one_user_keep_counters_exact():
    comment = make_comment()
    voter = make_user()

    results = race([lambda: vote_cast(comment=comment, user=voter, value=1) for _ in range(10)])

    rows = Counter(Vote.objects.filter(comment=comment).values_list("value", flat=True))
    # Ten clicks toggle the vote on and off: it ends withdrawn.
    assert stored(comment) == (rows[1], rows[-1]) == (0, 0)
    assert sorted(value for _up, _down, value in results) == [0] * 5 + [1] * 5


def test_fifty_concurrent_replies_into_one_thread_keep_the_tree_valid():
    article = make_article()
    root = make_comment(article)
    first = make_comment(article, parent=root)
    second = make_comment(article, parent=root)
    deep = make_comment(article, parent=first)
    parents = [root, first, second, deep, root]
    authors = [make_user() for _ in range(5)]

    race(
        [
            lambda index=index: comment_post(
                article=article,
                author=authors[index % 5],
                body=f"Reply {index}",
                parent_id=parents[index % len(parents)].pk,
            )
            for index in range(50)
        ]
    )

    bodies = Counter(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert {body for body in bodies if body.startswith("Reply ")} == {
        f"Reply {index}" for index in range(50)
    }
    assert all(count == 1 for count in bodies.values())
    assert Comment.objects.filter(article=article, tree_id=root.tree_id).count() == 54
    for index in range(50):
        reply = Comment.objects.get(body=f"Reply {index}")
        assert reply.parent_id == parents[index % len(parents)].pk
    assert tree_problems(article) == []
    article.refresh_from_db()
    assert article.comment_count == 54


def test_twenty_concurrent_new_threads_get_distinct_trees():
    article = make_article()
    existing = make_comment(article)
    make_comment(article, parent=existing)
    authors = [make_user() for _ in range(4)]

    posted = race(
        [
            lambda index=index: comment_post(
                article=article, author=authors[index % 4], body=f"Thread {index}"
            )
            for index in range(20)
        ]
    )

    tree_ids = [comment.tree_id for comment in posted] + [existing.tree_id]
    assert len(set(tree_ids)) == 21
    bodies = Counter(
        Comment.objects.filter(article=article, parent=None).values_list("body", flat=True)
    )
    assert all(bodies[f"Thread {index}"] == 1 for index in range(20))
    assert tree_problems(article) == []
    article.refresh_from_db()
    assert article.comment_count == 22


def test_concurrent_replies_and_new_threads_across_articles_keep_every_tree_valid():
    articles = [make_article(), make_article()]
    roots = [make_comment(article) for article in articles]
    author = make_user()
    tasks = []
    for index in range(30):
        article = articles[index % 2]
        parent_id = roots[index % 2].pk if index % 3 else None
        tasks.append(
            lambda article=article, parent_id=parent_id, index=index: comment_post(
                article=article, author=author, body=f"Mixed {index}", parent_id=parent_id
            )
        )

    race(tasks)

    assert Comment.objects.filter(body__startswith="Mixed ").count() == 30
    assert tree_problems() == []
