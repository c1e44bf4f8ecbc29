"""Visits at street scale on PostgreSQL: a worker's due list under 16 concurrent
connections and the street coverage report, beside the bare Tortoise list floor.

    python -m bench.visits_bench                      # 50,000 households, 1,000,000 visits
    python -m bench.visits_bench --households 5000 --visits 100000   # a quicker run

Creates (and afterwards drops, unless --keep; --reuse measures a kept one again) its own
database, applies the migrations, seeds with COPY, runs the real Sanic server on 127.0.0.1
in a child process and drives it with wrk where installed (``bench.loadgen``), else with a
bounded asyncio load generator over keep-alive connections.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench.loadgen import Req, Stats, run_wrk, wrk_path
from bench.servers import stop
from bench.visits_seed import Seeded, seed
from server.auth.principal import Principal
from server.auth.tokens import TokenSigner
from server.db import migrate
from server.models.people import Role

SECRET = "bench-" + secrets.token_hex(24)
TARGET_DUE_P99_MS = 30.0
TARGET_COVERAGE_MS = 500.0


class Conn:
    """A keep-alive HTTP/1.1 connection: the lightest client, so the server is measured."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, token: str | None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n{auth}\r\n".encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load(port: int, paths: list[tuple[str, str | None]], concurrency: int) -> list[float]:
    """Send every request, at most ``concurrency`` in flight; latencies in ms."""
    queue = list(reversed(paths))
    times: list[float] = []

    async def run() -> None:
        c = Conn(port)
        try:
            while queue:
                path, token = queue.pop()
                t = time.perf_counter()
                status, body = await c.get(path, token)
                times.append((time.perf_counter() - t) * 1000)
                if status != 200:
                    raise RuntimeError(f"{path}: {status} {body[:200]!r}")
        finally:
            c.close()

    await asyncio.gather(*(run() for _ in range(concurrency)))
    return times


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def line(name: str, value: float, target: str, floor: str) -> str:
    return f"  {name:<38} {value:9.1f} ms   target {target:<10} floor {floor}"


async def wait_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("the server exited")
        c = Conn(port)
        try:
            if (await c.get("/healthz", None))[0] == 200:
                return
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            c.close()
        await asyncio.sleep(0.2)
    raise RuntimeError("the server did not start")


async def load_seeded(conn: asyncpg.Connection) -> Seeded:
    """What an earlier --keep run seeded, read back from its database."""
    d = await conn.fetchrow(
        "SELECT id, street_id FROM staff WHERE role = 'street_dispatcher' ORDER BY id LIMIT 1"
    )
    workers = await conn.fetch(
        "SELECT DISTINCT s.id, s.community_id FROM staff s JOIN grid g ON g.worker_id = s.id "
        "WHERE s.role = 'worker' ORDER BY s.id"
    )
    return Seeded(
        street_id=d["street_id"],
        dispatcher_id=d["id"],
        workers=[(w["id"], w["community_id"]) for w in workers],
        households=await conn.fetchval("SELECT count(*) FROM household"),
        visits=await conn.fetchval("SELECT count(*) FROM visit"),
    )


async def wrk_load(port: int, paths: list[tuple[str, str | None]], conc: int, secs: float) -> Stats:
    reqs = [
        Req("GET", path, {"Authorization": f"Bearer {tok}"} if tok else {}) for path, tok in paths
    ]
    return await run_wrk(f"http://127.0.0.1:{port}", reqs, conc, secs)


async def run(a: argparse.Namespace) -> None:
    parts = urlsplit(a.database_url.replace("postgres://", "postgresql://", 1))
    name = a.db_name
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    if not a.reuse:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(parts._replace(path=f"/{name}", scheme="postgres"))
    proc = None
    try:
        await migrate(url)
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        t = time.perf_counter()
        if a.reuse:
            seeded = await load_seeded(conn)
        else:
            seeded = await seed(conn, a.households, a.visits, random.Random(7))
        await conn.close()
        print(
            f"{'reusing' if a.reuse else 'seeded'} {seeded.households} households, "
            f"{seeded.visits} visits, {len(seeded.workers)} workers "
            f"in {time.perf_counter() - t:.1f} s"
        )
        signer = TokenSigner(SECRET, 3600, 3600)

        def token(sid: int, role: Role, cid: int | None) -> str:
            p = Principal("staff", sid, "", 0, role, cid, seeded.street_id, None)
            return signer.access(p).token

        workers = [(token(w, Role.worker, c), w) for w, c in seeded.workers]
        dispatcher = token(seeded.dispatcher_id, Role.street_dispatcher, None)
        env = {
            **os.environ,
            "DATABASE_URL": f"{url}?minsize=4&maxsize={a.pool}",
            "JWT_SECRET": SECRET,
            "LINLI_ENV": "development",
            "PORT": str(a.port),
            "WORKERS": str(a.workers),
            "REDIS_URL": a.redis_url or "",
            "REDIS_PREFIX": f"benchv{secrets.token_hex(3)}:",
            # Relays run as their own processes when scaled (bench.relay_bench measures them).
            "RELAY_IN_SERVER": "false",
            "PYTHONPATH": os.getcwd(),
        }

        def start(extra: dict[str, str]) -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "-m", "bench.visits_server"],
                env={**env, **extra},
                start_new_session=True,
            )

        proc = start({})
        await wait_up(a.port, proc)
        rng = random.Random(11)
        due = [("/api/v1/visits/due", tok) for tok, _ in workers]
        await load(a.port, [due[i % len(due)] for i in range(300)], a.concurrency)  # warm-up
        comms = sorted({c for _, c in seeded.workers})
        floor_paths = [
            (f"/bench/floor/households?community_id={rng.choice(comms)}", None)
            for _ in range(a.requests)
        ]
        plans = [("/api/v1/visits/plan", tok) for tok, _ in workers]
        await load(a.port, floor_paths[:300], a.concurrency)
        if wrk_path():
            print(f"load from wrk (1 thread), {a.seconds:.0f} s per measurement")
            due_order = [rng.choice(due) for _ in range(2000)]
            f16 = await wrk_load(a.port, floor_paths, a.concurrency, a.seconds)
            d16 = await wrk_load(a.port, due_order, a.concurrency, a.seconds)
            p16 = await wrk_load(a.port, plans, a.concurrency, a.seconds)
            f1 = await wrk_load(a.port, floor_paths, 1, a.seconds / 2)
            d1 = await wrk_load(a.port, due_order, 1, a.seconds / 2)
            floor_fig = (f16.p50, f16.p99)
            due_fig = (d16.p50, d16.p99)
            plan99 = p16.p99
            one = (f1.p50, f1.p99, d1.p50, d1.p99)
            rates = f"{d16.rps:.0f} due lists/s vs {f16.rps:.0f} floor lists/s"
        else:
            print("load from the asyncio generator (wrk not installed)")
            floor = await load(a.port, floor_paths, a.concurrency)
            due_t = await load(a.port, [rng.choice(due) for _ in range(a.requests)], a.concurrency)
            plan = await load(a.port, plans[:200], a.concurrency)
            floor1 = await load(a.port, floor_paths[:300], 1)
            due1 = await load(a.port, [rng.choice(due) for _ in range(300)], 1)
            floor_fig = (pct(floor, 50), pct(floor, 99))
            due_fig = (pct(due_t, 50), pct(due_t, 99))
            plan99 = pct(plan, 99)
            one = (pct(floor1, 50), pct(floor1, 99), pct(due1, 50), pct(due1, 99))
            rates = ""
        cov = await load(a.port, [("/api/v1/visits/coverage", dispatcher)] * 12, 1)
        c = Conn(a.port)
        _, body = await c.get("/api/v1/visits/due", workers[0][0])
        c.close()
        # The same due lists with none kept in memory: every read runs the query, as the
        # first read after a write to the worker's community does.
        stop(proc)
        proc = start({"VISIT_KEPT_LISTS": "0"})
        await wait_up(a.port, proc)
        await load(a.port, [due[i % len(due)] for i in range(300)], a.concurrency)
        if wrk_path():
            cold = await wrk_load(a.port, due_order, a.concurrency, a.seconds)
            cold_fig = (cold.p50, cold.p99)
            rates += f"; {cold.rps:.0f} due lists/s with none kept"
        else:
            cold_t = await load(a.port, [rng.choice(due) for _ in range(a.requests)], a.concurrency)
            cold_fig = (pct(cold_t, 50), pct(cold_t, 99))
        print(
            f"\nvisits bench: {seeded.households} households, {seeded.visits} visits, "
            f"{a.concurrency} connections (one due list is {len(body)} bytes, "
            f"{body.count(b'household_id')} households); {rates}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        fp50, fp99 = floor_fig
        print(line("bare Tortoise list (floor) p50", fp50, "-", "-"))
        print(line("bare Tortoise list (floor) p99", fp99, "-", "-"))
        print(line("worker due list p50", due_fig[0], "-", f"{fp50:.1f} ms"))
        print(
            line(
                "worker due list p99",
                due_fig[1],
                f"<= {TARGET_DUE_P99_MS:.0f} ms",
                f"{fp99:.1f} ms",
            )
        )
        print(line("due list, none kept, p50", cold_fig[0], "-", f"{fp50:.1f} ms"))
        print(line("due list, none kept, p99", cold_fig[1], "-", f"{fp99:.1f} ms"))
        print(line("worker day plan p99", plan99, "-", f"{fp99:.1f} ms"))
        print(line("one connection: floor p50", one[0], "-", "-"))
        print(line("one connection: due list p50", one[2], "-", f"{one[0]:.1f} ms"))
        print(line("one connection: due list p99", one[3], "-", f"{one[1]:.1f} ms"))
        print(
            line(
                "street coverage report median",
                statistics.median(cov),
                f"<= {TARGET_COVERAGE_MS:.0f} ms",
                f"{fp50:.1f} ms",
            )
        )
        print(
            line(
                "street coverage report max",
                max(cov),
                f"<= {TARGET_COVERAGE_MS:.0f} ms",
                f"{fp99:.1f} ms",
            )
        )
        ok = due_fig[1] <= TARGET_DUE_P99_MS and max(cov) <= TARGET_COVERAGE_MS
        print("\nresult:", "targets met" if ok else "TARGET MISSED")
    finally:
        if proc is not None:
            stop(proc)
        if not (a.keep or a.reuse):
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"kept database {name}")
        await admin.close()


def cli() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    ap.add_argument("--households", type=int, default=50_000)
    ap.add_argument("--visits", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--pool", type=int, default=10, help="database pool size per worker")
    ap.add_argument("--workers", type=int, default=2, help="Sanic worker processes")
    ap.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL"),
        help="broker for token revocation checks (default: in-process)",
    )
    ap.add_argument("--port", type=int, default=8931)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--reuse", action="store_true", help="measure on a database kept by --keep")
    ap.add_argument("--db-name", default="linli_bench_visits")
    ap.add_argument("--seconds", type=float, default=10.0, help="per wrk measurement")
    return ap.parse_args()


def main() -> None:
    asyncio.run(run(cli()))


if __name__ == "__main__":
    main()
