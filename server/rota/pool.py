"""Solving off the event loop: in a thread pool of the serving process.

CP-SAT releases the GIL while it searches, so a solve in a thread neither blocks the
loop (a 5 ms ticker stalls at most ~10 ms per solve, bench/rota_served_bench.py) nor
runs slower than in a process, and it needs no child process: Sanic's workers are
daemonic, and a daemonic process may not start a multiprocessing pool.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from server.rota import running
from server.rota.problem import Problem, Solution
from server.rota.solve import solve

_pool: ThreadPoolExecutor | None = None
_size = 0
_wanted = 0
_futures: set[Future[Solution]] = set()


def configure(solvers: int) -> None:
    """How many solves run at once per process (0: one per core). Takes effect on the
    next solve."""
    global _wanted
    _wanted = max(0, solvers)


def pool_size() -> int:
    return _wanted or (os.cpu_count() or 1)


def get_pool(size: int | None = None) -> ThreadPoolExecutor:
    """One pool per server process; more solves than threads wait their turn."""
    global _pool, _size
    size = size or pool_size()
    if _pool is None or _size != size:
        if _pool is not None:
            _pool.shutdown(wait=False)
        _pool = ThreadPoolExecutor(size, thread_name_prefix="rota-solve")
        _size = size
    return _pool


async def solve_async(problem: Problem) -> Solution:
    future = get_pool().submit(solve, problem)
    _futures.add(future)
    future.add_done_callback(_futures.discard)
    return await asyncio.wrap_future(future)


async def solve_many(problems: Sequence[Problem]) -> list[Solution]:
    """A street's communities side by side, one CP-SAT worker each."""
    return list(await asyncio.gather(*(solve_async(p) for p in problems)))


async def stop_solves(timeout: float = 3.0) -> bool:
    """End the running solves (each answers with the best rota found so far) and drop the
    waiting ones; True when all ended within ``timeout`` seconds. A later solve starts a
    new pool."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
    deadline = time.monotonic() + timeout
    while any(not f.done() for f in list(_futures)):
        if time.monotonic() > deadline:
            return False
        running.stop_all()
        await asyncio.sleep(0.02)
    return True
