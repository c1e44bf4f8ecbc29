"""Database wiring: PostgreSQL pool connections skip asyncpg's reset round trip, which is
only safe while no code keeps session state on a pooled connection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.db import PooledConnection, tortoise_config

SERVER = Path(__file__).resolve().parents[2] / "server"
# Session state that would outlive a statement on a pooled connection.
SESSION_STATE = re.compile(
    r"pg_advisory_lock\(|pg_try_advisory_lock\(|\bLISTEN\b|\bDECLARE\b.*\bCURSOR\b"
    r"|add_listener\(|(?-i:[\"']SET (?!LOCAL))|set_config\([^)]*false",
    re.IGNORECASE,
)


def test_postgres_urls_use_the_lean_pool_connection() -> None:
    conf = tortoise_config("postgres://u@127.0.0.1:5432/linli?minsize=2&maxsize=7")
    default = conf["connections"]["default"]
    assert default["engine"] == "tortoise.backends.asyncpg"
    creds = default["credentials"]
    assert creds["connection_class"] is PooledConnection
    assert (int(creds["minsize"]), int(creds["maxsize"]), creds["database"]) == (2, 7, "linli")
    assert PooledConnection.get_reset_query(object()) == ""  # type: ignore[arg-type]


def test_sqlite_waits_for_the_lock_and_writes_begin_immediate() -> None:
    conf = tortoise_config("sqlite:///tmp/x.sqlite3")["connections"]["default"]
    assert conf["engine"] == "server.sqlite_engine"
    assert conf["credentials"]["file_path"] == "/tmp/x.sqlite3"
    assert conf["credentials"]["journal_mode"] == "WAL"
    assert int(conf["credentials"]["busy_timeout"]) >= 5000


async def test_a_write_transaction_holds_the_write_lock_from_its_begin(tmp_path: Path) -> None:
    """A second connection cannot take the write lock while a transaction that has only
    read is open: the transaction took it at BEGIN (a deferred one would not have)."""
    import sqlite3

    from server.sqlite_engine import ImmediateSqliteClient, ImmediateTransactionWrapper

    path = tmp_path / "lock.sqlite3"
    client = ImmediateSqliteClient(str(path), connection_name="default", busy_timeout=0)
    await client.create_connection(with_db=True)
    try:
        await client.execute_script("CREATE TABLE t (x INTEGER)")
        # What the client's transaction context runs on entry.
        assert isinstance(client._in_transaction().connection, ImmediateTransactionWrapper)
        tx = ImmediateTransactionWrapper(client)
        await tx.begin()
        await tx.execute_query("SELECT count(*) FROM t")
        other = sqlite3.connect(path, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        await tx.rollback()
    finally:
        await client.close()


@pytest.mark.parametrize("path", sorted(SERVER.rglob("*.py")), ids=lambda p: p.name)
def test_no_session_state_on_pooled_connections(path: Path) -> None:
    hits = [
        f"{path.relative_to(SERVER)}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SESSION_STATE.search(line) and "session state" not in line and path.name != "db.py"
    ]
    assert not hits, "session state on a pooled connection (see server.db.PooledConnection)"


def test_the_scan_finds_session_state() -> None:
    for line in (
        'await conn.execute_query("SELECT pg_advisory_lock($1)", [1])',
        'await conn.execute_script("LISTEN relay")',
        "await conn.execute_query(\"SET statement_timeout = '1s'\")",
    ):
        assert SESSION_STATE.search(line), line
    assert not SESSION_STATE.search('await c.execute_query("SELECT pg_advisory_xact_lock($1)")')
    assert not SESSION_STATE.search("await c.execute_query(\"SET LOCAL lock_timeout = '1s'\")")


def test_open_report_indexes_match_the_queue_condition() -> None:
    """The partial indexes serve the queue only while their predicate is the queue's."""
    import importlib

    from server.domain.lifecycle import OPEN
    from server.services.reports.queue_pg import IS_OPEN

    m = importlib.import_module("server.migrations.reports.0003_open_report_indexes")
    assert f"r.status IN {m.OPEN}" == IS_OPEN
    assert set(re.findall(r"'(\w+)'", m.OPEN)) == {s.value for s in OPEN}


async def test_a_begin_that_times_out_gives_the_connection_back(tmp_path: Path) -> None:
    """When the write lock stays taken past the busy timeout the transaction fails, and
    the process can still use its database afterwards (nothing waits forever)."""
    import asyncio
    import sqlite3

    from tortoise import Tortoise, connections
    from tortoise.exceptions import TransactionManagementError
    from tortoise.transactions import in_transaction

    path = tmp_path / "busy.sqlite3"
    await Tortoise.init(config=tortoise_config(f"sqlite://{path}?busy_timeout=50"))
    try:
        await connections.get("default").execute_script("CREATE TABLE t (x INTEGER)")
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(TransactionManagementError):
            async with in_transaction():
                pass
        other.execute("COMMIT")
        other.close()
        async with in_transaction() as conn:
            await asyncio.wait_for(conn.execute_query("INSERT INTO t VALUES (1)"), 5)
        _, rows = await asyncio.wait_for(
            connections.get("default").execute_query("SELECT count(*) AS n FROM t"), 5
        )
        assert rows[0]["n"] == 1
    finally:
        await Tortoise.close_connections()
