"""Hand-written SQL that runs on both backends, for the few hot or aggregate paths."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from tortoise import connections
from tortoise.timezone import get_default_timezone

_PARAM = re.compile(r"\$\d+")


async def query(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Run SQL written with $n placeholders (each used once, in order) on either backend."""
    return [dict(r) for r in await rows(sql, params)]


async def rows(sql: str, params: list[Any]) -> list[Mapping[str, Any]]:
    """As ``query``, but the driver's own rows (read by column name, not copied to dicts):
    for hot paths that read each row once."""
    conn = connections.get("default")
    if not is_postgres():
        sql = _PARAM.sub("?", sql)
        zone = get_default_timezone()
        # SQLite keeps times as text in the configured zone; compare like with like.
        params = [
            str(p.astimezone(zone))
            if isinstance(p, datetime)
            else p.isoformat()
            if isinstance(p, date)
            else p
            for p in params
        ]
    _, found = await conn.execute_query(sql, params)
    return list(found)


def is_postgres() -> bool:
    """Whether the default connection is PostgreSQL: the one place the backends differ."""
    return bool(connections.get("default").capabilities.dialect == "postgres")
