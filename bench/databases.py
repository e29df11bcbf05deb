"""The benchmarks' own PostgreSQL databases: made afresh (or reused on request) and dropped after.

Each bench names its database by a full URL; the statements run on the same server's
``postgres`` database. ``KH_BENCH_DATABASE_URL`` points the benches at another server.
"""

import os
from urllib.parse import urlsplit

import psycopg

SERVER = os.environ.get("KH_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    """The URL of the database `name` on the benches' server."""
    return SERVER.rsplit("/", 1)[0] + f"/{name}"


def _on_server(url: str, statement: str, params=()):
    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        return connection.execute(statement, params).fetchone() if params else connection.execute(statement)


def database_exists(url: str) -> bool:
    name = urlsplit(url).path.lstrip("/")
    return _on_server(url, "SELECT 1 FROM pg_database WHERE datname = %s", [name]) is not None


def recreate_database(url: str, *, reuse: bool = False) -> str:
    """Drop and create the database of `url` (keep it when `reuse` and it exists); returns `url`."""
    if not (reuse and database_exists(url)):
        drop_database(url)
        _on_server(url, f'CREATE DATABASE "{urlsplit(url).path.lstrip("/")}"')
    return url


def drop_database(url: str) -> None:
    _on_server(url, f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')
