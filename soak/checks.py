"""What the database holds after the load, against what the site acknowledged."""

from collections import Counter
from dataclasses import dataclass, field

from soak.load import Ledger
from soak.services import PostgresCluster, manage


@dataclass
class Findings:
    lost_writes: list = field(default_factory=list)  # acknowledged ids that are not there
    altered_bodies: list = field(default_factory=list)  # there, with another text
    duplicate_writes: int = 0  # extra rows of one soak body
    unacknowledged_writes: list = field(default_factory=list)  # soak rows nobody was told of
    vote_mismatches: list = field(default_factory=list)  # (username, id, acknowledged, stored)
    counter_mismatches: int = 0  # comments whose counters differ from their vote rows
    recount_exit: int = 0
    recount_output: str = ""
    lost_flags: int = 0
    unacknowledged_flags: int = 0
    held_comments: int = 0
    unexplained_refusals: list = field(default_factory=list)  # 404 on a comment not held
    tree_exit: int = 0
    tree_problems: list = field(default_factory=list)
    comment_count_mismatches: list = field(default_factory=list)


def check(cluster: PostgresCluster, env: dict, ledger: Ledger) -> Findings:
    found = Findings()
    marker = f"[soak {ledger.run_id}:%"
    with cluster.connect() as conn:
        stored = dict(
            conn.execute(
                "SELECT id, body FROM discussions_comment WHERE id = ANY(%s)",
                [list(ledger.acknowledged)],
            ).fetchall()
        )
        soak_rows = conn.execute(
            "SELECT id, body FROM discussions_comment WHERE body LIKE %s", [marker]
        ).fetchall()
        votes = {
            (username, comment_id): value
            for username, comment_id, value in conn.execute(
                """SELECT u.username, v.comment_id, v.value FROM discussions_vote v
                   JOIN accounts_user u ON u.id = v.user_id"""
            ).fetchall()
        }
        flags = set(
            conn.execute(
                """SELECT u.username, f.comment_id FROM discussions_flag f
                   JOIN accounts_user u ON u.id = f.user_id"""
            ).fetchall()
        )
        pending = {
            row[0]
            for row in conn.execute(
                "SELECT id FROM discussions_comment WHERE status = 'pending'"
            ).fetchall()
        }
        found.comment_count_mismatches = [
            row[0]
            for row in conn.execute(
                """SELECT a.slug FROM articles_article a
                   WHERE a.comment_count <> (SELECT count(*) FROM discussions_comment c
                                             WHERE c.article_id = a.id AND c.status = 'visible')"""
            ).fetchall()
        ]

    for pk, body in ledger.acknowledged.items():
        if pk not in stored:
            found.lost_writes.append(pk)
        elif stored[pk] != body:
            found.altered_bodies.append(pk)
    per_body = Counter(body for _pk, body in soak_rows)
    found.duplicate_writes = sum(n - 1 for n in per_body.values() if n > 1)
    found.unacknowledged_writes = [pk for pk, _body in soak_rows if pk not in ledger.acknowledged]

    for key in set(ledger.votes) | set(votes):
        acknowledged, there = ledger.votes.get(key, 0), votes.get(key, 0)
        if acknowledged != there:
            found.vote_mismatches.append((*key, acknowledged, there))
    found.lost_flags = len(ledger.flags - flags)
    found.unacknowledged_flags = len(flags - ledger.flags)
    found.held_comments = len(pending)
    found.unexplained_refusals = sorted(
        {(kind, pk) for kind, pk in ledger.refused if pk not in pending}
    )

    recount = manage(env, "recount_votes")
    found.recount_exit, found.recount_output = recount.returncode, recount.stdout[-2000:]
    if recount.returncode:
        wrong = sum(1 for line in recount.stdout.splitlines() if line.startswith("comment "))
        found.counter_mismatches = wrong or 1  # a crash of the command counts as one
    trees = manage(env, "check_trees")
    found.tree_exit = trees.returncode
    if trees.returncode:
        found.tree_problems = trees.stdout.strip().splitlines() or [trees.stderr[-2000:]]
    return found
