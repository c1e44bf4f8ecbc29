"""API keys for Open311 clients: issued and revoked by an admin, checked on every filing,
rate-limited per key through the broker's counters."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from schemas.open311 import ApiKeyCreate, ApiKeyIssued, ApiKeyPublic
from server.auth.principal import Principal
from server.broker import Broker
from server.domain.errors import Forbidden, Invalid, NotFound, RateLimited
from server.models.geo import Community
from server.models.open311 import ApiKey
from server.services.audit import audit

KEY_PREFIX = "o311_"
WINDOW = 60  # seconds: rates are per minute
# Writing last_used_at on every filing would turn each request into two writes.
TOUCH_EVERY = timedelta(minutes=5)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _public(k: ApiKey) -> ApiKeyPublic:
    return ApiKeyPublic(
        id=k.id,
        name=k.name,
        prefix=k.prefix,
        community_id=k.community_id,
        rate_per_minute=k.rate_per_minute,
        created_by_id=k.created_by_id,
        created_at=k.created_at,
        revoked_at=k.revoked_at,
        last_used_at=k.last_used_at,
    )


async def issue(actor: Principal, body: ApiKeyCreate) -> ApiKeyIssued:
    """A new key. Its secret is in this answer only."""
    if body.community_id is not None and not await Community.exists(id=body.community_id):
        raise Invalid("unknown community", code="unknown_community")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        key = await ApiKey.create(
            name=body.name,
            prefix=secret[: len(KEY_PREFIX) + 6],
            key_hash=hash_key(secret),
            community_id=body.community_id,
            rate_per_minute=body.rate_per_minute,
            created_by_id=actor.id,
            created_at=now,
            using_db=conn,
        )
        await audit(
            actor,
            "open311_key.issued",
            "open311_api_key",
            key.id,
            {"name": key.name, "community_id": key.community_id},
            using_db=conn,
        )
    return ApiKeyIssued(**_public(key).model_dump(), key=secret)


async def list_keys() -> list[ApiKeyPublic]:
    return [_public(k) for k in await ApiKey.all().order_by("-id")]


async def revoke(actor: Principal, key_id: int) -> ApiKeyPublic:
    """Revoke a key; it stops working at once. Revoking twice changes nothing."""
    async with in_transaction() as conn:
        key = await ApiKey.filter(id=key_id).using_db(conn).select_for_update().first()
        if key is None:
            raise NotFound("api key not found")
        if key.revoked_at is None:
            key.revoked_at = datetime.now(UTC)
            key.revoked_by_id = actor.id
            await key.save(update_fields=["revoked_at", "revoked_by_id"], using_db=conn)
            await audit(actor, "open311_key.revoked", "open311_api_key", key.id, using_db=conn)
    return _public(key)


@dataclass
class Open311Keys:
    """The authenticator the access policy calls for Open311 routes."""

    broker: Broker

    async def authenticate(self, key: str) -> Principal:
        row = None
        if key.startswith(KEY_PREFIX) and len(key) < 100:
            row = await ApiKey.get_or_none(key_hash=hash_key(key))
        if row is None:
            raise Forbidden("api_key is not valid", code="api_key_invalid")
        if row.revoked_at is not None:
            raise Forbidden("api_key has been revoked", code="api_key_revoked")
        await self._count(row)
        now = datetime.now(UTC)
        if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
            await ApiKey.filter(id=row.id).update(last_used_at=now)
        return Principal(
            subject_type="open311", id=row.id, jti="", expires_at=0, community_id=row.community_id
        )

    async def _count(self, row: ApiKey) -> None:
        now = time.time()
        window = int(now // WINDOW)
        used = await self.broker.incr(f"open311:rate:{row.id}:{window}", WINDOW + 1)
        if used > row.rate_per_minute:
            retry = WINDOW - int(now % WINDOW)
            raise RateLimited(
                f"this api_key may file {row.rate_per_minute} requests a minute; "
                f"try again in {retry} seconds",
                retry_after=retry,
            )
