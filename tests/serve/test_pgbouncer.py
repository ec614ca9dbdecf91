"""The site behind Debian's PgBouncer in transaction mode (docs/DEPLOYMENT.md, connection
budget): every page and a post work, and the gunicorn workers' connections share a smaller
pool of server connections."""

import threading
import uuid

import pytest

from soak.client import Browser
from soak.services import (
    Gunicorn,
    PgBouncer,
    PostgresCluster,
    ServiceError,
    free_port,
    prepare_site,
    seed,
    site_env,
)

WORKERS = 5
POOL = 2


@pytest.fixture(scope="module")
def site():
    cluster = PostgresCluster("crosstalk_pgb")
    bouncer = server = None
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        env = site_env(database_url=cluster.url, port=free_port(), workers=WORKERS)
        prepare_site(env)
        made = seed(env, users=3, articles=2, comments=6, prefix="pgb")
        try:
            bouncer = PgBouncer(cluster, pool_size=POOL, port=free_port())
        except ServiceError as missing:
            pytest.skip(str(missing))
        bouncer.start()
        server = Gunicorn({**env, "DATABASE_URL": bouncer.url, "CROSSTALK_PGBOUNCER": "1"})
        server.start()
        yield {"server": server, "bouncer": bouncer, "cluster": cluster, "made": made}
    finally:
        if server is not None:
            server.stop()
        if bouncer is not None:
            bouncer.close()
        cluster.close()


def server_connections(cluster) -> int:
    with cluster.connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def test_workers_share_a_smaller_pool_of_server_connections(site):
    made = site["made"]
    slug = made["articles"][0]["slug"]
    paths = ["/", f"/articles/{slug}/?sort=newest", f"/articles/{slug}/?sort=oldest", "/healthz"]
    statuses: list[int] = []

    def reader(n: int) -> None:
        browser = Browser(site["server"].port)
        for i in range(40):
            statuses.append(browser.get(paths[(n + i) % len(paths)]).status)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    writer = Browser(site["server"].port)
    writer.login(made["users"][0], made["password"])
    page = writer.get(f"/articles/{slug}/")
    body = f"Through the pool {uuid.uuid4().hex[:6]}"
    assert (
        writer.post(f"/articles/{slug}/comments/", writer.comment_fields(page, body)).status == 302
    )
    assert body in writer.get(f"/articles/{slug}/?sort=newest").text

    assert statuses == [200] * 320
    clients = sum(
        1 for row in site["bouncer"].show("CLIENTS") if row["database"] == "crosstalk_pgb"
    )
    on_server = server_connections(site["cluster"])
    assert clients >= WORKERS  # each worker keeps its connection (CONN_MAX_AGE)
    assert on_server <= POOL < clients, (on_server, clients)
