"""Recording domain events in the outbox, inside the caller's transaction.

``emit`` is the one writer of outbox rows; the PostgreSQL create statement
(``reports/create_pg.py``) builds its INSERT from the same column list with
``insert_select``, so a column added to ``OutboxEvent`` is written by both or by neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.models.records import OutboxEvent

# The columns each writer gives a value of its own.
GIVEN = ("topic", "aggregate_type", "aggregate_id", "community_id", "payload")
# What every new row starts with: written at insert time, then the relay's to change.
START: dict[str, Any] = {
    "claimed_until": None,
    "claimed_by": None,
    "attempts": 0,
    "processed_at": None,
}
# Stamped with the transaction's time of writing.
STAMPED = ("created_at", "available_at")
COLUMNS = GIVEN + STAMPED + tuple(START)


async def emit(
    topics: str | Iterable[str],
    aggregate_type: str,
    aggregate_id: object,
    payload: dict[str, Any],
    *,
    community_id: int | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> list[OutboxEvent]:
    """One outbox row per topic for the same change, in one round trip."""
    rows = [
        OutboxEvent(
            topic=topic,
            aggregate_type=aggregate_type,
            aggregate_id=str(aggregate_id),
            community_id=community_id,
            payload=payload,
            **START,
        )
        for topic in ([topics] if isinstance(topics, str) else topics)
    ]
    if len(rows) == 1:
        await rows[0].save(using_db=using_db)  # save sets the id; bulk_create does not
    elif rows:
        await OutboxEvent.bulk_create(rows, using_db=using_db)
    return rows


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"no SQL literal for the outbox start value {value!r}")


def insert_select(given: Mapping[str, str], stamp: str, source: str) -> str:
    """``INSERT INTO outbox_event (...) SELECT ... FROM source`` over every column:
    ``given`` maps each column of ``GIVEN`` to its SQL expression, ``stamp`` is the
    expression for the time of writing."""
    if set(given) != set(GIVEN):
        raise ValueError(f"outbox columns given {sorted(given)}, expected {sorted(GIVEN)}")
    exprs = (
        [given[c] for c in GIVEN]
        + [stamp for _ in STAMPED]
        + [_literal(value) for value in START.values()]
    )
    # Only constants of the code go in: the statement's own text, never a value.
    return (
        f"INSERT INTO {OutboxEvent._meta.db_table} ({', '.join(COLUMNS)})\n"  # noqa: S608
        f"    SELECT {', '.join(exprs)}\n"
        f"    FROM {source}"
    )
