"""Run the benchmark: `python -m bench [--only SECTION ...]` (make bench runs it all).

Figures go to stdout as JSON lines, progress to stderr.
"""

import argparse
import gc
import os
import sys

SECTIONS = (
    "queries",
    "render",
    "tree",
    "replies",
    "http",
    "imports",
    "mail",
    "glossary",
    "search",
    "serve",
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    args = parser.parse_args(argv)
    sections = set(args.only or SECTIONS)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    os.environ.setdefault("CROSSTALK_DB_NAME", "crosstalk_bench")
    import django

    django.setup()

    from bench.database import ensure_database

    ensure_database()

    from django.core.management import call_command

    from bench import data
    from bench.report import emit, progress

    call_command("migrate", interactive=False, verbosity=0)
    reader, pool = data.ensure_users()
    discussions = {
        size: data.ensure_discussion(size, reader=reader, pool=pool) for size in data.SIZES
    }
    progress("VACUUM (ANALYZE): the database as autovacuum keeps it")
    data.settle()
    # What a gunicorn worker does once the app is loaded (gunicorn.conf.py, post_worker_init),
    # so the in-process figures see the collector as the site's workers do.
    gc.freeze()
    emit("machine_load_1min", os.getloadavg()[0], "load", cpus=os.cpu_count(), when="start")
    for size in data.SIZES:
        shape = data.shape(size)
        emit(f"dataset_{size}_comments", shape.pop("comments"), "comments", **shape)

    if "queries" in sections:
        from bench.render import query_counts, unread_count_queries

        progress("SQL queries per article page")
        query_counts(discussions, reader)
        unread_count_queries(discussions, reader)
    if "render" in sections:
        from bench.render import first_page_times

        progress("first page, uncached, in process")
        first_page_times(discussions)
    if "tree" in sections:
        from bench.render import whole_tree

        progress("whole 2,000-comment tree")
        whole_tree(discussions)
    if "replies" in sections:
        from bench.replies import reply_times

        progress("replies into the 2,000-comment discussion")
        reply_times(discussions[2_000])
    if "http" in sections:
        from bench.http import http_figures

        http_figures(discussions, reader)
    if "imports" in sections:
        from bench.imports import import_figures

        import_figures()
    if "mail" in sections:
        from bench.mail import mail_figures

        mail_figures()
    if "glossary" in sections:
        from bench.glossary import glossary_figures

        progress("glossary linking on the uncached 2,000-comment first page")
        glossary_figures(discussions)
    if "search" in sections:
        from bench.search import search_figures

        progress("search over 10,000 articles and 200,000 comments")
        search_figures()
    if "serve" in sections:
        from bench.serve import serve_figures

        progress("serving: nginx in front of gunicorn, slow clients, a replica")
        serve_figures(discussions)
    emit("machine_load_1min", os.getloadavg()[0], "load", cpus=os.cpu_count(), when="end")
    progress("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
