"""What the Redis broker's circuit breaker costs and saves: CPU per call of the breaker
alone (beside a bare call, and beside purgatory's asyncio breaker when it is installed),
CPU per pipelined ``get_many`` through the breaker beside the bare read (needs REDIS_URL),
and how fast calls fail once Redis is gone.

Run: PYTHONPATH=. python bench/broker_bench.py
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Awaitable, Callable

from server.broker import BrokerUnavailable
from server.broker.breaker import Breaker
from server.broker.redis import RedisBroker

Call = Callable[[], Awaitable[object]]


async def _cpu_per_call(fn: Call, n: int, concurrent: bool = False) -> float:
    best = float("inf")
    for _ in range(5):
        t = time.process_time()
        if concurrent:
            await asyncio.gather(*(fn() for _ in range(n)))
        else:
            for _ in range(n):
                await fn()
        best = min(best, (time.process_time() - t) / n * 1e6)
    return best


async def breaker_alone() -> None:
    async def op() -> int:
        return 1

    b = Breaker()

    async def ours() -> object:
        if not b.allow():
            raise BrokerUnavailable("open")
        result = await op()
        if b.is_open:
            b.succeeded()
        return result

    figures = {
        "bare call": await _cpu_per_call(op, 50_000),
        "ours": await _cpu_per_call(ours, 50_000),
    }
    try:
        from purgatory import AsyncCircuitBreakerFactory  # not a dependency: compared if present
    except ImportError:
        pass
    else:
        factory = AsyncCircuitBreakerFactory(default_threshold=5, default_ttl=5)

        async def purgatory() -> object:
            async with await factory.get_breaker("redis"):
                return await op()

        figures["purgatory"] = await _cpu_per_call(purgatory, 50_000)
    print("breaker alone, us CPU per call:", {k: round(v, 2) for k, v in figures.items()})


async def reads(url: str) -> None:
    b = RedisBroker(url, prefix="linlibench:")
    await b.get_many("a", "b")
    reads = b._reads
    assert reads is not None
    guarded = await _cpu_per_call(lambda: b.get_many("a", "b"), 5000, concurrent=True)
    bare = await _cpu_per_call(
        lambda: reads.command(b"MGET", b"linlibench:a", b"linlibench:b"), 5000, concurrent=True
    )
    print(
        f"get_many of 2 keys, 5000 concurrent: {guarded:.1f} us CPU each through the "
        f"breaker, {bare:.1f} us for the bare pipelined read"
    )
    await b.close()


async def dead() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    b = RedisBroker(f"redis://127.0.0.1:{port}/0")
    t = time.perf_counter()
    with contextlib.suppress(BrokerUnavailable):
        await b.get("k")
    first = time.perf_counter() - t
    n = 10_000
    t = time.perf_counter()
    for _ in range(n):
        with contextlib.suppress(BrokerUnavailable):
            await b.get_many("a", "b")
    per = (time.perf_counter() - t) / n
    print(
        f"Redis gone (connection refused): first call fails in {first * 1000:.2f} ms, "
        f"later calls while the circuit is open in {per * 1e6:.1f} us"
    )
    await b.close()


async def main() -> None:
    await breaker_alone()
    url = os.environ.get("REDIS_URL")
    if url:
        await reads(url)
    else:
        print("REDIS_URL not set: pipelined reads not measured")
    await dead()


if __name__ == "__main__":
    asyncio.run(main())
