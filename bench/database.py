"""Create the benchmark's own database when it is missing (scripts/db.sh creates it locally;
with DATABASE_URL, the bench makes its own beside that one on the same server)."""

import psycopg
from django.db import connection
from psycopg import sql


def ensure_database() -> None:
    params = connection.get_connection_params()
    name = params["dbname"]
    params["dbname"] = "postgres"
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
