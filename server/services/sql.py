"""Hand-written SQL that runs on both backends, for the few hot or aggregate paths."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from tortoise import connections
from tortoise.timezone import get_default_timezone

_PARAM = re.compile(r"\$\d+")


async def query(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Run SQL written with $n placeholders (each used once, in order) on either backend."""
    conn = connections.get("default")
    if conn.capabilities.dialect != "postgres":
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
    _, rows = await conn.execute_query(sql, params)
    return [dict(r) for r in rows]


def is_postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")
