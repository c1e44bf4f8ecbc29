"""The WeChat access token, one per app for every process, kept in the broker.

WeChat invalidates the previous token when a new one is forced, so refreshing is done
under a broker lock: the first process refreshes, the others wait and read its result.
While the broker is away each process keeps its own copy, fetched through the stable-token
endpoint (which hands every caller the same token unless forced), so sends go on.
"""

from __future__ import annotations

import logging
import time

import orjson

from server.broker import Broker, BrokerUnavailable
from server.notify.wechat import WeChatGateway

log = logging.getLogger("linli.wechat.token")


class AccessTokens:
    def __init__(self, broker: Broker, gateway: WeChatGateway, *, margin: float = 300.0) -> None:
        self.broker = broker
        self.gateway = gateway
        self.margin = margin
        self._key = f"wechat:token:{gateway.appid}"
        self._lock = f"wechat:token-refresh:{gateway.appid}"
        self._own: tuple[str, float] | None = None  # used while the broker is away

    async def _cached(self) -> tuple[str, float] | None:
        raw = await self.broker.get(self._key)
        if raw is None:
            return None
        item = orjson.loads(raw)
        return item["token"], float(item["expires_at"])

    def _fresh(self, item: tuple[str, float] | None) -> bool:
        return item is not None and item[1] - self.margin > time.time()

    async def get(self) -> str:
        """A valid token: the shared one, or a new one fetched by exactly one process."""
        try:
            item = await self._cached()
            if item is not None and self._fresh(item):
                return item[0]
            return await self._refresh(stale=None)
        except BrokerUnavailable:
            return await self._without_broker(stale=None)

    async def invalidate(self, stale: str) -> str:
        """WeChat refused ``stale``: replace it, unless another process already has."""
        try:
            return await self._refresh(stale=stale)
        except BrokerUnavailable:
            return await self._without_broker(stale=stale)

    async def _without_broker(self, stale: str | None) -> str:
        own = self._own
        if own is not None and self._fresh(own) and own[0] != stale:
            return own[0]
        token, expires_in = await self.gateway.stable_token(force_refresh=stale is not None)
        self._own = (token, time.time() + expires_in)
        log.info("WeChat access token fetched without the broker (expires in %ss)", expires_in)
        return token

    async def _refresh(self, stale: str | None) -> str:
        async with self.broker.lock(self._lock, ttl=30.0, wait=35.0):
            item = await self._cached()
            if item is not None:
                if stale is None and self._fresh(item):
                    return item[0]
                if stale is not None and item[0] != stale:
                    return item[0]
            # A refused token must be replaced by force; near expiry a normal call already
            # hands out the next one.
            token, expires_in = await self.gateway.stable_token(force_refresh=stale is not None)
            expires_at = time.time() + expires_in
            value = orjson.dumps({"token": token, "expires_at": expires_at})
            await self.broker.set(self._key, value, ttl=max(1.0, float(expires_in)))
            log.info("WeChat access token refreshed (expires in %ss)", expires_in)
            return token
