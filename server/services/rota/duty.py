"""Who is on duty: the seam between first-responder assignment and the rota.

A worker is on duty while a published rota has them on a shift covering the moment, at
any post but on-call (on-call staff count only when no one is at a desk or in the field,
which is how out-of-hours matters still find an owner). A community with no published
rota covering the date falls back to every active worker. Answers are cached in the
broker per community and hour, stamped with the community's generation; publishing or
changing a rota bumps the generation, which retires every cached hour at once on every
server process. One read fetches the generation and the hour together.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from tortoise.timezone import localtime

from server.broker import Broker, BrokerUnavailable
from server.models.geo import Community
from server.models.people import Role, Staff
from server.models.rota import Assignment, PostKind, Rota, RotaStatus

CACHE_TTL = 300.0
GENERATION_TTL = 30 * 24 * 3600.0
_broker: Broker | None = None


def use_broker(broker: Broker | None) -> None:
    """Wire the cache (the app factory does this); without a broker nothing is cached."""
    global _broker
    _broker = broker


def db_instant(at: datetime) -> datetime:
    """An instant as the database stores it: SQLite keeps datetimes as text in the ORM's
    time zone and compares them as text, so a bound in another offset would misorder."""
    return localtime(at)


def _gen_key(community_id: int) -> str:
    return f"duty:gen:{community_id}"


def _hour_key(community_id: int, hour: datetime) -> str:
    return f"duty:{community_id}:{hour:%Y%m%d%H}"


async def invalidate_on_duty(community_id: int, broker: Broker | None = None) -> None:
    """Call after the change is committed, so no reader caches the old rota anew."""
    b = broker or _broker
    if b is not None:
        try:
            await b.incr(_gen_key(community_id), GENERATION_TTL)
        except BrokerUnavailable:
            # Dropping the generation retires every hour cached under a bumped one once
            # the broker is back; the rest expire within CACHE_TTL.
            await b.invalidate(_gen_key(community_id))


async def _local_day(community_id: int, at: datetime) -> date:
    c = await Community.filter(id=community_id).only("id", "time_zone").first()
    return at.astimezone(ZoneInfo(c.time_zone if c else "Asia/Shanghai")).date()


async def _hour_window(community_id: int, hour: datetime) -> dict[str, Any]:
    """Everything needed to answer any moment of one hour: the shifts overlapping it, or
    the fallback list when no published rota covers the date."""
    end = hour + timedelta(hours=1)
    day = await _local_day(community_id, hour)
    covered = await Rota.filter(
        community_id=community_id,
        status=RotaStatus.published,
        start_date__lte=day,
        end_date__gte=day,
    ).exists()
    if not covered:
        ids = await Staff.filter(
            community_id=community_id, role=Role.worker, active=True
        ).values_list("id", flat=True)
        return {"source": "all_active", "ids": sorted(int(i) for i in ids)}  # type: ignore[call-overload]
    rows = await Assignment.filter(
        rota__community_id=community_id,
        rota__status=RotaStatus.published,
        starts_at__lt=db_instant(end),
        ends_at__gt=db_instant(hour),
        staff__active=True,
    ).values_list("staff_id", "post__kind", "starts_at", "ends_at")
    spans = [
        [int(sid), str(kind), s.timestamp(), e.timestamp()]  # type: ignore[union-attr]
        for sid, kind, s, e in rows
    ]
    return {"source": "rota", "spans": spans}


def _pick(window: dict[str, Any], at: datetime) -> list[int]:
    if window["source"] == "all_active":
        return list(window["ids"])
    ts = at.timestamp()
    here = [(sid, kind) for sid, kind, s, e in window["spans"] if s <= ts < e]
    present = {sid for sid, kind in here if kind != PostKind.on_call.value}
    if not present:
        present = {sid for sid, _ in here}
    return sorted(present)


async def _uncached(community_id: int, hour: datetime, at: datetime) -> tuple[str, list[int]]:
    window = await _hour_window(community_id, hour)
    return str(window["source"]), _pick(window, at)


async def on_duty_worker_ids(
    community_id: int, at: datetime, *, broker: Broker | None = None
) -> list[int]:
    return (await on_duty(community_id, at, broker=broker))[1]


async def on_duty(
    community_id: int, at: datetime, *, broker: Broker | None = None
) -> tuple[str, list[int]]:
    """("rota" | "all_active", worker ids) for the moment ``at``."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    b = broker or _broker
    if b is None:
        window = await _hour_window(community_id, hour)
    else:
        key = _hour_key(community_id, hour)
        try:
            raw_gen, cached = await b.get_many(_gen_key(community_id), key)
        except BrokerUnavailable:  # the cache is away: the database answers
            return await _uncached(community_id, hour, at)
        gen = int(raw_gen or 0)
        stamped = orjson.loads(cached) if cached is not None else None
        if stamped is not None and stamped.get("gen") == gen:
            window = stamped
        else:
            # A reader that started before a publish may store the old answer under the
            # old generation: the next reader sees the stamp differ and reads anew.
            window = {**await _hour_window(community_id, hour), "gen": gen}
            with contextlib.suppress(BrokerUnavailable):
                await b.set(key, orjson.dumps(window), ttl=CACHE_TTL)
    return str(window["source"]), _pick(window, at)
