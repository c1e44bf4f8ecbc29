"""Redis broker for the scaled setup, through redis-py's ``redis.asyncio``.

The pool is a ``BlockingConnectionPool``: past its size a command waits for a free
connection instead of raising ``MaxConnectionsError`` as the default pool does. The hot
reads (``get``, ``get_many``: a caller's standing on every request, the on-duty answer on
every create) go over one pipelined connection instead (:mod:`server.broker.resp`).

Redis is a cache and a bus, not the record. Every call goes through a circuit breaker
(:mod:`server.broker.breaker`) with a time limit: when Redis stops answering, calls fail at
once with :class:`BrokerUnavailable` instead of each request waiting on a dead server, and
callers fall back to the database. Invalidations made meanwhile are kept and sent when
Redis answers again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.broker.base import Broker, BrokerUnavailable, Message, Subscription
from server.broker.breaker import Breaker
from server.broker.resp import ReadPipe

T = TypeVar("T")
log = logging.getLogger("linli.broker")
# What "Redis is not answering" looks like (ConnectionRefusedError and the like are OSError).
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError, TimeoutError)
OP_TIMEOUT = 2.0  # seconds a single command may take before Redis counts as down
PENDING_MAX = 100_000  # invalidations kept while Redis is away; past it, TTLs bound the rest

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

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "linli:",
        max_connections: int = 512,
        breaker: Breaker | None = None,
        op_timeout: float = OP_TIMEOUT,
    ) -> None:
        self.prefix = prefix
        self._pool = BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=10, socket_connect_timeout=op_timeout
        )
        self.redis = Redis(connection_pool=self._pool)
        self._reads = ReadPipe.from_url(url, timeout=op_timeout)
        self._release_script = self.redis.register_script(_RELEASE)
        self.breaker = breaker or Breaker()
        self.op_timeout = op_timeout
        self._pending: dict[str, None] = {}  # invalidations not yet delivered, in order
        self._flushing: asyncio.Task[None] | None = None

    def _k(self, key: str) -> str:
        return self.prefix + key

    async def _call(self, command: Callable[[], Awaitable[T]], timed: bool = True) -> T:
        """Run ``command`` through the breaker, limited to ``op_timeout`` (the pipelined
        reads keep their own limit, one timer per connection: ``timed=False``)."""
        if not self.breaker.allow():
            raise BrokerUnavailable("redis is unavailable (circuit open)")
        try:
            if timed:
                async with asyncio.timeout(self.op_timeout):
                    result = await command()
            else:
                result = await command()
        except _DOWN as exc:
            self.breaker.failed()
            if self.breaker.failures == 1:
                log.warning("redis stopped answering (%s); running on the database", exc)
            raise BrokerUnavailable(f"redis is unavailable: {exc}") from exc
        if self.breaker.is_open and self.breaker.succeeded():
            log.warning("redis answers again")
            if self._pending and (self._flushing is None or self._flushing.done()):
                self._flushing = asyncio.create_task(self._flush_pending())
        return result

    async def publish(self, channel: str, data: bytes | str) -> None:
        await self._call(lambda: self.redis.publish(self._k(channel), data))

    async def _open_subscription(self, channels: tuple[str, ...]) -> Subscription:
        pubsub = self.redis.pubsub()
        try:
            await self._call(lambda: pubsub.subscribe(*(self._k(c) for c in channels)))
        except BaseException:
            await pubsub.aclose()
            raise
        return _RedisSubscription(pubsub, self.prefix)

    async def get(self, key: str) -> bytes | None:
        if self._reads is not None:
            reads = self._reads
            return await self._call(lambda: reads.command(b"GET", self._k(key)), timed=False)  # type: ignore[no-any-return]
        value = await self._call(lambda: self.redis.get(self._k(key)))
        return value.encode() if isinstance(value, str) else value

    async def get_many(self, *keys: str) -> list[bytes | None]:
        if not keys:
            return []
        if self._reads is not None:
            reads = self._reads
            return await self._call(  # type: ignore[no-any-return]
                lambda: reads.command(b"MGET", *(self._k(k) for k in keys)), timed=False
            )
        values = await self._call(lambda: self.redis.mget([self._k(k) for k in keys]))
        return [v.encode() if isinstance(v, str) else v for v in values]

    async def set(self, key: str, value: bytes | str, ttl: float | None = None) -> None:
        px = int(ttl * 1000) if ttl is not None else None
        await self._call(lambda: self.redis.set(self._k(key), value, px=px))

    async def set_if_absent(self, key: str, value: bytes | str, ttl: float) -> bool:
        return bool(
            await self._call(
                lambda: self.redis.set(self._k(key), value, px=int(ttl * 1000), nx=True)
            )
        )

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        return int(await self._call(lambda: self.redis.delete(*(self._k(k) for k in keys))))

    async def invalidate(self, *keys: str) -> None:
        try:
            await self.delete(*keys)
        except BrokerUnavailable:
            for k in keys:
                self._pending[k] = None
            while len(self._pending) > PENDING_MAX:
                del self._pending[next(iter(self._pending))]

    async def _flush_pending(self) -> None:
        while self._pending:
            keys = list(self._pending)[:1000]
            try:
                await self.delete(*keys)
            except BrokerUnavailable:
                return  # still away: the next recovery sends them
            for k in keys:
                self._pending.pop(k, None)

    async def incr(self, key: str, ttl: float) -> int:
        async def run() -> int:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(self._k(key))
                pipe.pexpire(self._k(key), int(ttl * 1000), nx=True)
                value, _ = await pipe.execute()
            return int(value)

        return await self._call(run)

    async def _release(self, key: str, token: str) -> bool:
        return bool(
            await self._call(lambda: self._release_script(keys=[self._k(key)], args=[token]))
        )

    async def ping(self) -> bool:
        return bool(await self._call(self.redis.ping))

    async def close(self) -> None:
        if self._flushing is not None:
            self._flushing.cancel()
        if self._reads is not None:
            self._reads.close()
        await self.redis.aclose()
        await self._pool.aclose()
