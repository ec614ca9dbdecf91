"""Importer figures: import_wxr and import_disqus on 50,000 comments across 200 threads.

The exports come from bench/generate.py; each import runs as its own `manage.py` process
with --dry-run (the whole import, then a rollback, so every run starts from the same database).

Peak memory is the import process's ru_maxrss, taken by a small launcher process that forks
and waits for it: Linux starts a process's ru_maxrss at the resident size of the process it was
forked from, so reading it straight from this (much bigger) process would report our own size.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

from bench.generate import generate_disqus, generate_wxr
from bench.report import emit, note, progress

COMMENTS = 50_000
THREADS = 200
TIMEOUT = 240  # seconds before an import process is killed
# Fork, exec the command, wait for it, write its ru_maxrss (KiB) to argv[1], exit with its code.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""
RUNS = (
    ("import_wxr", generate_wxr, ["--dry-run"]),
    ("import_disqus", generate_disqus, ["--dry-run", "--create-missing"]),
)


def import_figures() -> None:
    with tempfile.TemporaryDirectory(prefix="crosstalk-bench-") as tmp:
        for command, generate, flags in RUNS:
            path = Path(tmp) / f"{command}.xml"
            progress(f"{command}: {COMMENTS:,} comments in {THREADS} threads")
            generate(path, comments=COMMENTS, threads=THREADS)
            _measure(command, path, flags)
            path.unlink()


def _measure(command: str, path: Path, flags: list[str]) -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.bench")
    rss_file = path.with_suffix(".maxrss")
    argv = [sys.executable, "manage.py", command, str(path), *flags]
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "-c", LAUNCHER, str(rss_file), *argv],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            process.wait(timeout=TIMEOUT)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)  # the launcher and the import under it
            process.wait()
            raise
        elapsed = time.perf_counter() - started
        if process.returncode:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-1500:]
            note(
                f"{command}_comments_per_s", "comments/s", f"failed ({process.returncode}): {tail}"
            )
            return
    peak_kib = int(rss_file.read_text())
    rss_file.unlink()
    emit(
        f"{command}_comments_per_s",
        COMMENTS / elapsed,
        "comments/s",
        seconds=elapsed,
        comments=COMMENTS,
        threads=THREADS,
        how=f"manage.py {command} FILE {' '.join(flags)}, whole process wall time",
    )
    emit(f"{command}_peak_rss", peak_kib / 1024, "MB", how="ru_maxrss of the import process")
