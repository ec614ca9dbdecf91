"""Fault tests: the site under production settings, served by gunicorn, while the services it
depends on fail.

They start their own throwaway PostgreSQL cluster, Redis and gunicorn (soak/services.py) and
break those on purpose; they never touch pytest-django's test database nor the project-local
cluster in .postgres/. Everything is torn down when the package's tests end, also on failure.
"""

import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from soak.client import Browser, Response
from soak.services import (
    Gunicorn,
    PostgresCluster,
    free_port,
    manage,
    prepare_site,
    seed,
    site_env,
)

DATABASE = "crosstalk_faults"
READERS = 16
BIG_THREAD = 150  # comments on the first article: a post there renders a full page


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "faults: starts its own PostgreSQL, Redis and gunicorn and breaks them"
    )


@pytest.fixture(scope="package")
def cluster():
    pg = PostgresCluster(DATABASE)
    try:
        pg.init()
        pg.start()
        pg.create_database()
        yield pg
    finally:
        pg.close()


@pytest.fixture(scope="package")
def seeded(cluster):
    """Migrate and seed the faults database once; return the seeded names and a reader pool."""
    env = site_env(database_url=cluster.url, port=0)
    prepare_site(env)
    data = seed(env, users=READERS, articles=2, comments=5, big=BIG_THREAD, prefix="faults")
    data["unused_readers"] = iter(data["users"])
    return data


@dataclass
class Site:
    """The running site: its gunicorn, environment, database and seeded data."""

    server: Gunicorn
    env: dict
    cluster: PostgresCluster
    data: dict
    journal: list[Response] = field(default_factory=list)

    def browser(self) -> Browser:
        return Browser(self.server.port, journal=self.journal)

    def reader(self) -> Browser:
        """Return a browser signed in as a reader no other test has used."""
        browser = self.browser()
        browser.login(next(self.data["unused_readers"]), self.data["password"])
        return browser

    def article_path(self, index: int = 0) -> str:
        return f"/articles/{self.data['articles'][index]['slug']}/"

    def create_path(self, index: int = 0) -> str:
        return self.article_path(index) + "comments/"

    def comment_rows(self, body: str) -> list[tuple]:
        """Return (id, body, body_html, status) of each comment with exactly that body."""
        with self.cluster.connect() as conn:
            return conn.execute(
                "SELECT id, body, body_html, status FROM discussions_comment WHERE body = %s",
                [body],
            ).fetchall()

    def query(self, sql: str, params=()) -> list[tuple]:
        with self.cluster.connect() as conn:
            return conn.execute(sql, params).fetchall()

    @contextmanager
    def database_stopped(self):
        """Stop PostgreSQL for the block; start it again afterwards unless the block did."""
        self.cluster.stop("fast")
        try:
            yield
        finally:
            if not self.cluster.is_running():
                self.cluster.start()

    def wait_until_healthy(self, timeout: float = 20) -> list[int]:
        """Poll /healthz until it answers 200; return every status it answered."""
        browser = self.browser()
        statuses = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            statuses.append(browser.get("/healthz").status)
            if statuses[-1] == 200:
                return statuses
            time.sleep(0.1)
        raise AssertionError(f"/healthz did not recover within {timeout}s: {statuses[-5:]}")

    def server_errors(self, *, allowed=()) -> list[str]:
        """Return the responses with a 5xx status outside `allowed`."""
        return [
            f"{r.method} {r.path} -> {r.status}"
            for r in self.journal
            if r.status >= 500 and r.status not in allowed
        ]

    def manage(self, *args: str):
        return manage(self.env, *args)


@pytest.fixture(scope="package")
def open_site(cluster, seeded):
    """Return a context manager that serves the site with gunicorn until the block ends."""

    @contextmanager
    def open_site(*, redis_url: str = ""):
        env = site_env(database_url=cluster.url, port=free_port(), redis_url=redis_url)
        server = Gunicorn(env)
        try:
            server.start()
            yield Site(server=server, env=env, cluster=cluster, data=seeded)
        finally:
            server.stop()

    return open_site


@pytest.fixture(scope="module")
def site(open_site):
    with open_site() as running:
        yield running


@pytest.fixture
def unique_body():
    """Return a function making comment bodies no one posted before (duplicates are by body)."""

    def unique_body(words: str) -> str:
        return f"{words} [{uuid.uuid4().hex[:12]}]"

    return unique_body
