"""The floors the bench compares crosstalk's figures with, measured in the same run.

- The framework floor (`bench/floor/app.py`): a bare Django app, no middleware, no apps, no
  database, answering every path with one page's gzipped bytes held in memory, started by the
  same gunicorn command as the site (`bench.http.gunicorn(app=FLOOR_APP)`). No Django site can
  serve a page faster through that stack; `bench.http` divides its req/s figures by it.
- The tree floor (`tree_floor_ms`): fetching a discussion's stored `body_html` in tree order and
  joining it, the least any whole-tree render of those rows has to do.
"""

import statistics
import time

from django.apps import apps
from django.db import connections, router

# The gunicorn app of the framework floor. This package stays importable before settings are
# configured (that app configures its own), so the model below is looked up on use.
FLOOR_APP = "bench.floor.app"
# The floor app's environment: the file of the page's (gzipped) bytes and their Content-Type.
BODY_FILE_ENV = "CROSSTALK_FLOOR_BODY_FILE"
CONTENT_TYPE_ENV = "CROSSTALK_FLOOR_CONTENT_TYPE"
TREE_FLOOR_RUNS = 15
WARM_UP = 3


def tree_floor_ms(article_id: int, *, repeat: int = TREE_FLOOR_RUNS) -> float:
    """Return the median ms of fetching the article's stored `body_html` in tree order (one
    query, `ORDER BY tree_id, lft`) and joining it into one string, over `repeat` runs after
    a few warm-up runs."""
    comment = apps.get_model("discussions", "Comment")
    rows = (
        comment._base_manager.filter(article_id=article_id)
        .order_by("tree_id", "lft")
        .values_list("body_html", flat=True)
    )
    # Built once by the ORM, run as plain SQL: the floor is the database's rows and the string
    # join, not the ORM's query building or its row conversion.
    sql, params = rows.query.sql_with_params()
    connection = connections[router.db_for_read(comment)]
    samples = []
    for run in range(WARM_UP + repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            html = "".join(body for (body,) in cursor.fetchall())
        if run >= WARM_UP:
            samples.append((time.perf_counter() - started) * 1000)
    if not html:
        raise ValueError(f"article {article_id} has no comments to fetch")
    return statistics.median(samples)
