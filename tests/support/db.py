"""Test databases: one fresh database per test session, emptied before each test."""

from __future__ import annotations

import asyncio
import os
import secrets
from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise, connections

from server.db import migrate


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.startswith(("postgres://", "postgresql://"))  # type: ignore[union-attr]


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_postgres_database(base_url: str) -> tuple[str, str]:
    name = f"linli_t_{os.getpid()}_{secrets.token_hex(3)}"
    asyncio.run(_admin(base_url, f'CREATE DATABASE "{name}"'))
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres_database(base_url: str, name: str) -> None:
    asyncio.run(_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def apply_migrations(url: str) -> None:
    asyncio.run(migrate(url))


def _tables() -> list[str]:
    names = []
    for app_models in Tortoise.apps.values():
        for model in app_models.values():
            names.append(model._meta.db_table)
    return sorted(set(names))


async def empty_all_tables() -> None:
    conn = connections.get("default")
    tables = _tables()
    if conn.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "DELETE FROM sqlite_sequence;PRAGMA foreign_keys=ON;"
        )
