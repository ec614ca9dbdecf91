"""Render deploy/nginx.conf.template for `make serve` and for the serving tests.

`python -m deploy.nginx RUN_DIR --listen 127.0.0.1:8000 --upstream unix:/path/app.sock` writes
RUN_DIR/nginx.conf (and RUN_DIR/proxy_params.conf) and prints its path. Standard library only:
it runs before anything else is installed.
"""

import argparse
import os
import shutil
import string
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class _Template(string.Template):
    """Only ${UPPER_CASE} is ours; nginx's own $variables pass through untouched."""

    flags = 0
    pattern = r"\$(?:(?P<escaped>(?!))|(?P<named>(?!))|\{(?P<braced>[A-Z_]+)\}|(?P<invalid>(?!)))"


def render(
    run_dir: Path,
    *,
    listen: str,
    upstreams: list[str],
    static_root: Path = ROOT / "staticfiles",
    workers: int = 2,
    max_body: str = "1m",
    write_rate: str = "10r/s",
) -> Path:
    """Write nginx.conf for these upstreams into run_dir (made if missing); return its path."""
    run_dir = Path(run_dir)
    log_dir = run_dir / "logs"
    # The microcache starts empty: pages kept by an earlier run would be served stale while
    # gunicorn starts (proxy_cache_use_stale).
    shutil.rmtree(run_dir / "cache", ignore_errors=True)
    for folder in (run_dir, log_dir, run_dir / "cache"):
        folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "proxy_params.conf", run_dir / "proxy_params.conf")
    # As root, nginx's workers would run as "nobody", who may not enter the checkout (CI
    # clones into root's home): they run as the user who started it. Elsewhere "user" is moot.
    user_line = "user root;" if os.geteuid() == 0 else ""
    servers = "\n".join(
        f"        server {address} max_fails=1 fail_timeout=2s;" for address in upstreams
    )
    text = _Template((HERE / "nginx.conf.template").read_text()).substitute(
        USER_LINE=user_line,
        NGINX_WORKERS=workers,
        RUN_DIR=run_dir,
        LOG_DIR=log_dir,
        MAX_BODY=max_body,
        WRITE_RATE=write_rate,
        UPSTREAMS=servers,
        LISTEN=listen,
        STATIC_ROOT=static_root,
    )
    path = run_dir / "nginx.conf"
    path.write_text(text)
    return path


def command(conf: Path) -> list[str]:
    """Return the command line that runs nginx in the foreground with this configuration."""
    return [
        NGINX,
        "-p",
        str(conf.parent),
        "-c",
        str(conf),
        "-e",
        str(conf.parent / "logs" / "nginx-error.log"),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.nginx", description=__doc__)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--upstream", action="append", required=True)
    args = parser.parse_args(argv)
    print(render(args.run_dir, listen=args.listen, upstreams=args.upstream))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
