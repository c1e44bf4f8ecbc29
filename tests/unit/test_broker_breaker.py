"""The Redis broker's circuit breaker: a dead Redis fails calls at once instead of each
request waiting on it, one call probes after the cool-down, and invalidations made while
Redis was away are delivered when it answers again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.broker import BrokerUnavailable
from server.broker.breaker import Breaker
from server.broker.redis import RedisBroker
from tests.support.redis_process import RedisProcess
from tests.support.served import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_probes_once_and_closes() -> None:
    clock = Clock()
    b = Breaker(cooldown=1.0, max_cooldown=4.0, clock=clock)
    assert b.allow() and not b.is_open
    b.failed()
    assert b.is_open and not b.allow()
    clock.now += 1.0
    assert b.allow()  # the one probe
    assert not b.allow()  # others wait for its outcome
    b.failed()  # the probe failed: a longer cool-down
    clock.now += 1.5
    assert not b.allow()
    clock.now += 0.5
    assert b.allow()
    assert b.succeeded() and not b.is_open and b.allow()
    for _ in range(10):
        b.failed()
    clock.now += 4.0  # capped
    assert b.allow()


async def test_a_dead_redis_fails_fast_without_touching_the_network() -> None:
    clock = Clock()
    broker = RedisBroker(
        f"redis://127.0.0.1:{free_port()}/0", breaker=Breaker(1.0, 5.0, clock), op_timeout=1.0
    )
    try:
        with pytest.raises(BrokerUnavailable):
            await broker.get("k")
        assert broker.breaker.is_open
        calls = []
        original = broker.redis.set

        async def counted(*a: object, **k: object) -> object:
            calls.append(a)
            return await original(*a, **k)  # type: ignore[arg-type]

        broker.redis.set = counted  # type: ignore[method-assign]
        for _ in range(50):
            with pytest.raises(BrokerUnavailable):
                await broker.set("k", "v")
        assert calls == []
        await broker.invalidate("k")  # never raises: kept for later
    finally:
        await broker.close()


@pytest.fixture
async def own_redis(tmp_path: Path) -> AsyncIterator[RedisProcess]:
    r = RedisProcess(tmp_path).start()
    yield r
    r.stop()


async def test_invalidations_made_while_away_are_sent_on_recovery(
    own_redis: RedisProcess,
) -> None:
    clock = Clock()
    broker = RedisBroker(own_redis.url, breaker=Breaker(1.0, 5.0, clock))
    try:
        await broker.set("standing:staff:7", "cached")
        broker.breaker.failed()  # Redis counted as away
        await broker.invalidate("standing:staff:7")
        clock.now += 1.0
        assert await broker.get("other") is None  # the probe succeeds: the circuit closes
        for _ in range(100):
            if await broker.get("standing:staff:7") is None:
                break
            await asyncio.sleep(0.01)
        assert await broker.get("standing:staff:7") is None
    finally:
        await broker.close()


async def test_a_hung_redis_fails_reads_after_the_time_limit() -> None:
    """A Redis that accepts connections and never answers: the pipelined reads give up
    after the limit (one timer per connection) and the circuit opens."""
    held: list[asyncio.StreamWriter] = []

    def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # keep the connection open, say nothing

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    broker = RedisBroker(f"redis://127.0.0.1:{port}/0", op_timeout=0.2)
    try:
        with pytest.raises(BrokerUnavailable):
            await broker.get_many("a", "b")
        assert broker.breaker.is_open
        with pytest.raises(BrokerUnavailable):
            await broker.get("a")  # at once, while the circuit is open
    finally:
        await broker.close()
        for w in held:
            w.close()
        server.close()
        await server.wait_closed()
