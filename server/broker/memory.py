"""In-process broker for the embedded default: one process, no network."""

from __future__ import annotations

import asyncio
import time

from server.broker.base import Broker, Message, Subscription


class _MemorySubscription(Subscription):
    def __init__(self, broker: MemoryBroker, channels: tuple[str, ...]) -> None:
        self._broker = broker
        self.channels = channels
        self.queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=10_000)

    async def get(self, timeout: float | None = None) -> Message | None:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    async def close(self) -> None:
        self._broker._subscribers.discard(self)


class MemoryBroker(Broker):
    name = "memory"

    def __init__(self) -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._subscribers: set[_MemorySubscription] = set()

    @staticmethod
    def _b(value: bytes | str) -> bytes:
        return value.encode() if isinstance(value, str) else value

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    async def publish(self, channel: str, data: bytes | str) -> None:
        msg = Message(channel, self._b(data))
        for sub in list(self._subscribers):
            if channel in sub.channels:
                if sub.queue.full():  # a stalled reader loses the oldest, never blocks others
                    sub.queue.get_nowait()
                sub.queue.put_nowait(msg)

    async def _open_subscription(self, channels: tuple[str, ...]) -> Subscription:
        sub = _MemorySubscription(self, channels)
        self._subscribers.add(sub)
        return sub

    async def get(self, key: str) -> bytes | None:
        return self._live(key)

    async def get_many(self, *keys: str) -> list[bytes | None]:
        return [self._live(k) for k in keys]

    async def set(self, key: str, value: bytes | str, ttl: float | None = None) -> None:
        expires = time.monotonic() + ttl if ttl is not None else None
        self._data[key] = (self._b(value), expires)

    async def set_if_absent(self, key: str, value: bytes | str, ttl: float) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, value, ttl)
        return True

    async def delete(self, *keys: str) -> int:
        n = 0
        for key in keys:
            if self._live(key) is not None:
                n += 1
            self._data.pop(key, None)
        return n

    async def incr(self, key: str, ttl: float) -> int:
        current = self._live(key)
        if current is None:
            self._data[key] = (b"1", time.monotonic() + ttl)
            return 1
        value = int(current) + 1
        self._data[key] = (str(value).encode(), self._data[key][1])
        return value

    async def _release(self, key: str, token: str) -> bool:
        if self._live(key) == token.encode():
            del self._data[key]
            return True
        return False

    async def ping(self) -> bool:
        return True
