"""Solving off the event loop: a process pool, so long solves neither block the server's
loop nor share its GIL, and a street's communities solve side by side."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from server.rota.problem import Problem, Solution
from server.rota.solve import solve

_pool: ProcessPoolExecutor | None = None
_size = 0
_wanted = 0


def configure(processes: int) -> None:
    """How many solver processes (0: one per core). Takes effect on the next solve."""
    global _wanted
    _wanted = max(0, processes)


def pool_size() -> int:
    return _wanted or (os.cpu_count() or 1)


def get_pool(size: int | None = None) -> ProcessPoolExecutor:
    """One pool per server process. Spawned, not forked: forking a process that runs an
    event loop and database connections copies state the child must not touch."""
    global _pool, _size
    size = size or pool_size()
    if _pool is None or _size != size:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("spawn"))
        _size = size
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


async def solve_async(problem: Problem) -> Solution:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(get_pool(), solve, problem)


async def solve_many(problems: Sequence[Problem]) -> list[Solution]:
    """A street's communities in parallel processes, one CP-SAT worker each."""
    return list(await asyncio.gather(*(solve_async(p) for p in problems)))
