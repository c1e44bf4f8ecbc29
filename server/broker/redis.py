"""Redis broker for the scaled setup, through redis-py's ``redis.asyncio``.

The pool is a ``BlockingConnectionPool``: past its size a command waits for a free
connection instead of raising ``MaxConnectionsError`` as the default pool does. The hot
reads (``get``, ``get_many``: a token's revocation on every request, the on-duty answer on
every create) go over one pipelined connection instead (:mod:`server.broker.resp`).
"""

from __future__ import annotations

import asyncio

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub

from server.broker.base import Broker, Message, Subscription
from server.broker.resp import ReadPipe

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class _RedisSubscription(Subscription):
    def __init__(self, pubsub: PubSub, prefix: str) -> None:
        self._pubsub = pubsub
        self._prefix = prefix

    async def get(self, timeout: float | None = None) -> Message | None:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            remaining = 1.0 if deadline is None else max(0.0, deadline - loop.time())
            raw = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
            if raw is not None and raw.get("type") == "message":
                channel = raw["channel"].decode()[len(self._prefix) :]
                return Message(channel, raw["data"])
            if deadline is not None and loop.time() >= deadline:
                return None

    async def close(self) -> None:
        await self._pubsub.aclose()


class RedisBroker(Broker):
    name = "redis"

    def __init__(self, url: str, *, prefix: str = "linli:", max_connections: int = 512) -> None:
        self.prefix = prefix
        self._pool = BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=10
        )
        self.redis = Redis(connection_pool=self._pool)
        self._reads = ReadPipe.from_url(url)
        self._release_script = self.redis.register_script(_RELEASE)

    def _k(self, key: str) -> str:
        return self.prefix + key

    async def publish(self, channel: str, data: bytes | str) -> None:
        await self.redis.publish(self._k(channel), data)

    async def _open_subscription(self, channels: tuple[str, ...]) -> Subscription:
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(*(self._k(c) for c in channels))
        return _RedisSubscription(pubsub, self.prefix)

    async def get(self, key: str) -> bytes | None:
        if self._reads is not None:
            return await self._reads.command(b"GET", self._k(key))  # type: ignore[no-any-return]
        value = await self.redis.get(self._k(key))
        return value.encode() if isinstance(value, str) else value

    async def get_many(self, *keys: str) -> list[bytes | None]:
        if not keys:
            return []
        if self._reads is not None:
            return await self._reads.command(b"MGET", *(self._k(k) for k in keys))  # type: ignore[no-any-return]
        values = await self.redis.mget([self._k(k) for k in keys])
        return [v.encode() if isinstance(v, str) else v for v in values]

    async def set(self, key: str, value: bytes | str, ttl: float | None = None) -> None:
        px = int(ttl * 1000) if ttl is not None else None
        await self.redis.set(self._k(key), value, px=px)

    async def set_if_absent(self, key: str, value: bytes | str, ttl: float) -> bool:
        return bool(await self.redis.set(self._k(key), value, px=int(ttl * 1000), nx=True))

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        return int(await self.redis.delete(*(self._k(k) for k in keys)))

    async def incr(self, key: str, ttl: float) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(self._k(key))
            pipe.pexpire(self._k(key), int(ttl * 1000), nx=True)
            value, _ = await pipe.execute()
        return int(value)

    async def _release(self, key: str, token: str) -> bool:
        return bool(await self._release_script(keys=[self._k(key)], args=[token]))

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        if self._reads is not None:
            self._reads.close()
        await self.redis.aclose()
        await self._pool.aclose()
