"""Throwaway services for the soak and the fault tests: PostgreSQL, Redis and gunicorn.

Nothing here touches the project-local cluster in .postgres/ or the machine's own PostgreSQL
and Redis: each service runs from a fresh folder under /tmp (PostgreSQL on a Unix socket only,
Redis and gunicorn on a free 127.0.0.1 port), and `close()` stops it and removes its folder.
Processes are started in their own session so a whole process group can be killed at the end.
"""

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_OPTIONS = (
    "-c listen_addresses='' -c max_connections=200 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off"
)
# Environment variables of the developer's shell that would change what the site under test is.
_SITE_VARIABLES = {
    "ALLOWED_HOSTS", "BEHIND_TLS_PROXY", "CONN_MAX_AGE", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL",
    "DEBUG", "DJANGO_SETTINGS_MODULE", "PORT", "REDIS_URL", "SECRET_KEY", "WEB_CONCURRENCY",
}  # fmt: skip


class ServiceError(RuntimeError):
    """A throwaway service could not be started; the message says where to look."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_root() -> bool:
    return os.geteuid() == 0


def _tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return ""


def _kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def postgres_bindir() -> Path | None:
    """Return the newest PostgreSQL server binaries folder, or None."""

    def version(path: Path):
        return [int(part) if part.isdigit() else 0 for part in path.parent.name.split(".")]

    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl and shutil.which("initdb") else None


class PostgresCluster:
    """A PostgreSQL cluster in a fresh folder under /tmp, reachable on a Unix socket only."""

    def __init__(self, dbname: str):
        bindir = postgres_bindir()
        if bindir is None:
            raise ServiceError(
                "PostgreSQL server binaries not found: install the Debian package 'postgresql'"
            )
        self.bindir = bindir
        self.dbname = dbname
        # Short on purpose: a Unix socket path may not pass 107 bytes.
        self.base = Path(tempfile.mkdtemp(prefix="ct-pg-", dir="/tmp"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "run"
        self.log = self.base / "server.log"
        self.socket_dir.mkdir()
        if _is_root():
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/{self.dbname}?host={self.socket_dir}"

    def _run(self, *args: str, timeout: int = 60) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if _is_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(  # noqa: S603 - the machine's PostgreSQL binaries, fixed arguments
            command, capture_output=True, text=True, timeout=timeout, check=False
        )

    def init(self) -> None:
        done = self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        if done.returncode:
            raise ServiceError(f"initdb failed:\n{done.stdout}{done.stderr}")

    def start(self, extra_options: str = "") -> None:
        """Start the server; extra_options (postgres -c …) come after and win over PG_OPTIONS."""
        options = f"-k {self.socket_dir} {PG_OPTIONS} {extra_options}"
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "30",
            "start",
        )  # fmt: skip
        if done.returncode:
            raise ServiceError(f"PostgreSQL did not start:\n{done.stderr}\n{_tail(self.log)}")

    def make_replica(self) -> "PostgresCluster":
        """Return a streaming replica of this running cluster (pg_basebackup -R), not started:
        its own folder and socket. This cluster must run with full_page_writes on."""
        replica = PostgresCluster(self.dbname)
        done = replica._run(
            "pg_basebackup", "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast",
            "-h", str(self.socket_dir), "-U", "postgres", timeout=120,
        )  # fmt: skip
        if done.returncode:
            replica.close()
            raise ServiceError(f"pg_basebackup failed:\n{done.stdout}{done.stderr}")
        return replica

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (fast: roll back open transactions and close every connection)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def is_running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status").returncode == 0

    def connect(self, dbname: str | None = None):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            user="postgres",
            dbname=dbname or self.dbname,
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{self.dbname}"')

    def close(self) -> None:
        if (self.data / "PG_VERSION").exists() and self.is_running():
            self.stop("immediate")
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():  # pg_ctl could not stop it: end the postmaster itself
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass
        shutil.rmtree(self.base, ignore_errors=True)


class RedisMissing(ServiceError):
    """redis-server is not installed."""


class RedisServer:
    """redis-server on a free loopback port, without persistence, as a child process."""

    def __init__(self):
        self.executable = shutil.which("redis-server")
        if self.executable is None:
            raise RedisMissing(
                "redis-server is not installed: apt-get install -y redis-server "
                "(scripts/ensure_redis.sh does it on CI)"
            )
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="ct-redis-", dir="/tmp"))
        self.log = self.base / "redis.log"
        self.process: subprocess.Popen | None = None
        self.paused = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--daemonize", "no",
                   "--dir", str(self.base)]  # fmt: skip
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server, fixed arguments
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise ServiceError(f"redis-server did not start:\n{_tail(self.log)}")
            time.sleep(0.05)

    def ping(self, timeout: float = 0.5) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def terminate(self) -> None:
        """Stop the server the way an init system does (SIGTERM) and wait for it to exit."""
        self.process.terminate()
        self.process.wait(timeout=10)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections are accepted but nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)
        self.paused = False

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            if self.paused:
                self.resume()
            _kill_group(self.process)
            self.process.wait(timeout=10)
        shutil.rmtree(self.base, ignore_errors=True)


def site_env(*, database_url: str, port: int, redis_url: str = "", workers: int = 2) -> dict:
    """Return the environment of the site under production settings, over plain HTTP."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _SITE_VARIABLES and not key.startswith("CROSSTALK_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CROSSTALK_PLAIN_HTTP="1",
        DATABASE_URL=database_url,
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a manage.py command with that environment; return it (exit code, output)."""
    return subprocess.run(  # noqa: S603 - our own venv's python and manage.py
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def prepare_site(env: dict) -> None:
    """Migrate the database and collect the static files the production storage needs."""
    for command in (("migrate", "--noinput", "-v0"), ("collectstatic", "--noinput", "-v0")):
        done = manage(env, *command)
        if done.returncode:
            raise ServiceError(f"manage.py {command[0]} failed:\n{done.stdout}{done.stderr}")


def seed(env: dict, **options) -> dict:
    """Seed the database (python -m soak.seed with these options) and return what it made."""
    arguments = [f"--{name}={value}" for name, value in options.items()]
    done = subprocess.run(  # noqa: S603 - our own venv's python and module
        [str(BIN / "python"), "-m", "soak.seed", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode:
        raise ServiceError(f"python -m soak.seed failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout)


def http_status(port: int, path: str, timeout: float = 5) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _parent_pid(pid: str) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # pid (comm) state ppid …; comm may hold spaces, so split after the last ")".
    return int(stat.rsplit(")", 1)[1].split()[1])


class Gunicorn:
    """The project's gunicorn (gunicorn.conf.py, sync workers) with the given environment."""

    def __init__(self, env: dict):
        self.env = env
        self.port = int(env["PORT"])
        self.log = Path(tempfile.gettempdir()) / f"crosstalk-gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise ServiceError(f"gunicorn exited:\n{_tail(self.log)}")
            try:
                if http_status(self.port, "/healthz") == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServiceError(f"gunicorn did not answer /healthz:\n{_tail(self.log)}")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def workers(self) -> int:
        return int(self.env["WEB_CONCURRENCY"])

    def worker_pids(self) -> list[int]:
        return sorted(
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _parent_pid(entry.name) == self.pid
        )

    def wait_for_workers(self, *, gone: int = 0, timeout: float = 30) -> list[int]:
        """Wait until the master runs all its workers again, `gone` (a killed one) not among
        them."""
        deadline = time.monotonic() + timeout
        while len(pids := self.worker_pids()) != self.workers or gone in pids:
            if time.monotonic() > deadline:
                raise ServiceError(f"gunicorn runs {pids}, not {self.workers} workers")
            time.sleep(0.05)
        return pids

    def worker_serving(self, client_port: int, timeout: float = 3) -> int | None:
        """Return the pid of the worker holding the connection from client_port, or None when
        no worker took it within the timeout (or it was already answered and closed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # 0 until a worker has accepted the connection, and again once it is closed.
            inode = _server_socket_inode(self.port, client_port)
            target = f"socket:[{inode}]"
            for pid in self.worker_pids() if inode else ():
                try:
                    fds = list(Path(f"/proc/{pid}/fd").iterdir())
                except OSError:
                    continue
                for fd in fds:
                    try:
                        if os.readlink(fd) == target:
                            return pid
                    except OSError:
                        continue
            time.sleep(0.001)
        return None

    def log_text(self) -> str:
        return _tail(self.log, 1_000_000)

    def stop(self) -> None:
        """Stop master and workers and remove the log (read log_text() first if needed)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful stop of master and workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        _kill_group(self.process)  # whatever is left of the group, workers included
        if self.process.poll() is None:
            self.process.wait(timeout=5)
        self.log.unlink(missing_ok=True)


def _server_socket_inode(server_port: int, client_port: int) -> int:
    """Return the inode of the server side of a loopback TCP connection (0 if not found)."""
    local = f"0100007F:{server_port:04X}"
    remote = f"0100007F:{client_port:04X}"
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return 0
    for line in lines:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            return int(fields[9])
    return 0


class PgBouncer:
    """Debian's PgBouncer in transaction mode in front of a PostgresCluster, on a Unix socket
    of its own (run as the postgres OS user when we are root: it refuses to run as root)."""

    def __init__(self, cluster: PostgresCluster, *, pool_size: int = 4, port: int = 6432):
        self.executable = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(self.executable).exists():
            raise ServiceError("pgbouncer is not installed: apt-get install -y pgbouncer")
        self.cluster = cluster
        self.port = port
        self.base = Path(tempfile.mkdtemp(prefix="ct-pgb-", dir="/tmp"))
        self.log = self.base / "pgbouncer.log"
        self.process: subprocess.Popen | None = None
        (self.base / "users.txt").write_text('"postgres" ""\n')
        (self.base / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"{cluster.dbname} = host={cluster.socket_dir} dbname={cluster.dbname} user=postgres\n"
            "[pgbouncer]\n"
            "listen_addr =\n"
            f"listen_port = {port}\n"
            f"unix_socket_dir = {self.base}\n"
            "auth_type = trust\n"
            f"auth_file = {self.base / 'users.txt'}\n"
            "admin_users = postgres\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\n"
            "max_client_conn = 500\n"
            f"logfile = {self.log}\n"
            f"pidfile = {self.base / 'pgbouncer.pid'}\n"
        )
        if _is_root():
            for path in (self.base, *self.base.iterdir()):
                shutil.chown(path, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@:{self.port}/{self.cluster.dbname}?host={self.base}"

    def start(self, timeout: float = 10) -> None:
        command = [self.executable, str(self.base / "pgbouncer.ini")]
        if _is_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(  # noqa: S603 - the machine's pgbouncer, fixed arguments
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while not (self.base / f".s.PGSQL.{self.port}").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise ServiceError(f"pgbouncer did not start:\n{_tail(self.log)}")
            time.sleep(0.05)

    def show(self, what: str) -> list[dict]:
        """Return SHOW <what> (POOLS, CLIENTS, SERVERS) of the admin console, one dict a row."""
        import psycopg

        with psycopg.connect(
            host=str(self.base), port=self.port, user="postgres", dbname="pgbouncer",
            autocommit=True,
        ) as conn:  # fmt: skip
            cursor = conn.cursor()
            cursor.execute(f"SHOW {what}")
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _kill_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill_group(self.process)
        shutil.rmtree(self.base, ignore_errors=True)


def wait_until_healthy(port: int, *, process: subprocess.Popen, what: str, timeout: float,
                       log: Path | None = None) -> None:  # fmt: skip
    """Wait until 127.0.0.1:port answers /healthz with 200; raise ServiceError (with the
    log's tail) if the process exits first or the time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ServiceError(f"{what} exited:\n{_tail(log) if log else ''}")
        try:
            if http_status(port, "/healthz") == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ServiceError(
                f"{what} did not answer in {timeout} s:\n{_tail(log) if log else ''}"
            )
        time.sleep(0.2)


class MakeTarget:
    """`make <target>` of the project (run, serve) as a newcomer types it, in its own session
    with its output in `log`; start() returns once the site answers /healthz."""

    def __init__(self, target: str, env: dict, log: Path):
        self.target = target
        self.env = {key: value for key, value in env.items() if key != "MAKEFLAGS"}
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 240) -> None:
        make = shutil.which("make") or "/usr/bin/make"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - the project's own make target
                [make, "--no-print-directory", self.target],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_healthy(
            int(self.env["PORT"]), process=self.process, what=f"make {self.target}",
            timeout=timeout, log=self.log,
        )  # fmt: skip

    def tail(self, size: int = 4000) -> str:
        return _tail(self.log, size)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _kill_group(self.process)
            self.process.wait(10)


class Nginx:
    """nginx with a configuration rendered by deploy/nginx.py, in the foreground of its own
    session; start() returns once it answers /healthz on its port."""

    def __init__(self, conf: Path, port: int):
        self.conf = conf
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        from deploy import nginx

        self.process = subprocess.Popen(nginx.command(self.conf), start_new_session=True)  # noqa: S603
        wait_until_healthy(
            self.port, process=self.process, what="nginx", timeout=timeout,
            log=self.conf.parent / "logs" / "nginx-error.log",
        )  # fmt: skip

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _kill_group(self.process, signal.SIGTERM)
            self.process.wait(10)


@contextmanager
def replicated_site(dbname: str, *, seed_options: dict, workers: int = 2, env: dict | None = None):
    """A throwaway primary with seeded content, its streaming replica (pg_basebackup -R, its
    own socket) and the site's gunicorn reading from it (DATABASE_REPLICA_URLS, production
    settings); yield them as a namespace (primary, replica, site, made, env). All are
    stopped and removed afterwards."""
    primary = PostgresCluster(dbname)
    replica = site = None
    try:
        primary.init()
        primary.start("-c full_page_writes=on")  # pg_basebackup needs full-page writes
        primary.create_database()
        site_environment = site_env(database_url=primary.url, port=free_port(), workers=workers)
        prepare_site(site_environment)
        made = seed(site_environment, **seed_options)
        replica = primary.make_replica()
        replica.start()
        site_environment.update(DATABASE_REPLICA_URLS=replica.url, **(env or {}))
        site = Gunicorn(site_environment)
        site.start()
        yield SimpleNamespace(
            primary=primary, replica=replica, site=site, made=made, env=site_environment
        )
    finally:
        if site is not None:
            site.stop()
        if replica is not None:
            replica.close()
        primary.close()
