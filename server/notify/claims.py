"""Leasing rows to one relay at a time.

On PostgreSQL candidates are locked with ``FOR UPDATE SKIP LOCKED`` so concurrent
relays never wait on each other and never take the same row. SQLite has one writer at
a time: the claim is a single conditional UPDATE, made by one claimer at a time (a
broker lock), and a lease that another relay took meanwhile simply does not match.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from tortoise import timezone
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.broker import Broker
from server.services.sql import is_postgres

_seq = itertools.count(1)


def db_now() -> datetime:
    """Now, in the database's configured zone: SQLite compares datetimes as text, so
    every value written or compared must carry the same offset."""
    return timezone.localtime()


def lease_free(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


async def claim(
    model: type[Model],
    due: Q,
    *,
    owner: str,
    limit: int,
    lease: float,
    broker: Broker,
) -> tuple[str, list[Any]]:
    """Lease up to ``limit`` due rows (oldest first); return the lease token and rows."""
    now = db_now()
    token = f"{owner}:{next(_seq)}"[:64]
    values = {"claimed_by": token, "claimed_until": now + timedelta(seconds=lease)}
    free = due & lease_free(now)
    if is_postgres():
        async with in_transaction() as conn:
            # Whole rows: Tortoise drops FOR UPDATE from values_list() queries.
            locked = (
                await model.filter(free)
                .order_by("id")
                .limit(limit)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            if not locked:
                return token, []
            await model.filter(free, id__in=[r.pk for r in locked]).using_db(conn).update(**values)
    else:
        async with broker.lock(f"relay:claim:{model._meta.db_table}", ttl=10.0, wait=10.0):
            ids = await model.filter(free).order_by("id").limit(limit).values_list("id", flat=True)
            if not ids:
                return token, []
            await model.filter(free, id__in=ids).update(**values)
    rows = await model.filter(claimed_by=token).order_by("id")
    return token, list(rows)
