"""From the round: the household's record with who read it, and the round overdue first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from tests.tui.canned import NOW, canned_app, iso
from tests.tui.pilot import settled, until
from tui.screens.board import BoardScreen
from tui.screens.household import HouseholdScreen
from tui.screens.visits import VisitsScreen

HOUSEHOLD = {
    "id": 500, "community_id": 1, "estate_id": 1, "estate": "康乐小区", "building_id": 2,
    "building": "2号楼", "grid_id": 1, "unit": "1", "floor": 1, "room": "101", "notes": "",
    "groups": ["living_alone"],
    "members": [{"id": 1, "name": "周桂英", "birth_year": 1940, "phone": "13812341234",
                 "relation": "户主"}],
    "schedule": {"cadence_days": 7, "next_due": NOW.date().isoformat(), "last_met_at": None,
                 "last_attempt_at": None, "moved_away": False},
}  # fmt: skip
READS = {
    "household_id": 500,
    "items": [
        {"at": iso(NOW), "staff_id": 12, "staff_name": "李明", "role": "worker",
         "action": "household.read", "why": "opened the household record 查看户档"},
        {"at": iso(NOW), "staff_id": 11, "staff_name": "王芳", "role": "secretary",
         "action": "household.export", "why": "exported the community's registry 导出户籍"},
    ],
}  # fmt: skip


async def test_the_household_screen_shows_who_read_it(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    answers: dict[tuple[str, str], Any] = {
        ("GET", "/api/v1/households/500"): HOUSEHOLD,
        ("GET", "/api/v1/households/500/reads"): READS,
    }
    app = canned_app(tmp_path, seen=seen, answers=answers)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot, BoardScreen)
        await pilot.press("f4")
        await settled(pilot, VisitsScreen)
        await until(pilot, lambda: bool(app.screen.items), "due list")  # type: ignore[attr-defined]
        await pilot.press("s")
        await until(pilot, lambda: seen[-1].url.params.get("order") == "overdue", "overdue first")
        await pilot.press("o")
        await settled(pilot, HouseholdScreen)
        screen = app.screen
        assert isinstance(screen, HouseholdScreen)
        await until(pilot, lambda: screen.reads is not None, "reads loaded")
        console = Console(width=120, record=True)
        console.print(screen.view())
        text = console.export_text()
        assert "查阅记录" in text
        assert "周桂英" in text and "李明 社工" in text and "查看户档" in text
        assert "导出户籍" in text
        await pilot.press("escape")
        await settled(pilot, VisitsScreen)
