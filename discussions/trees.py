"""Verify the nested-set invariants of every comment tree."""

from bisect import bisect_left
from collections import defaultdict

from discussions.models import Comment


def broken_trees() -> list[str]:
    """Return one line per broken tree, naming the tree and what is wrong with it."""
    rows = (
        Comment.objects.order_by("tree_id", "lft")
        .values_list("id", "parent_id", "tree_id", "lft", "rght", "level", "article_id")
        .iterator(chunk_size=5000)
    )
    trees: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        trees[row[2]].append(row)
    problems = []
    for tree_id, nodes in trees.items():
        reason = _tree_problem(nodes)
        if reason:
            root = next((n[0] for n in nodes if n[1] is None), nodes[0][0])
            problems.append(f"tree {tree_id} (root comment {root}): {reason}")
    return problems


def _tree_problem(nodes: list[tuple]) -> str | None:
    by_id = {n[0]: n for n in nodes}
    roots = [n for n in nodes if n[1] is None]
    if len(roots) != 1:
        return f"{len(roots)} top-level comments share this tree_id"
    lefts = [n[3] for n in nodes]
    if len(set(lefts)) != len(lefts):
        return "two comments share one lft"
    bounds = sorted(lefts + [n[4] for n in nodes])
    if bounds != list(range(1, 2 * len(nodes) + 1)):
        return f"lft/rght values are not exactly 1..{2 * len(nodes)}"
    stack: list[tuple] = []
    for node in nodes:  # in lft order
        pk, parent_id, _tree, lft, rght, level, article_id = node
        if lft >= rght:
            return f"comment {pk} has lft {lft} >= rght {rght}"
        while stack and stack[-1][4] < lft:
            stack.pop()
        expected_parent = stack[-1][0] if stack else None
        if parent_id != expected_parent:
            return f"comment {pk} lies inside {expected_parent} but its parent is {parent_id}"
        if stack and rght > stack[-1][4]:
            return f"comment {pk} overlaps its parent {parent_id}"
        if level != len(stack):
            return f"comment {pk} has level {level}, expected {len(stack)}"
        if parent_id is not None and by_id[parent_id][6] != article_id:
            return f"comment {pk} belongs to another article than its parent {parent_id}"
        stack.append(node)
    for index, node in enumerate(nodes):
        pk, _parent, _tree, lft, rght = node[:5]
        inside = bisect_left(lefts, rght) - index - 1
        if rght - lft + 1 != 2 * (inside + 1):
            return f"comment {pk} spans {rght - lft + 1} positions for {inside} descendants"
    return None
