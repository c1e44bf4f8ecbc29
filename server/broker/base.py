"""The broker interface every implementation follows."""

from __future__ import annotations

import abc
import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


class LockTimeout(TimeoutError):
    """A lock could not be acquired in the time allowed."""


class BrokerUnavailable(ConnectionError):
    """The broker does not answer (or its circuit is open). The broker is a cache and a
    bus, never the record: callers read the database instead, or retry later."""


@dataclass(frozen=True, slots=True)
class Message:
    channel: str
    data: bytes


class Subscription(abc.ABC):
    """Messages from the channels subscribed to, in order of publication."""

    @abc.abstractmethod
    async def get(self, timeout: float | None = None) -> Message | None:
        """Next message, or None after ``timeout`` seconds."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    def __aiter__(self) -> AsyncIterator[Message]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Message]:
        while True:
            msg = await self.get()
            if msg is not None:
                yield msg


class Broker(abc.ABC):
    name: str

    # -- pub/sub ---------------------------------------------------------
    @abc.abstractmethod
    async def publish(self, channel: str, data: bytes | str) -> None: ...

    @abc.abstractmethod
    async def _open_subscription(self, channels: tuple[str, ...]) -> Subscription: ...

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[Subscription]:
        sub = await self._open_subscription(channels)
        try:
            yield sub
        finally:
            await sub.close()

    # -- key-value cache with expiry ----------------------------------------
    @abc.abstractmethod
    async def get(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    async def get_many(self, *keys: str) -> list[bytes | None]:
        """Several keys in one round trip, in the order asked."""

    @abc.abstractmethod
    async def set(self, key: str, value: bytes | str, ttl: float | None = None) -> None: ...

    @abc.abstractmethod
    async def set_if_absent(self, key: str, value: bytes | str, ttl: float) -> bool: ...

    @abc.abstractmethod
    async def delete(self, *keys: str) -> int: ...

    async def invalidate(self, *keys: str) -> None:
        """Drop cached copies of something that changed in the database. Unlike
        :meth:`delete` this never fails: while the broker is away the keys are
        remembered and dropped as soon as it answers again."""
        await self.delete(*keys)

    # -- counters --------------------------------------------------------
    @abc.abstractmethod
    async def incr(self, key: str, ttl: float) -> int:
        """Add one; the window of ``ttl`` seconds starts with the first increment."""

    # -- short locks -----------------------------------------------------
    @abc.abstractmethod
    async def _release(self, key: str, token: str) -> bool: ...

    async def try_lock(self, name: str, ttl: float) -> str | None:
        """Take the lock for ``ttl`` seconds; return its token, or None if held."""
        token = secrets.token_hex(8)
        ok = await self.set_if_absent(f"lock:{name}", token, ttl)
        return token if ok else None

    async def unlock(self, name: str, token: str) -> bool:
        return await self._release(f"lock:{name}", token)

    @asynccontextmanager
    async def lock(
        self, name: str, *, ttl: float = 10.0, wait: float = 5.0, poll: float = 0.02
    ) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            token = await self.try_lock(name, ttl)
            if token is not None:
                break
            if loop.time() >= deadline:
                raise LockTimeout(name)
            await asyncio.sleep(poll)
        try:
            yield token
        finally:
            await self.unlock(name, token)

    # -- lifecycle -------------------------------------------------------
    @abc.abstractmethod
    async def ping(self) -> bool: ...

    async def close(self) -> None:  # noqa: B027 - optional hook
        pass
