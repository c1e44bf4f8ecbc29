"""CPU per request of the broker's two hot reads, client by client, in one run.

Each request reads what a create reads from Redis: the caller's standing (``MGET`` of two
keys) and the on-duty answer (``MGET`` of two keys), one after the other, with CONC requests
in flight at once. Each client is measured in turn, twice in alternating order, and the
lower figure kept; CPU is this process's (the server worker's share) and redis-server's,
read from /proc. The floor is the same requests answered by the in-process broker: the
event loop's and the tasks' own cost, which no client can go under.

Run: ``REDIS_URL=redis://127.0.0.1:6379/0 PYTHONPATH=. python -m bench.redis_reads_bench``
(``--requests N --conc C``). Without REDIS_URL it says so and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis._parsers import _AsyncHiredisParser, _AsyncRESP2Parser
from redis.asyncio import BlockingConnectionPool, Redis
from redis.utils import HIREDIS_AVAILABLE

from bench.cpu import snapshot
from server.broker.memory import MemoryBroker

Reads = Callable[[list[str], list[str]], Awaitable[Any]]


def _own_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _redis_cpu() -> float:
    return snapshot(-1, "-").seconds["redis"]


async def _drive(reads: Reads, keys: list[tuple[list[str], list[str]]], n: int, conc: int):  # type: ignore[no-untyped-def]
    async def worker(start: int) -> None:
        for i in range(start, n, conc):
            a, b = keys[i % len(keys)]
            await reads(a, b)

    await asyncio.gather(*(worker(i) for i in range(conc)))


async def measure(reads: Reads, keys, n: int, conc: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """(own CPU µs/request, redis CPU µs/request, requests/s)."""
    await _drive(reads, keys, min(n, 2000), conc)  # warm: connections open, caches filled
    cpu0, red0, t0 = _own_cpu(), _redis_cpu(), time.perf_counter()
    await _drive(reads, keys, n, conc)
    wall = time.perf_counter() - t0
    own, red = _own_cpu() - cpu0, _redis_cpu() - red0
    return own / n * 1e6, red / n * 1e6, n / wall


def _pool(url: str, parser: type | None) -> Redis:
    extra: dict[str, Any] = {} if parser is None else {"parser_class": parser}
    pool = BlockingConnectionPool.from_url(url, max_connections=512, timeout=10, **extra)
    return Redis(connection_pool=pool)


async def _rounds(candidates: dict[str, Reads], keys, n: int, conc: int):  # type: ignore[no-untyped-def]
    best: dict[str, tuple[float, float, float]] = {}
    for rnd in range(2):
        order = list(candidates) if rnd == 0 else list(reversed(candidates))
        for name in order:
            got = await measure(candidates[name], keys, n, conc)
            if name not in best or got[0] < best[name][0]:
                best[name] = got
    return best


def _report(candidates: dict[str, Reads], best, args, conc: int) -> None:  # type: ignore[no-untyped-def]
    print(
        f"{args.requests} requests of two MGETs, {conc} in flight, "
        f"hiredis {'installed' if HIREDIS_AVAILABLE else 'absent'}; best of two rounds"
    )
    print(f"{'client':<48} {'own µs/req':>10} {'redis µs/req':>12} {'req/s':>8}")
    for name in candidates:
        own, red, rate = best[name]
        print(f"{name:<48} {own:>10.1f} {red:>12.1f} {rate:>8.0f}")
    floor_cpu = best["floor: in-process broker"][0]
    rivals = {n: v[0] for n, v in best.items() if n.startswith("redis-py")}
    if "resp.py ReadPipe" in best and rivals:
        name = min(rivals, key=lambda n: rivals[n])
        ours = best["resp.py ReadPipe"][0]
        print(
            f"best redis-py: {name}; its CPU over resp.py's: {rivals[name] / ours:.2f}x "
            f"(above the floor: {(rivals[name] - floor_cpu) / max(ours - floor_cpu, 1e-9):.2f}x)"
        )
    print()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--conc", default="1,32", help="requests in flight; a list runs each")
    args = ap.parse_args()
    url = os.environ.get("REDIS_URL")
    if not url:
        print("REDIS_URL not set: nothing to measure")
        return
    prefix = f"bench:{secrets.token_hex(4)}:"
    setup = Redis.from_url(url)
    keys = []
    for i in range(500):
        k = [f"{prefix}sub:{i}", f"{prefix}fam:{i}", f"{prefix}gen:{i % 20}", f"{prefix}duty:{i}"]
        await setup.mset({k[0]: b"1" * 40, k[1]: b"0", k[2]: b"7", k[3]: b"x" * 300})
        keys.append((k[:2], k[2:]))

    memory = MemoryBroker()
    for a, b in keys:
        for k in a + b:
            await memory.set(k, b"v")
    hired = _pool(url, _AsyncHiredisParser) if HIREDIS_AVAILABLE else None
    pure = _pool(url, _AsyncRESP2Parser)
    single = Redis.from_url(url, single_connection_client=True)
    candidates: dict[str, Reads] = {}

    async def floor(a: list[str], b: list[str]) -> None:
        await memory.get_many(*a)
        await memory.get_many(*b)

    candidates["floor: in-process broker"] = floor
    pipe = None
    try:
        from server.broker.resp import ReadPipe, encode  # noqa: F401 - absent once removed

        pipe = ReadPipe.from_url(url)
    except ImportError:
        pass
    if pipe is not None:
        reader = pipe

        async def resp(a: list[str], b: list[str]) -> None:
            await reader.command(b"MGET", *a)
            await reader.command(b"MGET", *b)

        candidates["resp.py ReadPipe"] = resp

    async def py_parser(a: list[str], b: list[str]) -> None:
        await pure.mget(a)
        await pure.mget(b)

    candidates["redis-py pool, Python parser"] = py_parser
    if hired is not None:
        h = hired

        async def hiredis_pool(a: list[str], b: list[str]) -> None:
            await h.mget(a)
            await h.mget(b)

        async def hiredis_pipeline(a: list[str], b: list[str]) -> None:
            async with h.pipeline(transaction=False) as p:
                p.mget(a)
                p.mget(b)
                await p.execute()

        candidates["redis-py pool, hiredis"] = hiredis_pool
        candidates["redis-py pool, hiredis, both in one pipeline"] = hiredis_pipeline

    async def one_conn(a: list[str], b: list[str]) -> None:
        await single.mget(a)
        await single.mget(b)

    candidates[f"redis-py single connection, {'hiredis' if HIREDIS_AVAILABLE else 'Python'}"] = (
        one_conn
    )

    for conc in (int(c) for c in args.conc.split(",")):
        _report(candidates, await _rounds(candidates, keys, args.requests, conc), args, conc)
    if pipe is not None:
        pipe.close()
    for r in (hired, pure, single):
        if r is not None:
            await r.aclose()
    await setup.delete(*[k for a, b in keys for k in a + b])
    await setup.aclose()


if __name__ == "__main__":
    asyncio.run(main())
