"""Every screen at 80×24 and 120×36 on a fixed street and a fixed clock.

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.canned import canned_app
from tests.tui.pilot import until
from tui.screens.board import BoardScreen
from tui.screens.detail import DetailScreen
from tui.screens.forms import FilterForm
from tui.screens.handoff_forms import DispatchForm
from tui.screens.ops import OpsScreen
from tui.screens.photos import PhotoViewer
from tui.screens.rota import RotaScreen
from tui.screens.visits import VisitsScreen
from tui.widgets.report_table import ReportTable

SIZES = [(80, 24), (120, 36)]
Step = Callable[[Pilot[Any]], Awaitable[None]]


async def board(pilot: Pilot[Any]) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), "board")
    table = pilot.app.screen.query_one(ReportTable)
    await until(pilot, lambda: len(table.reports) == 8, "rows")
    await until(pilot, lambda: bool(table.labels.staff), "names")
    await pilot.pause()


async def detail(pilot: Pilot[Any]) -> None:
    await board(pilot)
    await pilot.press("down", "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, DetailScreen), "detail")
    await until(pilot, lambda: pilot.app.screen.report is not None, "report")  # type: ignore[attr-defined]
    await pilot.pause()


async def dispatch(pilot: Pilot[Any]) -> None:
    await detail(pilot)
    await pilot.press("d")
    await until(pilot, lambda: isinstance(pilot.app.screen, DispatchForm), "form")
    await pilot.pause()


async def photos(pilot: Pilot[Any]) -> None:
    await detail(pilot)
    await pilot.press("i")
    await until(pilot, lambda: isinstance(pilot.app.screen, PhotoViewer), "viewer")
    image = pilot.app.screen.query_one("#photo-image")
    await until(pilot, lambda: image.display and image.image is not None, "photo drawn")  # type: ignore[attr-defined]
    await pilot.pause()


async def filters(pilot: Pilot[Any]) -> None:
    await board(pilot)
    await pilot.press("f")
    await until(pilot, lambda: isinstance(pilot.app.screen, FilterForm), "filter form")
    await pilot.pause()


async def help_screen(pilot: Pilot[Any]) -> None:
    await board(pilot)
    await pilot.press("f1")
    await pilot.pause()


async def rota(pilot: Pilot[Any]) -> None:
    await board(pilot)
    await pilot.press("f3")
    await until(pilot, lambda: isinstance(pilot.app.screen, RotaScreen), "rota")
    await until(pilot, lambda: pilot.app.screen.grid is not None, "grid")  # type: ignore[attr-defined]
    await pilot.pause()


async def rota_explained(pilot: Pilot[Any]) -> None:
    await rota(pilot)
    await pilot.press("x")
    await pilot.pause()


async def visits(pilot: Pilot[Any]) -> None:
    await board(pilot)
    await pilot.press("f4")
    await until(pilot, lambda: isinstance(pilot.app.screen, VisitsScreen), "visits")
    await until(pilot, lambda: bool(pilot.app.screen.items), "due list")  # type: ignore[attr-defined]
    await pilot.pause()


async def coverage(pilot: Pilot[Any]) -> None:
    await visits(pilot)
    await pilot.press("c")
    await until(pilot, lambda: pilot.app.screen.coverage is not None, "coverage")  # type: ignore[attr-defined]
    await pilot.pause()


async def ops(pilot: Pilot[Any]) -> None:
    await board(pilot)
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(pilot.app.screen, OpsScreen), "ops")
    table = pilot.app.screen.query_one("#ops-letters")
    await until(pilot, lambda: table.row_count == 2, "letters")  # type: ignore[attr-defined]
    await pilot.pause()


async def login(pilot: Pilot[Any]) -> None:
    await pilot.pause()


SCREENS: dict[str, Step] = {
    "login": login,
    "board": board,
    "detail": detail,
    "dispatch": dispatch,
    "photos": photos,
    "filters": filters,
    "help": help_screen,
    "rota": rota,
    "rota_explained": rota_explained,
    "visits": visits,
    "coverage": coverage,
    "ops": ops,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_compare: Any, tmp_path: Path) -> None:
    app = canned_app(tmp_path, signed_in=name != "login")
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])
