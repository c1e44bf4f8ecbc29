"""A caller's standing, decided by the database on every request: the staff row (role,
community, street, department, active), the resident row, and whether the sign-in the token
belongs to has ended.

The answers are cached in the broker, shared by every worker. A change writes the new
answer into the cache after its transaction commits, so it reaches every worker at once;
readers fill a missing entry only if it is still missing (``set_if_absent``), so a reader
that read the row just before a change never overwrites the change. While the broker is
away every request reads the database (security does not open up), and invalidations are
sent once it answers again; entries also expire after :data:`STANDING_TTL`, which bounds a
change made outside the API (by SQL).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from server.auth.principal import Principal
from server.broker import Broker, BrokerUnavailable
from server.domain.errors import Unauthenticated
from server.models.people import RefreshToken, Resident, RevokedSession, Role, Staff

STANDING_TTL = 120.0
_ENDED = b"1"
_LIVE = b"0"
_broker: Broker | None = None


def use_broker(broker: Broker | None) -> None:
    """Wire the cache (the app factory does this); without a broker nothing is cached."""
    global _broker
    _broker = broker


def _subject_key(p: Principal) -> str:
    return f"standing:{p.subject_type}:{p.id}"


def _family_key(family: str) -> str:
    return f"standing:family:{family}"


async def _staff_row(staff_id: int) -> dict[str, Any] | None:
    s = await Staff.filter(id=staff_id).first()
    if s is None:
        return None
    return {
        "active": s.active,
        "role": s.role.value,
        "community_id": s.community_id,
        "street_id": s.street_id,
        "department_id": s.department_id,
    }


async def _subject_row(p: Principal) -> dict[str, Any] | None:
    if p.is_staff:
        return await _staff_row(p.id)
    return {"active": True} if await Resident.exists(id=p.id) else None


async def _fill(key: str, value: bytes) -> None:
    if _broker is None:
        return
    with contextlib.suppress(BrokerUnavailable):
        await _broker.set_if_absent(key, value, STANDING_TTL)


async def admit(token: Principal) -> Principal:
    """The token's holder as the database has them now; 401 for an ended sign-in or an
    unknown or inactive subject."""
    subject_key, family_key = _subject_key(token), _family_key(token.session)
    cached: list[bytes | None] = [None, None]
    if _broker is not None:
        with contextlib.suppress(BrokerUnavailable):
            cached = await _broker.get_many(subject_key, family_key)
    ended_raw, row_raw = cached[1], cached[0]
    if ended_raw is None:
        ended = await RevokedSession.exists(family=token.session)
        await _fill(family_key, _ENDED if ended else _LIVE)
    else:
        ended = ended_raw == _ENDED
    if ended:
        raise Unauthenticated("this sign-in has ended", code="token_revoked")
    if row_raw is None:
        row = await _subject_row(token)
        await _fill(subject_key, orjson.dumps(row))
    else:
        row = orjson.loads(row_raw)
    if row is None or not row["active"]:
        raise Unauthenticated("this account is unknown or disabled", code="account_disabled")
    if not token.is_staff:
        return token
    return replace(
        token,
        role=Role(row["role"]),
        community_id=row["community_id"],
        street_id=row["street_id"],
        department_id=row["department_id"],
    )


async def _publish(key: str, value: bytes) -> None:
    """Write a changed answer after its commit; if the broker is away, drop the stale copy
    as soon as it answers again (readers meanwhile go to the database)."""
    if _broker is None:
        return
    try:
        await _broker.set(key, value, STANDING_TTL)
    except BrokerUnavailable:
        await _broker.invalidate(key)


async def staff_changed(staff_id: int) -> None:
    """Call after a change to a staff row has committed."""
    row = await _staff_row(staff_id)
    await _publish(f"standing:staff:{staff_id}", orjson.dumps(row))


async def end_sessions(
    families: Iterable[str],
    subject_type: str,
    subject_id: int,
    reason: str,
    expires_at: datetime,
    conn: BaseDBAsyncClient,
) -> list[str]:
    """Record in the transaction ``conn`` that these sign-ins have ended, and revoke their
    refresh tokens; return the families to pass to :func:`sessions_ended` after commit."""
    now = datetime.now(UTC)
    ended = sorted(set(families))
    if ended:
        # ignore_conflicts: a sign-in ended twice at once (logout racing a reuse) is one end
        await RevokedSession.bulk_create(
            [
                RevokedSession(
                    family=f,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    reason=reason,
                    expires_at=expires_at,
                )
                for f in ended
            ],
            ignore_conflicts=True,
            using_db=conn,
        )
    if ended:
        await (
            RefreshToken.filter(family__in=ended, revoked_at=None)
            .using_db(conn)
            .update(revoked_at=now)
        )
    return ended


async def sessions_ended(families: Iterable[str]) -> None:
    """Call after :func:`end_sessions` committed: every worker refuses them from now."""
    for family in families:
        await _publish(_family_key(family), _ENDED)
