"""Where a served worker should run the rota solver: what the event loop feels while a
solve runs (the longest stall of a 5 ms ticker, as a request waiting on the loop would)
and the solve's wall time, for solves in a thread of the worker (CP-SAT releases the GIL
while it searches) and in a spawned process pool (cold: the pool started for the solve;
warm: already running). Then the figure users meet: the same community generated
through HTTP by ``linli-server serve`` (one worker, SQLite), the solve in the worker.

Run: PYTHONPATH=. python bench/rota_served_bench.py [--communities 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.rota_bench import community
from bench.servers import free_port, stop
from server.rota.problem import Problem
from server.rota.solve import solve

TICK = 0.005


async def _ticker(stop: asyncio.Event, lags: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t = loop.time()
        await asyncio.sleep(TICK)
        lags.append(loop.time() - t - TICK)


async def _run(pool: Executor, problems: Sequence[Problem]) -> tuple[float, float, float]:
    """(wall seconds, longest loop stall ms, 99th percentile stall ms) of solving
    ``problems`` side by side on ``pool`` while the loop ticks."""
    loop = asyncio.get_running_loop()
    stop, lags = asyncio.Event(), []  # type: ignore[var-annotated]
    tick = asyncio.create_task(_ticker(stop, lags))
    t0 = time.perf_counter()
    sols = await asyncio.gather(*(loop.run_in_executor(pool, solve, p) for p in problems))
    wall = time.perf_counter() - t0
    stop.set()
    await tick
    assert all(s.ok for s in sols), [s.status for s in sols]
    lags.sort()
    return wall, 1000 * lags[-1], 1000 * lags[int(0.99 * (len(lags) - 1))]


def _spawned(n: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))


async def in_process(args: argparse.Namespace) -> None:
    start = date(2026, 11, 30)
    one = [replace(community(1, start), time_limit=args.time_limit)]
    street = [
        replace(community(s, start), time_limit=args.time_limit)
        for s in range(1, args.communities + 1)
    ]
    n = args.communities
    rows: list[tuple[str, str, Callable[[], Executor], Sequence[Problem]]] = [
        ("thread", "1 community", lambda: ThreadPoolExecutor(n), one),
        ("process, cold", "1 community", lambda: _spawned(n), one),
        ("thread", f"{n} communities", lambda: ThreadPoolExecutor(n), street),
        ("process, cold", f"{n} communities", lambda: _spawned(n), street),
    ]
    print(
        f"4-week community (15 staff, 8 posts), time limit {args.time_limit:g} s, 1 CP-SAT worker"
    )
    print(f"{'where':<16}{'what':<16}{'wall s':>8}{'max stall ms':>14}{'p99 stall ms':>14}")
    for where, what, make, problems in rows:
        pool = make()
        try:
            wall, worst, p99 = await _run(pool, problems)
            print(f"{where:<16}{what:<16}{wall:>8.2f}{worst:>14.1f}{p99:>14.1f}")
            if where.startswith("process"):
                wall, worst, p99 = await _run(pool, problems)
                print(f"{'process, warm':<16}{what:<16}{wall:>8.2f}{worst:>14.1f}{p99:>14.1f}")
        finally:
            pool.shutdown(wait=True)
    # The floor: the loop's own stalls with nothing solving.
    stop, lags = asyncio.Event(), []  # type: ignore[var-annotated]
    tick = asyncio.create_task(_ticker(stop, lags))
    await asyncio.sleep(2)
    stop.set()
    await tick
    lags.sort()
    print(
        f"{'idle loop':<16}{'(floor)':<16}{'':>8}{1000 * lags[-1]:>14.1f}"
        f"{1000 * lags[int(0.99 * (len(lags) - 1))]:>14.1f}"
    )


async def _seed(url: str, p: Problem, password: str) -> tuple[int, str]:
    """The benchmark community as rows: (community id, its secretary's username)."""
    from server.db import close_db, init_db, migrate
    from tests.support.rota import seed_problem

    await migrate(url)
    await init_db(url)
    try:
        return await seed_problem(p, password)
    finally:
        await close_db()


def _post(base: str, path: str, body: object, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def served(time_limit: float) -> None:
    """One community's 4-week draft generated through a served worker, twice."""
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=2)
    problem = community(1, monday)
    password = "bench-password-1"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/rota.sqlite3"
        cid, secretary = asyncio.run(_seed(url, problem, password))
        port = free_port()
        env = {
            **os.environ,
            "LINLI_ENV": "test",
            "DATABASE_URL": url,
            "JWT_SECRET": "bench-" + "x" * 40,
            "RELAY_IN_SERVER": "false",
            "PORT": str(port),
            "WORKERS": "1",
            "MEDIA_DIR": f"{tmp}/media",
        }
        env.pop("REDIS_URL", None)
        root = Path(__file__).resolve().parents[1]
        env["PYTHONPATH"] = str(root)
        proc = subprocess.Popen(
            [sys.executable, "-c", "from server.cli import main; main()", "serve"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            _, tokens = _post(
                base, "/api/v1/auth/staff", {"username": secretary, "password": password}
            )
            body = {"start_date": monday.isoformat(), "weeks": 4, "time_limit": time_limit}
            print("\nserved: linli-server serve, 1 worker, SQLite; POST .../generate, 4 weeks")
            for run in (1, 2):
                t0 = time.perf_counter()
                status, draft = _post(
                    base,
                    f"/api/v1/rota/communities/{cid}/generate",
                    body,
                    tokens["access_token"],
                )
                wall = time.perf_counter() - t0
                rota = draft.get("rota") or {}
                print(
                    f"run {run}: HTTP {status}, solver {rota.get('solver_status')}, "
                    f"solve {rota.get('solve_seconds', float('nan')):.2f} s in the worker, "
                    f"request {wall:.2f} s, {rota.get('assignments')} assignments"
                )
        finally:
            stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communities", type=int, default=4, help="side by side, as a street")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--served-only", action="store_true")
    args = ap.parse_args()
    if not args.served_only:
        asyncio.run(in_process(args))
    served(args.time_limit)


if __name__ == "__main__":
    main()
