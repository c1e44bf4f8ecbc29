"""The broker contract, run against whichever implementation the environment selects."""

from __future__ import annotations

import asyncio

import pytest

from server.broker import Broker, LockTimeout, MemoryBroker


async def test_cache_set_get_expire(broker: Broker) -> None:
    await broker.set("k", "v", ttl=0.2)
    assert await broker.get("k") == b"v"
    await asyncio.sleep(0.3)
    assert await broker.get("k") is None


async def test_get_many_answers_in_order_in_one_call(broker: Broker) -> None:
    await broker.set("gm:a", b"1")
    await broker.set("gm:c", "3", ttl=0.05)
    assert await broker.get_many("gm:c", "gm:b", "gm:a") == [b"3", None, b"1"]
    assert await broker.get_many() == []
    await asyncio.sleep(0.1)
    assert await broker.get_many("gm:a", "gm:c") == [b"1", None]


async def test_set_if_absent_and_delete(broker: Broker) -> None:
    assert await broker.set_if_absent("once", "a", ttl=5)
    assert not await broker.set_if_absent("once", "b", ttl=5)
    assert await broker.get("once") == b"a"
    assert await broker.delete("once", "never-set") == 1
    assert await broker.get("once") is None


async def test_counter_window(broker: Broker) -> None:
    assert [await broker.incr("hits", ttl=0.3) for _ in range(3)] == [1, 2, 3]
    await asyncio.sleep(0.4)
    assert await broker.incr("hits", ttl=0.3) == 1


async def test_lock_excludes_and_releases(broker: Broker) -> None:
    async with broker.lock("job", ttl=5, wait=1):
        assert await broker.try_lock("job", ttl=5) is None
        with pytest.raises(LockTimeout):
            async with broker.lock("job", ttl=5, wait=0.1):
                pass
    token = await broker.try_lock("job", ttl=5)
    assert token is not None
    assert not await broker.unlock("job", "someone-else")
    assert await broker.unlock("job", token)


async def test_lock_expires_when_holder_vanishes(broker: Broker) -> None:
    assert await broker.try_lock("lease", ttl=0.2) is not None
    await asyncio.sleep(0.3)
    assert await broker.try_lock("lease", ttl=0.2) is not None


async def test_lock_serialises_critical_sections(broker: Broker) -> None:
    inside = 0
    worst = 0

    async def worker() -> None:
        nonlocal inside, worst
        async with broker.lock("section", ttl=5, wait=5, poll=0.005):
            inside += 1
            worst = max(worst, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(worker() for _ in range(10)))
    assert worst == 1


async def test_pubsub_delivers_to_every_subscriber(broker: Broker) -> None:
    async with broker.subscribe("feed") as a, broker.subscribe("feed", "other") as b:
        await asyncio.sleep(0.05)  # Redis confirms subscriptions asynchronously
        await broker.publish("feed", "one")
        await broker.publish("other", b"two")
        got_a = await a.get(timeout=2)
        got_b1 = await b.get(timeout=2)
        got_b2 = await b.get(timeout=2)
        assert got_a is not None and got_a.data == b"one" and got_a.channel == "feed"
        assert got_b1 is not None and got_b2 is not None
        assert {got_b1.data, got_b2.data} == {b"one", b"two"}
        assert await a.get(timeout=0.1) is None


async def test_memory_broker_slow_subscriber_drops_oldest() -> None:
    b = MemoryBroker()
    async with b.subscribe("c") as sub:
        assert isinstance(sub, object)
        for i in range(10_005):
            await b.publish("c", str(i))
        first = await sub.get(timeout=1)
        assert first is not None and first.data == b"5"
