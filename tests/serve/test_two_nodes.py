"""Two app nodes (two gunicorn masters on their own ports) behind one nginx upstream, sharing
one PostgreSQL and one Redis: what one node writes, the other shows; sessions, lockouts and
posting limits hold across them; a node killed under load costs readers nothing but the
requests it held at that instant (nginx passes a failed GET to the other node)."""

import os
import signal
import threading
import time
import uuid

import pytest

from deploy import nginx
from soak.client import Browser
from soak.services import (
    Gunicorn,
    Nginx,
    PostgresCluster,
    RedisMissing,
    RedisServer,
    free_port,
    manage,
    prepare_site,
    seed,
    site_env,
)

CLIENTS = 4


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    try:
        redis = RedisServer()
    except RedisMissing as missing:
        pytest.skip(str(missing))
    cluster = PostgresCluster("crosstalk_nodes")
    sites, proxy = [], None
    try:
        redis.start()
        cluster.init()
        cluster.start()
        cluster.create_database()
        env = site_env(database_url=cluster.url, port=free_port(), redis_url=redis.url)
        prepare_site(env)
        made = seed(env, users=4, articles=1, comments=3, prefix="node")
        for _ in range(2):
            site = Gunicorn({**env, "PORT": str(free_port())})
            site.start()
            sites.append(site)
        port = free_port()
        conf = nginx.render(
            tmp_path_factory.mktemp("nginx"),
            listen=f"127.0.0.1:{port}",
            upstreams=[f"127.0.0.1:{site.port}" for site in sites],
        )
        proxy = Nginx(conf, port)
        proxy.start()
        yield {"sites": sites, "port": port, "made": made, "env": env}
    finally:
        if proxy is not None:
            proxy.stop()
        for site in sites:
            site.stop()
        cluster.close()
        redis.close()


def test_what_one_node_writes_the_other_shows(nodes):
    one, two = (Browser(site.port) for site in nodes["sites"])
    made = nodes["made"]
    article = made["articles"][0]
    one.login(made["users"][0], made["password"])
    body = f"Written through node one {uuid.uuid4().hex[:8]}"
    page = one.get(f"/articles/{article['slug']}/")
    posted = one.post(f"/articles/{article['slug']}/comments/", one.comment_fields(page, body))
    assert posted.comment_id() is not None, posted.text[:2000]
    deadline = time.monotonic() + 5  # other workers' page states last PAGE_STATE_SECONDS
    while body not in two.get(f"/articles/{article['slug']}/").text:
        assert time.monotonic() < deadline, "node two never showed node one's comment"
        time.sleep(0.2)
    # The session made on node one signs the reader in on node two.
    two.cookies = dict(one.cookies)
    assert two.get("/notifications/").status == 200
    assert Browser(nodes["sites"][1].port).get("/notifications/").status == 302


def test_lockouts_and_posting_limits_hold_across_nodes(nodes):
    made = nodes["made"]
    ports = [site.port for site in nodes["sites"]]
    username = made["users"][1]
    statuses = []
    for attempt in range(6):
        browser = Browser(ports[attempt % 2])
        token = browser.get("/accounts/login/").csrf_token()
        answer = browser.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": "wrong guess"},
        )
        statuses.append(answer.status)
    assert statuses[:4] == [200] * 4 and statuses[-1] == 429, statuses
    # The right password is refused on both nodes now.
    for port in ports:
        browser = Browser(port)
        token = browser.get("/accounts/login/").csrf_token()
        answer = browser.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": made["password"]},
        )
        assert answer.status == 429
    # The address is locked for every account too (AXES_LOCKOUT_PARAMETERS): lift it.
    assert manage(nodes["env"], "axes_reset").returncode == 0
    # Posting: five a minute, whichever node takes them.
    writers = [Browser(port) for port in ports]
    for writer in writers:
        writer.login(made["users"][2], made["password"])
    slug = made["articles"][0]["slug"]
    answers = []
    for n in range(7):
        writer = writers[n % 2]
        page = writer.get(f"/articles/{slug}/")
        fields = writer.comment_fields(page, f"Limit check {n} {uuid.uuid4().hex[:6]}")
        answers.append(writer.post(f"/articles/{slug}/comments/", fields).status)
    assert answers[:5] == [302] * 5 and set(answers[5:]) == {429}, answers


def test_a_node_killed_under_load_costs_only_its_requests_in_flight(nodes):
    port, slug = nodes["port"], nodes["made"]["articles"][0]["slug"]
    paths = ["/", f"/articles/{slug}/", f"/articles/{slug}/?sort=newest", "/healthz"]
    statuses: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def reader(n: int) -> None:
        browser = Browser(port)
        i = n
        while not stop.is_set():
            try:
                statuses.append(browser.get(paths[i % len(paths)]).status)
            except OSError as error:
                errors.append(repr(error))
            i += 1

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    victim = nodes["sites"][0]
    os.killpg(victim.pid, signal.SIGKILL)
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(15)
    failed = [status for status in statuses if status >= 500]
    assert not errors, errors
    assert len(statuses) > 100
    assert len(failed) <= CLIENTS, (len(failed), len(statuses))
    # The other node still takes writes.
    made = nodes["made"]
    writer = Browser(port)
    writer.login(made["users"][3], made["password"])
    page = writer.get(f"/articles/{slug}/")
    body = f"After the node went {uuid.uuid4().hex[:6]}"
    assert (
        writer.post(f"/articles/{slug}/comments/", writer.comment_fields(page, body)).status == 302
    )
    assert body in writer.get(f"/articles/{slug}/?sort=newest").text
