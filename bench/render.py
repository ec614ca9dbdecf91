"""In-process figures: SQL queries per page, and server render times (cache cleared each time)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.floor import tree_floor_ms
from bench.naive import render_naive
from bench.report import Stopwatch, emit, p50, percentile, progress
from discussions import selectors
from discussions.layout import lay_out
from discussions.models import Comment
from discussions.pages import render_thread, thread_fragment
from discussions.sorts import Sort
from notifications.events import recount_unread
from notifications.models import Kind, Notification

MAX_QUERIES = 8
FIRST_PAGE_P50_MS = {2_000: 30, 10_000: 40}
FIRST_PAGE_RUNS = {2_000: 30, 10_000: 20}
WHOLE_TREE_P50_MS = 50
WHOLE_TREE_RUNS = 15
NAIVE_RUNS = 3
MIN_SPEEDUP = 15
WARM_UP = 3


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def query_counts(discussions, reader) -> None:
    """Print the most SQL queries any first or second page takes, per reader kind and size."""
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(reader)
    for size in (2_000, 10_000):
        article = discussions[size].article
        for who, client in (("anonymous", anonymous), ("signed_in", signed_in)):
            counts = {}
            for sort in Sort.values:
                for page in (1, 2):
                    cache.clear()
                    url = f"{article.get_absolute_url()}?sort={sort}&page={page}"
                    _get(client, url)  # the session, CSRF cookie and connection are warm
                    cache.clear()
                    with CaptureQueriesContext(connection) as queries:
                        _get(client, url)
                    counts[f"{sort}/{page}"] = len(queries)
            worst = max(counts, key=counts.get)
            emit(
                f"sql_queries_article_page_{who}_{size}",
                counts[worst],
                "queries",
                at_most=MAX_QUERIES,
                worst=worst,
                cached=_cached_count(client, article),
                detail="every sort, pages 1 and 2, uncached",
            )


def unread_count_queries(discussions, reader) -> None:
    """Print how many queries the header's unread count adds to a signed-in page: the same
    page with no unread notification and with three."""
    article = discussions[2_000].article
    client = Client()
    client.force_login(reader)
    counts = []
    targets = list(Comment.objects.filter(article=article).order_by("pk")[:3])
    for unread in (0, 3):
        Notification.objects.filter(recipient=reader).delete()
        Notification.objects.bulk_create(
            Notification(recipient=reader, kind=Kind.REPLY, comment=c) for c in targets[:unread]
        )
        recount_unread([reader.pk])
        counts.append(_cached_count(client, article))
        page = client.get(article.get_absolute_url()).content.decode()
        if f'data-unread-count="{unread}"' not in page:
            raise RuntimeError(f"the signed-in page does not show {unread} unread")
    Notification.objects.filter(recipient=reader).delete()
    recount_unread([reader.pk])
    emit(
        "sql_queries_unread_count_added",
        counts[1] - counts[0],
        "queries",
        at_most=1,
        without=counts[0],
        with_unread=counts[1],
        how="signed-in 2,000-comment page, fragment cached: 3 unread notifications vs none",
    )


def _cached_count(client: Client, article) -> int:
    url = article.get_absolute_url()
    cache.clear()
    _get(client, url)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return len(queries)


def first_page_times(discussions) -> None:
    """Time the first page of the 2,000 and 10,000 discussions, rendered from scratch."""
    client = Client()
    for size in (2_000, 10_000):
        url = discussions[size].article.get_absolute_url()
        watch = Stopwatch()
        for run in range(WARM_UP + FIRST_PAGE_RUNS[size]):
            cache.clear()
            if run < WARM_UP:
                _get(client, url)
                continue
            with watch:
                response = _get(client, url)
        samples = watch.samples
        emit(
            f"render_first_page_{size}_uncached_p50",
            p50(samples),
            "ms",
            at_most=FIRST_PAGE_P50_MS[size],
            p90=percentile(samples, 0.9),
            cpu_p50=p50(watch.cpu_samples),
            runs=len(samples),
            html_kb=round(len(response.content) / 1024),
            how="test Client GET, anonymous, sort=best, cache cleared before each",
        )


def tree_stages(article) -> dict[str, float]:
    """Return the median ms of each stage of the whole tree's render (the rows' read, the
    layout, the join), each stage timed on its own over the settings in force."""
    sort = Sort.BEST
    samples = {"rows": [], "layout": [], "join": []}
    for run in range(WARM_UP + WHOLE_TREE_RUNS):
        started = time.perf_counter()
        rows = selectors.tree_rows(article, None, sort=sort)
        read = time.perf_counter()
        layout = lay_out(rows)
        laid_out = time.perf_counter()
        render_thread(layout, sort=sort).encode()
        joined = time.perf_counter()
        if run >= WARM_UP:
            samples["rows"].append((read - started) * 1000)
            samples["layout"].append((laid_out - read) * 1000)
            samples["join"].append((joined - laid_out) * 1000)
    return {stage: p50(values) for stage, values in samples.items()}


def whole_tree(discussions) -> None:
    """Time the whole 2,000-comment tree: the site's renderer without caps, and the baseline."""
    article = discussions[2_000].article
    uncapped = {
        **settings.CROSSTALK,
        "PAGE_COMMENT_BUDGET": 10**9,
        "MAX_INLINE_DEPTH": 10**6,
        "MAX_INLINE_REPLIES": 10**9,
    }
    fast = Stopwatch()
    with override_settings(CROSSTALK=uncapped):
        for run in range(WARM_UP + WHOLE_TREE_RUNS):
            cache.clear()
            if run < WARM_UP:
                fragment = thread_fragment(article, sort="best", page=1)
                continue
            with fast:
                fragment = thread_fragment(article, sort="best", page=1)
        stages = tree_stages(article)
    rendered = len(fragment.comment_ids)
    progress("naive baseline (one query per comment's replies, recursive include)")
    naive = Stopwatch()
    with CaptureQueriesContext(connection) as queries, naive:
        html = render_naive(article)  # its template compiles in well under a millisecond
    naive_queries = len(queries)
    for _ in range(NAIVE_RUNS - 1):
        with naive:
            html = render_naive(article)
    naive_p50 = p50(naive.samples)
    fast_p50 = p50(fast.samples)
    emit(
        "render_whole_tree_2000_p50",
        fast_p50,
        "ms",
        at_most=WHOLE_TREE_P50_MS,
        p90=percentile(fast.samples, 0.9),
        cpu_p50=p50(fast.cpu_samples),
        runs=len(fast.samples),
        comments=rendered,
        html_kb=round(len(fragment.html) / 1024),
        how="discussions.pages.thread_fragment, caps lifted, cache cleared before each",
    )
    floor_ms = tree_floor_ms(article.pk)
    emit(
        "render_whole_tree_2000_floor_p50",
        floor_ms,
        "ms",
        how="bench.floor.tree_floor_ms: the same rows' stored body_html in tree order, one "
        "query, joined into one string",
    )
    emit(
        "render_whole_tree_2000_vs_floor",
        fast_p50 / floor_ms,
        "x",
        at_most=2.0,
        tree_ms=fast_p50,
        floor_ms=floor_ms,
    )
    # Where the time goes: the same render taken apart, each stage timed on its own.
    rest = fast_p50 - sum(stages.values())
    how = {
        "rows": "discussions.selectors.tree_rows: the page's one query of its rows, fetched",
        "layout": "discussions.layout.lay_out over those rows",
        "join": "discussions.pages.render_thread, its HTML encoded to UTF-8",
    }
    for stage, ms in stages.items():
        emit(f"render_whole_tree_2000_{stage}_p50", ms, "ms", of_floor=ms / floor_ms,
             how=how[stage])  # fmt: skip
    rest = max(rest, 0.0)
    emit("render_whole_tree_2000_rest_p50", rest, "ms", of_floor=rest / floor_ms,
         how="the whole tree's p50 less the three stages: cache lookups and writes, the "
         "editors' picks query, the fragment")  # fmt: skip
    emit(
        "render_whole_tree_2000_naive_p50",
        naive_p50,
        "ms",
        cpu_p50=p50(naive.cpu_samples),
        runs=len(naive.samples),
        queries=naive_queries,
        html_kb=round(len(html) / 1024),
        how="bench/naive.py: a query per comment's replies, recursive Django include",
    )
    emit(
        "render_whole_tree_2000_speedup",
        naive_p50 / fast_p50,
        "x",
        at_least=MIN_SPEEDUP,
        cpu_ratio=p50(naive.cpu_samples) / p50(fast.cpu_samples),
    )
