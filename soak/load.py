"""The mixed load: readers, posters, voters and flaggers from a bounded pool of threads.

Each thread takes a signed-in reader from a shared pool (so one reader's session is used by
one thread at a time), does one thing as that reader, and puts the reader back, until the
deadline. Everything the site acknowledged (comments by their redirect to #comment-<id>, votes
by their JSON answer, flags by their redirect) goes into the Ledger, for the checks afterwards.
"""

import http.client
import itertools
import json
import queue
import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from soak.client import Browser, Response
from soak.report import progress

SORTS = ("best", "top", "newest", "oldest", "controversial")
# What each kind of request may answer without being an error. A 404 on a comment (vote, flag,
# permalink) is allowed only if that comment turns out to be held for review; the checks verify.
EXPECTED = {
    "login": {302},
    "home": {200},
    "article": {200},
    "permalink": {200, 404},
    "post_form": {200},
    "post": {302, 429},
    "vote": {200, 404},
    "flag": {302, 404},
}
# The site's posting limits (CROSSTALK RATE_PER_MINUTE / RATE_PER_HOUR), with a little margin,
# so the posters stay under them: a 429 is then counted, never the plan.
POSTING_LIMITS = ((62.0, 5), (3_602.0, 50))
FLAGS_TO_HOLD = 3
WEIGHTS = {"home": 8, "article": 34, "permalink": 10, "post": 20, "vote": 22, "flag": 6}
PHRASES = (
    "Quiet cars are overdue. *Finally* some peace on Line 2.",
    "조용한 칸 좋네요. But who is going to enforce it at rush hour?",
    "> The pilot starts on Line 2 next month.\n\nWe will see how long it lasts.",
    "The translation reads well; the source is https://example.org/segye/1 for the curious.",
    "**Strongly** disagree: phone calls are not the problem, loud videos are.",
    "Tokyo has had this for years and nobody complains. 静かな車両 works.",
)


@dataclass
class Reader:
    browser: Browser
    posts: deque = field(default_factory=deque)  # when this reader's posts were sent
    flagged: set = field(default_factory=set)

    @property
    def username(self) -> str:
        return self.browser.username

    def may_post(self, now: float) -> bool:
        return all(
            sum(1 for sent in self.posts if now - sent < window) < limit
            for window, limit in POSTING_LIMITS
        )


class Ledger:
    """Every answer the site gave, and every write it acknowledged; shared by the threads."""

    def __init__(self, seeded: dict, run_id: str):
        self.run_id = run_id
        self.lock = threading.Lock()
        self.samples: list[tuple[str, int, float]] = []  # (kind, status, seconds)
        self.transport_errors: Counter = Counter()  # "kind: exception"
        self.unexpected: Counter = Counter()  # "kind status"
        self.refused: list[tuple[str, int]] = []  # (kind, comment id) answered 404
        self.authors: dict[int, str] = {}  # comment id -> author username
        self.threads: dict[str, list[int]] = {}  # article slug -> its comment ids
        self.acknowledged: dict[int, str] = {}  # comment id -> body
        self.votes: dict[tuple[str, int], int] = {}  # (username, comment id) -> value now
        self.flags: set[tuple[str, int]] = set()
        self.flag_counts: Counter = Counter()
        self._bodies = itertools.count(1)
        for article in seeded["articles"]:
            ids = self.threads.setdefault(article["slug"], [])
            for comment in article["comments"]:
                ids.append(comment["id"])
                self.authors[comment["id"]] = comment["author"]
        # Half the flags go to these few comments, so some collect enough to be held.
        self.contentious = [ids[n] for ids in self.threads.values() for n in range(0, 12, 4)]

    def body(self, rng: random.Random) -> str:
        return f"[soak {self.run_id}:{next(self._bodies)}] {rng.choice(PHRASES)}"

    def call(self, kind: str, request, comment_id: int | None = None) -> Response | None:
        """Send a request; record its status and time, or the transport error."""
        try:
            response = request()
        except (http.client.HTTPException, OSError) as exc:
            with self.lock:
                self.transport_errors[f"{kind}: {exc.__class__.__name__}"] += 1
            return None
        with self.lock:
            self.samples.append((kind, response.status, response.seconds))
            if response.status not in EXPECTED[kind]:
                self.unexpected[f"{kind} {response.status}"] += 1
            elif response.status == 404 and comment_id is not None:
                self.refused.append((kind, comment_id))
        return response

    def pick_comment(
        self, rng: random.Random, *, not_by: str = "", exclude=(), contentious=False
    ) -> int | None:
        """Return a known comment id, by someone else and unlikely to be held; None if none."""
        with self.lock:
            if contentious:
                candidates = self.contentious
            else:
                candidates = self.threads[rng.choice(list(self.threads))]
            for _ in range(20):
                pk = rng.choice(candidates)
                held = self.flag_counts[pk] >= FLAGS_TO_HOLD
                if self.authors.get(pk) != not_by and pk not in exclude and not held:
                    return pk
        return None


def do_home(ledger, reader, anonymous, rng):
    ledger.call("home", lambda: anonymous.get(f"/?page={rng.choice((1, 1, 2))}"))


def do_article(ledger, reader, anonymous, rng):
    browser = rng.choice((reader.browser, anonymous))
    slug = rng.choice(list(ledger.threads))
    path = f"/articles/{slug}/?sort={rng.choice(SORTS)}&page={rng.choice((1, 1, 1, 2, 3))}"
    ledger.call("article", lambda: browser.get(path))


def do_permalink(ledger, reader, anonymous, rng):
    pk = ledger.pick_comment(rng)
    if pk is not None:
        path = f"/comments/{pk}/?sort={rng.choice(SORTS)}"
        ledger.call("permalink", lambda: anonymous.get(path), comment_id=pk)


def do_post(ledger, reader, anonymous, rng):
    now = time.monotonic()
    if not reader.may_post(now):
        return do_article(ledger, reader, anonymous, rng)
    browser = reader.browser
    slug = rng.choice(list(ledger.threads))
    page = ledger.call("post_form", lambda: browser.get(f"/articles/{slug}/"))
    if page is None or page.status != 200:
        return None
    with ledger.lock:
        parent = rng.choice(ledger.threads[slug]) if rng.random() < 0.65 else None
    body = ledger.body(rng)
    fields = browser.comment_fields(page, body, parent)
    reader.posts.append(now)
    while reader.posts and now - reader.posts[0] > POSTING_LIMITS[-1][0]:
        reader.posts.popleft()
    answer = ledger.call("post", lambda: browser.post(f"/articles/{slug}/comments/", fields))
    pk = answer.comment_id() if answer is not None else None
    if pk is not None:
        with ledger.lock:
            ledger.acknowledged[pk] = body
            ledger.authors[pk] = reader.username
            ledger.threads[slug].append(pk)
    return None


def do_vote(ledger, reader, anonymous, rng):
    pk = ledger.pick_comment(rng, not_by=reader.username)
    if pk is None:
        return
    browser = reader.browser
    headers = {"Accept": "application/json", "X-CSRFToken": browser.csrf_cookie}
    value = rng.choice(("1", "1", "-1", "0"))
    answer = ledger.call(
        "vote",
        lambda: browser.post(f"/comments/{pk}/vote/", {"value": value}, headers=headers),
        comment_id=pk,
    )
    if answer is not None and answer.status == 200:
        with ledger.lock:
            ledger.votes[(reader.username, pk)] = json.loads(answer.text)["value"]


def do_flag(ledger, reader, anonymous, rng, rules=(1,)):
    pk = ledger.pick_comment(
        rng, not_by=reader.username, exclude=reader.flagged, contentious=rng.random() < 0.5
    )
    if pk is None:
        return
    browser = reader.browser
    fields = {
        "csrfmiddlewaretoken": browser.csrf_cookie,
        "rule": str(rng.choice(rules)),
        "note": "Soak test flag.",
    }
    reader.flagged.add(pk)
    answer = ledger.call(
        "flag", lambda: browser.post(f"/comments/{pk}/flag/", fields), comment_id=pk
    )
    if answer is not None and answer.status == 302:
        with ledger.lock:
            ledger.flags.add((reader.username, pk))
            ledger.flag_counts[pk] += 1


ACTIONS = {
    "home": do_home,
    "article": do_article,
    "permalink": do_permalink,
    "post": do_post,
    "vote": do_vote,
    "flag": do_flag,
}


def sign_in(port: int, seeded: dict, ledger: Ledger, clients: int) -> list[Reader]:
    """Log every seeded reader in through the login form, `clients` at a time."""
    names = queue.Queue()
    for name in seeded["users"]:
        names.put(name)
    readers: list[Reader] = []

    def work():
        while True:
            try:
                name = names.get_nowait()
            except queue.Empty:
                return
            browser = Browser(port)

            def login(browser=browser, name=name):
                token = browser.get("/accounts/login/").csrf_token()
                fields = {
                    "csrfmiddlewaretoken": token,
                    "username": name,
                    "password": seeded["password"],
                    "next": "/",
                }
                return browser.post("/accounts/login/", fields)

            answer = ledger.call("login", login)
            if answer is not None and answer.status == 302:
                browser.username = name
                with ledger.lock:
                    readers.append(Reader(browser))

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return readers


def run(port: int, seeded: dict, ledger: Ledger, *, readers, seconds, clients, seed) -> float:
    """Run the mixed load for `seconds` from `clients` threads; return the time it took."""
    pool = queue.Queue()
    for reader in readers:
        pool.put(reader)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    rules = tuple(seeded["rules"]) or (1,)
    deadline = time.monotonic() + seconds

    def work(number: int):
        rng = random.Random(f"{seed}:{number}")  # noqa: S311 - load shapes, not secrets
        anonymous = Browser(port)
        while time.monotonic() < deadline:
            reader = pool.get()
            try:
                kind = rng.choices(kinds, weights)[0]
                if kind == "flag":
                    do_flag(ledger, reader, anonymous, rng, rules)
                else:
                    ACTIONS[kind](ledger, reader, anonymous, rng)
            finally:
                pool.put(reader)

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    next_report = started + 10
    while alive := [thread for thread in threads if thread.is_alive()]:
        alive[0].join(timeout=max(0.1, next_report - time.monotonic()))
        if time.monotonic() < next_report and any(thread.is_alive() for thread in threads):
            continue
        next_report += 10
        with ledger.lock:
            done = sum(1 for sample in ledger.samples if sample[0] != "login")
            errors = sum(1 for sample in ledger.samples if sample[1] >= 500)
        elapsed = time.monotonic() - started
        progress(f"{elapsed:5.0f}s: {done} requests ({done / elapsed:.0f}/s), {errors} 5xx")
    return time.monotonic() - started
