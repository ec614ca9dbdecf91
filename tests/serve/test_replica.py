"""A real streaming replica (pg_basebackup -R from a throwaway primary, on its own socket)
behind the site's router: anonymous reads go there, a reader's own writes stay in their sight
while replay is paused, and a stopped replica costs readers nothing.

The site is the project's gunicorn with the production settings and DATABASE_REPLICA_URLS.
"""

import time
import uuid

import pytest

from soak.client import Browser
from soak.services import Gunicorn, free_port, replicated_site


@pytest.fixture(scope="module")
def stack():
    options = {"users": 3, "articles": 2, "comments": 4, "prefix": "rep"}
    env = {"CROSSTALK_REPLICA_CHECK_SECONDS": "0.5", "CROSSTALK_PIN_SECONDS": "30"}
    with replicated_site("crosstalk_replica", seed_options=options, env=env) as made:
        yield vars(made)


def test_anonymous_reads_are_answered_by_the_replica(stack):
    """While replay is paused, a change made on the primary stays out of anonymous pages; once
    it resumes, they show it: those pages were read on the replica."""
    slug = stack["made"]["articles"][1]["slug"]
    reader = Browser(stack["site"].port)
    before = reader.get(f"/articles/{slug}/")
    assert before.status == 200
    marker = f"Quiet cars stay {uuid.uuid4().hex[:8]}"
    with stack["replica"].connect() as standby, stack["primary"].connect() as primary:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            primary.execute(
                "UPDATE articles_article SET title = %s, updated_at = now() WHERE slug = %s",
                (marker, slug),
            )
            time.sleep(1.2)  # past the page cache's PAGE_STATE_SECONDS
            for path in (f"/articles/{slug}/", "/", f"/articles/{slug}/?sort=newest"):
                page = reader.get(path)
                assert page.status == 200
                assert marker not in page.text, path
            clients = standby.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND backend_type = 'client backend'"
                " AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            assert clients >= 1  # the site's own connections
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 15
    while marker not in reader.get(f"/articles/{slug}/").text:
        assert time.monotonic() < deadline, "the replica's readers never saw the change"
        time.sleep(0.3)
    assert marker in reader.get("/").text


def test_a_writer_sees_their_reply_while_replay_is_paused_others_once_it_resumes(stack):
    made = stack["made"]
    slug = made["articles"][0]["slug"]
    parent = made["articles"][0]["comments"][0]["id"]
    writer = Browser(stack["site"].port)
    writer.login(made["users"][0], made["password"])
    anonymous = Browser(stack["site"].port)
    body = f"Replayed later {uuid.uuid4().hex[:8]}"
    with stack["replica"].connect() as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        try:
            page = writer.get(f"/articles/{slug}/")
            posted = writer.post(
                f"/articles/{slug}/comments/", writer.comment_fields(page, body, parent)
            )
            assert posted.comment_id() is not None, posted.text[:2000]
            assert body in writer.get(f"/articles/{slug}/").text  # pinned to the primary
            assert body in writer.get(f"/comments/{posted.comment_id()}/").text
            time.sleep(1.2)  # past the page cache's PAGE_STATE_SECONDS
            assert anonymous.get(f"/articles/{slug}/").status == 200
            assert body not in anonymous.get(f"/articles/{slug}/").text  # the replica's past
            assert anonymous.get(f"/comments/{posted.comment_id()}/").status == 404
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 15
    while body not in anonymous.get(f"/articles/{slug}/").text:
        assert time.monotonic() < deadline, "the reply never reached the replica's readers"
        time.sleep(0.3)
    assert anonymous.get(f"/comments/{posted.comment_id()}/").status == 200


def test_a_replica_too_far_behind_is_skipped(stack):
    """With replay paused and the primary moving on, the replica's lag grows past
    REPLICA_MAX_LAG_SECONDS: readers are then answered from the primary."""
    slug = stack["made"]["articles"][0]["slug"]
    strict = Gunicorn(
        {
            **stack["env"],
            "PORT": str(free_port()),
            "CROSSTALK_REPLICA_MAX_LAG_SECONDS": "1",
            "CROSSTALK_REPLICA_CHECK_SECONDS": "0.2",
        }
    )
    strict.start()
    marker = f"Late trains {uuid.uuid4().hex[:8]}"
    try:
        with stack["replica"].connect() as standby, stack["primary"].connect() as primary:
            standby.execute("SELECT pg_wal_replay_pause()")
            try:
                primary.execute(
                    "UPDATE articles_article SET title = %s, updated_at = now() WHERE slug = %s",
                    (marker, slug),
                )
                time.sleep(2.5)  # the replica is now more than a second behind
                page = Browser(strict.port).get(f"/articles/{slug}/")
                assert page.status == 200
                assert marker in page.text  # read on the primary
            finally:
                standby.execute("SELECT pg_wal_replay_resume()")
    finally:
        strict.stop()


def test_pages_still_answer_when_the_replica_stops(stack):
    made = stack["made"]
    slug = made["articles"][1]["slug"]
    signed_in = Browser(stack["site"].port)
    signed_in.login(made["users"][1], made["password"])
    anonymous = Browser(stack["site"].port)
    stack["replica"].stop("immediate")
    statuses = []
    for n in range(10):
        statuses.append(anonymous.get(f"/?page={n % 2 + 1}").status)
        statuses.append(anonymous.get(f"/articles/{slug}/?sort=newest&page={n % 3 + 1}").status)
        statuses.append(signed_in.get(f"/articles/{slug}/").status)
    assert statuses == [200] * 30, statuses
