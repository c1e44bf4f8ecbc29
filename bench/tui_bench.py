"""How the staff terminal feels with 10,000 open reports: first paint of the triage board,
and the time per key for cursor moves and tab switches, driven by Textual's pilot against
a real server running in its own process.

Run: PYTHONPATH=. python -m bench.tui_bench [--reports N] (or make bench for all). Each
figure is printed beside its target and beside a floor measured in the same run: the bare
HTTP round trip for the board's first page, and a bare Textual table's first frame and
key-to-frame time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

import tui  # noqa: F401 - first: sets the terminal's frame rate before Textual loads

# isort: split
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Tab

from bench.servers import free_port
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.widgets.report_table import ReportTable

TITLES = ["楼道堆物", "电梯故障", "楼上漏水", "噪音扰民", "违章搭建", "路灯不亮", "占用消防通道"]
PAINT_TARGET_MS = 500.0
KEY_TARGET_MS = 50.0
TAB_SWITCHES = 120  # with 40 the p95 was the third-worst switch: one GC pause moved it


async def seed(url: str, n: int) -> tuple[str, str]:
    """The demo street plus ``n`` open reports in one community; returns a worker login."""
    from server.db import close_db, init_db, migrate
    from server.models.geo import Community
    from server.models.people import Role, Staff
    from server.models.reports import Category, Priority, Report
    from server.seed import DEMO_PASSWORD, seed_demo
    from server.services.reports.catalogue import seed_catalogue

    await migrate(url)
    await init_db(url)
    try:
        await seed_catalogue()
        await seed_demo()
        community = await Community.all().order_by("id").first()
        assert community is not None
        workers = await Staff.filter(community=community, role=Role.worker).order_by("id")
        categories = await Category.all()
        rng = random.Random(7)
        now = datetime.now(UTC)
        rows = []
        # Written directly: the create use case would take minutes for 10,000 and adds
        # nothing the board reads (owner, deadline, status are set here as it would).
        for i in range(n):
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 20))
            status = rng.choice(["submitted", "accepted", "dispatched", "in_progress"])
            rows.append(
                Report(
                    community_id=community.id,
                    street_id=community.street_id,
                    category_id=rng.choice(categories).id,
                    priority=rng.choice(list(Priority)),
                    status=status,
                    owner_id=rng.choice(workers).id,
                    title=f"{rng.choice(TITLES)} {i}",
                    description="楼道里堆满杂物，影响通行",
                    created_at=created,
                    updated_at=created,
                    due_at=created + timedelta(hours=rng.randrange(1, 200)),
                )
            )
        await Report.bulk_create(rows, batch_size=1000)
        return workers[0].username, DEMO_PASSWORD
    finally:
        await close_db()


def start_server(url: str, port: int, tmp: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WORKERS": "1",
        "LINLI_ENV": "development",
        "MEDIA_DIR": str(tmp / "media"),
        "RELAY_IN_SERVER": "false",
    }
    log = (tmp / "server.log").open("wb")
    cmd = [sys.executable, "-m", "server.cli", "serve"]
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(300):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not come up; see server.log")


class Frames:
    """Every frame the current screen draws: when it was done and which widgets it
    repainted. A key's time runs to the first frame that repainted the widget showing its
    result; waiting for "the next refresh" instead can end on an idle screen before the
    widget's own update has reached it, with no frame drawn at all."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, float, frozenset[type[Widget]] | None]] = []
        self.changed = asyncio.Event()

    def __enter__(self) -> Frames:
        self._update = update = Screen._on_timer_update

        def on_timer_update(screen: Screen[Any]) -> None:
            full = screen._layout_required or screen._scroll_required
            full = full or screen._repaint_required
            dirty = frozenset(type(w) for w in screen._dirty_widgets)
            t0 = time.perf_counter()
            update(screen)
            if screen.is_current and (full or dirty):
                self.frames.append((t0, time.perf_counter(), None if full else dirty))
                self.changed.set()

        Screen._on_timer_update = on_timer_update  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        Screen._on_timer_update = self._update  # type: ignore[method-assign]

    async def showing(self, since: float, shows: type[Widget]) -> float:
        """When the first frame begun after ``since`` that repainted a ``shows`` was done."""
        while True:
            for start, done, dirty in self.frames:
                if start >= since and (dirty is None or any(issubclass(d, shows) for d in dirty)):
                    return done
            self.changed.clear()
            await self.changed.wait()


FRAMES = Frames()


async def key_to_frame(pilot: Pilot[Any], key: str, shows: type[Widget]) -> float:
    """Key sent to the first frame that repainted the widget showing its result (the
    pilot's own idle detection is left out: it sleeps in fixed steps the terminal never
    waits for)."""
    app = pilot.app
    assert app._driver is not None
    FRAMES.frames.clear()
    t0 = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    return (await FRAMES.showing(t0, shows) - t0) * 1000


class PageDrawn:
    """When the board has put a fresh page into its table and a frame has drawn the
    table. The board may hold a page back until the frame a key asked for is out, so the
    page's arrival alone says nothing about what is on screen."""

    def __init__(self) -> None:
        self.drawn = asyncio.Event()
        self.at = 0.0
        self._task: asyncio.Task[None] | None = None

    def __enter__(self) -> PageDrawn:
        self._show = show = ReportTable.show

        def show_page(table: ReportTable, rows: list[Any], *, append: bool = False) -> None:
            show(table, rows, append=append)
            if not append:
                self._task = asyncio.create_task(self._stamp(time.perf_counter()))

        ReportTable.show = show_page  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        ReportTable.show = self._show  # type: ignore[method-assign]

    async def _stamp(self, shown: float) -> None:
        self.at = await FRAMES.showing(shown, ReportTable)
        self.drawn.set()

    def clear(self) -> None:
        self.drawn.clear()


async def first_paint(base: str, tokens: Path) -> float:
    """Start of the terminal to the frame that shows the board's first page, resuming a
    stored session (sign-in check, then the page, as a worker at the desk would see)."""
    app = LinliApp(LinliClient(base, TokenStore(tokens)), live=False)
    with PageDrawn() as page:
        t0 = time.perf_counter()
        async with app.run_test(size=(120, 36)) as pilot:
            await asyncio.wait_for(page.drawn.wait(), 30)
            assert app.screen.query_one(ReportTable).row_count > 0
            await pilot.pause()
    await app.client.aclose()  # after the app: its workers are cancelled on exit
    return (page.at - t0) * 1000


async def keys(base: str, tokens: Path) -> tuple[list[float], list[float], list[float]]:
    """Per key: cursor down (300), tab switch handled, tab switch with its page shown."""
    app = LinliApp(LinliClient(base, TokenStore(tokens)), live=False)
    cursor, tab_key, tab_shown = [], [], []
    with PageDrawn() as page:
        async with app.run_test(size=(120, 36)) as pilot:
            await asyncio.wait_for(page.drawn.wait(), 30)  # the New tab, shown first
            page.clear()
            await pilot.press("5")  # All: 10,000 rows behind the first page
            await asyncio.wait_for(page.drawn.wait(), 30)
            for _ in range(300):
                cursor.append(await key_to_frame(pilot, "down", ReportTable))
            for key in "1235" * (TAB_SWITCHES // 4):
                page.clear()
                t0 = time.perf_counter()
                tab_key.append(await key_to_frame(pilot, key, Tab))
                await asyncio.wait_for(page.drawn.wait(), 30)
                tab_shown.append((page.at - t0) * 1000)
    await app.client.aclose()
    return cursor, tab_key, tab_shown


async def bare_keys() -> list[float]:
    """The floor: the same 300 cursor keys on a bare Textual table of 400 rows."""
    app = Bare()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        return [await key_to_frame(pilot, "down", DataTable) for _ in range(300)]


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="row")
        table.add_columns(*"abcdefghi")
        for i in range(400):
            table.add_row(*[f"{c}{i}" for c in "abcdefghi"])
        yield table
        yield Footer()


async def floor_paint() -> float:
    """The floor: start of a bare Textual app with a 400-row table to its first frame."""
    app = Bare()
    FRAMES.frames.clear()
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 36)):
        return (await FRAMES.showing(t0, DataTable) - t0) * 1000


async def floor_http(base: str, token: str) -> list[float]:
    out = []
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(20):
            t0 = time.perf_counter()
            r = await http.get(
                "/api/v1/triage/queue",
                params={"tab": "all", "limit": 50},
                headers={"Authorization": f"Bearer {token}"},
            )
            r.raise_for_status()
            out.append((time.perf_counter() - t0) * 1000)
    return out


def p95_of(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def line(name: str, values: list[float], target: float | None, floor: str) -> None:
    med, p95 = statistics.median(values), p95_of(values)
    worst = max(values)
    verdict = "" if target is None else ("  ok" if p95 <= target else "  OVER")
    tgt = f"≤ {target:.0f} ms" if target is not None else "—"
    print(
        f"{name:<34} median {med:7.1f}  p95 {p95:7.1f}  max {worst:7.1f} ms"
        f"   target {tgt:<9}{verdict}   floor {floor}"
    )


async def run(reports: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="linli-tui-bench-"))
    url = f"sqlite://{tmp / 'bench.sqlite3'}"
    t0 = time.perf_counter()
    username, password = await seed(url, reports)
    print(f"seeded {reports} open reports in {time.perf_counter() - t0:.1f}s ({tmp})")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, port, tmp)
    try:
        await wait_up(base)
        tokens = tmp / "tokens.json"
        client = LinliClient(base, TokenStore(tokens))
        await client.login(username, password)
        assert client.tokens is not None
        http = await floor_http(base, client.tokens.access_token)
        await client.aclose()
        with FRAMES:
            paint_floor = statistics.median([await floor_paint() for _ in range(3)])
            paints = [await first_paint(base, tokens) for _ in range(5)]
            cursor, tab_key, tab_shown = await keys(base, tokens)
            bare = await bare_keys()
        http_med = statistics.median(http)
        key_floor = f"{statistics.median(bare):.1f} ms (p95 {p95_of(bare):.1f}) bare Textual table"
        load = os.getloadavg()[0]
        print(f"\nload average {load:.1f} on {os.cpu_count()} cores: figures and floors share it")
        line("first paint of the triage board", paints, PAINT_TARGET_MS,
             f"{paint_floor:.0f} ms empty app + {http_med:.0f} ms one page over HTTP")  # fmt: skip
        line("cursor down, key to frame", cursor, KEY_TARGET_MS, key_floor)
        line("tab switch, key to frame", tab_key, KEY_TARGET_MS, key_floor)
        line("tab switch, new page on screen", tab_shown, None,
             f"{http_med:.0f} ms one page over HTTP")  # fmt: skip
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reports", type=int, default=10_000)
    args, _ = ap.parse_known_args()
    asyncio.run(run(args.reports))


if __name__ == "__main__":
    main()
